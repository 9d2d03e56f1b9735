"""The standalone entry point, as an operator starts it."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from registry_service import cli
from registry_service.app import API_VERSION
from tests.registry_service.pki_helpers import make_pki
from tests.registry_service.svc_helpers import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]


def test_python_m_registry_service_serves_openapi(tmp_path: Path) -> None:
    port = free_port()
    db = tmp_path / "reg.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "registry_service", "--host", "127.0.0.1", "--port", str(port),
         "--database", f"sqlite:///{db}", "--key-dir", str(tmp_path / "keys")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        r = wait_until_serving(proc, port)
        assert r.status_code == 200 and r.json()["info"]["version"] == API_VERSION
        assert db.exists() and (tmp_path / "keys" / "authority_ed25519.pub.pem").exists()
    finally:
        proc.terminate()
        assert proc.wait(15) is not None


def test_unusable_database_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = argparse.ArgumentParser()
    cli.add_arguments(p)
    monkeypatch.setattr(cli.server, "listen", lambda *_a: socket.socket())
    args = p.parse_args(["--database", "nosuchdb://x", "--key-dir", str(tmp_path / "k")])
    assert cli.run(args) == 2
    unreachable = f"postgresql://nobody@127.0.0.1:{free_port()}/x?connect_timeout=2"
    args = p.parse_args(["--database", unreachable, "--key-dir", str(tmp_path / "k")])
    assert cli.run(args) == 2


def test_submit_threads_must_be_positive(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    p = argparse.ArgumentParser()
    cli.add_arguments(p)
    assert p.parse_args(["--submit-threads", "2"]).submit_threads == 2
    monkeypatch.delenv("REGISTRY_SUBMIT_THREADS", raising=False)
    q = argparse.ArgumentParser()
    cli.add_arguments(q)
    assert q.parse_args([]).submit_threads == 4
    with pytest.raises(SystemExit) as exc:
        p.parse_args(["--submit-threads", "0"])
    assert exc.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


# --- every argument checked before anything starts: one line, exit status 2 ---------------
@pytest.fixture
def never_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refusal test that got through would otherwise serve for ever."""
    def serve(*_a: object) -> int:
        raise AssertionError("the service would have started")

    monkeypatch.setattr(cli, "_serve", serve)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    p = argparse.ArgumentParser(prog="registry-service")
    cli.add_arguments(p)
    try:
        code = cli.run(p.parse_args(argv))
    except SystemExit as exc:  # argparse's own refusals
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.mark.usefixtures("never_serve")
@pytest.mark.parametrize("port", ["99999", "65536", "0", "-1", "http", "８６００"])
def test_port_out_of_range_is_refused(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(["--port", port], capsys)
    assert code == 2 and "--port" in err


@pytest.mark.usefixtures("never_serve")
def test_port_in_use_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, err = _run(["--port", str(port), "--database", f"sqlite:///{tmp_path}/r.db",
                          "--key-dir", str(tmp_path / "k")], capsys)
    assert code == 2 and err.count("\n") == 1 and f"127.0.0.1:{port}" in err
    assert not (tmp_path / "r.db").exists()  # refused before the database was touched


@pytest.mark.usefixtures("never_serve")
@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--tls-cert", "{pki}/server.crt"], "--tls-cert needs --tls-key"),
        (["--tls-key", "{pki}/server.key"], "--tls-key needs --tls-cert"),
        (["--client-ca", "{pki}/ca.crt"], "--client-ca needs --tls-cert"),
        (["--tls-cert", "{tmp}/missing.crt", "--tls-key", "{pki}/server.key"], "--tls-cert: cannot read"),
        (["--tls-cert", "{pki}/server.crt", "--tls-key", "{tmp}/missing.key"], "--tls-key: cannot read"),
        (["--tls-cert", "{tmp}/binary.crt", "--tls-key", "{pki}/server.key"], "not a PEM certificate"),
        (["--tls-cert", "{pki}/server.crt", "--tls-key", "{pki}/kiosk.key"], "matching key"),
        (["--tls-cert", "{pki}/server.crt", "--tls-key", "{pki}/server.key", "--client-ca",
          "{tmp}/binary.crt"], "--client-ca: no PEM certificate"),
        (["--tls-cert", "{tmp}", "--tls-key", "{pki}/server.key"], "--tls-cert: cannot read"),
    ],
)
def test_tls_files_checked(extra: list[str], expected: str, pki: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "binary.crt").write_bytes(bytes(range(256)) * 4)
    argv = [a.format(pki=pki, tmp=tmp_path) for a in extra]
    code, err = _run([*argv, "--database", f"sqlite:///{tmp_path}/r.db"], capsys)
    assert code == 2 and expected in err and err.count("\n") == 1


@pytest.mark.usefixtures("never_serve")
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--workers", "0"], "--workers"),
        (["--workers", "2", "--database", "sqlite:///x.db"], "SQLite allows one worker"),
        (["--database", "not a url"], "--database: not a database URL"),
        (["--database", "postgres://u@h/db"], "only sqlite:///FILE and postgresql"),
        (["--key-dir", "{file}"], "is not a directory"),
        (["--submit-threads", "x"], "--submit-threads"),
    ],
)
def test_other_arguments_checked(argv: list[str], expected: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x")
    code, err = _run([a.format(file=tmp_path / "file") for a in argv], capsys)
    assert code == 2 and expected in err


def test_main_py_reports_a_missing_certificate_in_one_line(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "registry-service", "--port", str(free_port()),
         "--tls-cert", str(tmp_path / "nope.crt"), "--tls-key", str(tmp_path / "nope.key"),
         "--database", f"sqlite:///{tmp_path}/r.db", "--key-dir", str(tmp_path / "k")],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"registry-service: error: --tls-cert: cannot read {tmp_path / 'nope.crt'}: "
        "No such file or directory"]
