"""The standalone entry point, as an operator starts it."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from registry_service import cli
from tests.registry_service.svc_helpers import free_port, wait_until_serving


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
        assert r.status_code == 200 and r.json()["info"]["version"] == "1.0.0"
        assert db.exists() and (tmp_path / "keys" / "authority_ed25519.pub.pem").exists()
    finally:
        proc.terminate()
        assert proc.wait(15) is not None


def test_unusable_database_exits_2(tmp_path: Path) -> None:
    p = argparse.ArgumentParser()
    cli.add_arguments(p)
    args = p.parse_args(["--database", "nosuchdb://x", "--key-dir", str(tmp_path / "k")])
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
