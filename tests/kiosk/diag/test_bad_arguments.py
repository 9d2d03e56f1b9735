"""Wrong paths, directories, binary or endless files and out-of-range numbers given to the
technicians' commands: one line and exit status 2, never a traceback, before any device is opened."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.diag import arguments
from registry_service import keys
from tests.conftest import ROOT, write_config


def technician(*args: str) -> subprocess.CompletedProcess[str]:
    """`main.py ...` as run over SSH, in a process held to 2 GB so an unbounded read fails there
    instead of exhausting the machine."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, preexec_fn=limit)


def one_line(text: str) -> bool:
    return "Traceback" not in text and len(text.strip().splitlines()) == 1


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    binary = tmp_path / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 16)
    huge = tmp_path / "huge.bin"  # sparse: larger than any limit, no disk used
    with huge.open("wb") as f:
        f.truncate(arguments.MAX_IMAGE_BYTES + 1)
    key = keys.load_or_create(tmp_path / "keys").public_key_path
    return {"cfg": write_config(tmp_path), "bin": binary, "dir": tmp_path / "adir", "huge": huge, "key": key,
            "missing": tmp_path / "missing.file", "nodir": tmp_path / "no" / "such" / "dir" / "r.json"}


def test_printer_db_binary_or_directory(files: dict[str, Path]) -> None:
    files["dir"].mkdir()
    for db in (files["bin"], files["dir"]):
        result = technician("--config", str(files["cfg"]), "diag", "printer", "--db", str(db))
        assert result.returncode == 2 and one_line(result.stderr), result.stderr[-2000:]
        assert "--db" in result.stderr and str(db) in result.stderr
    assert files["bin"].read_bytes() == bytes(range(256)) * 16  # looked at, never written


def test_report_out_directory_fails_before_any_check(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    files["dir"].mkdir()
    result = technician("--config", str(files["cfg"]), "diag", "report", "--out", str(files["dir"]))
    assert result.returncode == 2 and one_line(result.stderr) and "--out" in result.stderr
    from kiosk.diag import report

    def no_checks(*_a: object) -> None:
        raise AssertionError("the checks ran before the arguments were checked")

    monkeypatch.setattr(report, "collect", no_checks)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--config", str(files["cfg"]), "diag", "report", "--out", str(files["dir"])])
    assert exit_.value.code == 2


def test_face_match_pairs_binary(files: dict[str, Path]) -> None:
    result = technician("--config", str(files["cfg"]), "diag", "face-match", "--pairs", str(files["bin"]))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert json.loads(result.stdout) == {"error": "pairs_unreadable",
                                         "detail": f"{files['bin']}: is not UTF-8 text (byte 128)"}


@pytest.mark.parametrize("argv", [
    ["--config", "/dev/zero", "diag", "storage"],
    ["diag", "api", "--url", "http://127.0.0.1:9", "--kiosk-id", "k", "--public-key", "/dev/zero"],
    ["diag", "face-match", "--pairs", "/dev/zero"],
    ["diag", "face-match", "/dev/zero", "/dev/zero", "--json"],
])
def test_endless_files_are_refused(argv: list[str]) -> None:
    result = technician(*argv)
    assert result.returncode == 2, result.stderr[-2000:]
    message = result.stderr if result.stderr.strip() else result.stdout
    assert one_line(message) and "/dev/zero" in message


SWEEP = [
    ("diag printer --db {missing}", "--db"),
    ("diag printer --port 99999", "--port"),
    ("diag printer --port nine", "--port"),
    ("diag printer --jobs -1", "--jobs"),
    ("diag printer --usb-vendor 0x10000", "--usb-vendor"),
    ("diag printer --baudrate 0", "--baudrate"),
    ("diag printer --var-dir {bin}", "--var-dir"),
    ("diag report --out {nodir}", "does not exist"),
    ("diag report --out {bin}/r.json", "does not exist"),
    ("diag face-match --pairs {dir}", "--pairs"),
    ("diag face-match --pairs {huge}", "--pairs"),
    ("diag face-match a.jpg b.jpg --threshold nan", "--threshold"),
    ("diag face-match a.jpg b.jpg --threshold -1", "--threshold"),
    ("diag card --timeout nan", "--timeout"),
    ("diag card --timeout -5", "--timeout"),
    ("diag card --trust-store {bin}", "--trust-store"),
    ("diag card --var-dir {bin}", "--var-dir"),
    ("diag card --can ١٢٣٤٥٦", "--can"),
    ("diag card --mrz E1,８５０３１２,360630", "--mrz"),
    ("diag camera --seconds 1e9", "--seconds"),
    ("diag camera --fps 0", "--fps"),
    ("diag camera --width -1", "--width"),
    ("diag api --public-key {dir}", "--public-key"),
    ("diag api --ca-bundle {huge}", "--ca-bundle"),
    ("diag api --timeout 0", "--timeout"),
    ("--config {dir} diag", "--config"),
    ("--config {huge} diag storage", "--config"),
    ("verify-licence {dir} --public-key {key}", "adir"),
    ("verify-licence {huge} --public-key {key}", "huge.bin"),
    ("verify-licence {key} --public-key {bin}", "binary.bin"),
]


@pytest.mark.parametrize(("command", "named"), SWEEP)
def test_sweep(files: dict[str, Path], capsys: pytest.CaptureFixture[str], command: str, named: str) -> None:
    files["dir"].mkdir()
    argv = [part.format(**files) for part in command.split()]
    if argv[0] != "--config":
        argv = ["--config", str(files["cfg"]), *argv] if argv[0] == "diag" else argv
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    message = err if err.strip() else out
    assert code == 2 and one_line(message), (out, err)
    assert named in message


def test_unavailable_subcommand_says_why(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(cli.DIAG, "face-match", "kiosk.diag.no_such_module")
    assert cli.main(["diag", "face-match", "a.jpg", "b.jpg"]) == 2
    assert "face-match is unavailable" in capsys.readouterr().err


def test_diag_json_before_the_device_is_kept(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--config", str(files["cfg"]), "diag", "--json", "storage"]) == 0
    assert json.loads(capsys.readouterr().out)["checks"][0]["device"] == "storage"


def test_a_closed_pipe_is_quiet(files: dict[str, Path]) -> None:
    script = (f"import sys; sys.argv = ['main.py', '--config', {str(files['cfg'])!r}, 'diag', 'storage', '--json']\n"
              "import runpy; runpy.run_path('main.py', run_name='__main__')")
    with subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader goes away before the report is printed
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
