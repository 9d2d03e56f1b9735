"""The kiosk as a service manager runs it: a real child process on the default (simulated) config,
started on a var dir an older version left readable, probed while idle, then sent SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.instance_lock import holder
from tests.conftest import ROOT, write_config


@dataclass
class Run:
    var: Path
    returncode: int | None  # None: still running after SIGTERM, killed
    stderr: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def printer_checked_at(port: int) -> float:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as resp:
            text = resp.read().decode()
    except OSError:
        return 0.0
    line = next((x for x in text.splitlines()
                 if x.startswith('kiosk_device_checked_timestamp_seconds{device="printer"}')), "x 0")
    return float(line.rsplit(" ", 1)[1])


@pytest.fixture(scope="module")
def stopped_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Run:
    var = tmp_path_factory.mktemp("kiosk-run")
    var.chmod(0o755)  # as an older version left it
    (var / "kiosk.lock").write_text("")
    (var / "logs").mkdir()
    (var / "logs" / "kiosk.log").write_text("")
    for path in (var / "kiosk.lock", var / "logs" / "kiosk.log"):
        path.chmod(0o644)
    (var / "logs").chmod(0o755)
    port = free_port()
    config = write_config(var, {'test_card_can = "123456"': f'test_card_can = "123456"\nmetrics_port = {port}'},
                          "\n[timeouts]\nattract_probe = 1\n")
    config.chmod(0o644)
    env = dict(os.environ, KIVY_NO_ARGS="1")
    err_path = var.parent / f"{var.name}.stderr"
    with err_path.open("w") as err:
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless", "--config", str(config)],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        seen: set[float] = set()
        deadline = time.monotonic() + 120
        while len(seen - {0.0}) < 2 and time.monotonic() < deadline and proc.poll() is None:
            seen.add(printer_checked_at(port))  # devices up, then one idle probe
            time.sleep(0.2)
        assert proc.poll() is None and len(seen - {0.0}) >= 2, "the kiosk did not come up"
        proc.send_signal(signal.SIGTERM)
        try:
            returncode: int | None = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            returncode = None
    return Run(var, returncode, err_path.read_text(encoding="utf-8", errors="replace"))


def log_entries(var: Path) -> list[dict]:
    return [json.loads(line) for line in (var / "logs" / "kiosk.log").read_text(encoding="utf-8").splitlines()]


def test_sigterm_stops_the_kiosk_cleanly_despite_lockdown(stopped_kiosk: Run) -> None:
    assert stopped_kiosk.returncode == 0, stopped_kiosk.stderr[-3000:]
    assert holder(stopped_kiosk.var) is None  # the instance lock is free
    assert not (stopped_kiosk.var / "journal.db-wal").exists()  # the journal was closed
    stopped = [e for e in log_entries(stopped_kiosk.var) if e["msg"] == "kiosk stopped"]
    assert [e["signal"] for e in stopped] == ["SIGTERM"]
    assert "Traceback" not in stopped_kiosk.stderr


def test_everything_under_var_is_owner_only(stopped_kiosk: Run) -> None:
    var = stopped_kiosk.var
    for path in [var, *var.rglob("*")]:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            continue
        assert mode & 0o077 == 0, f"{path} is {stat.filemode(mode)}"
    assert {"journal.db", "registry", "logs", "keys", "prints"} <= {p.name for p in var.iterdir()}


def test_the_configured_level_holds_after_every_library_is_imported(stopped_kiosk: Run) -> None:
    entries = log_entries(stopped_kiosk.var)
    own = ("kiosk", "drivers", "registry_service")
    assert entries and all(e["level"] in ("INFO", "WARNING", "ERROR", "CRITICAL") for e in entries)
    assert all(e["logger"].startswith(own) or e["level"] != "INFO" for e in entries), entries
    # the terminal gets the same JSON records: no Kivy console banner, no library debug
    python_lines = [line for line in stopped_kiosk.stderr.splitlines() if line.startswith(("{", "["))]
    assert python_lines and all(line.startswith("{") for line in python_lines), python_lines[:5]
    assert "urllib3" not in stopped_kiosk.stderr and "openapi" not in stopped_kiosk.stderr


def test_sigint_stops_it_too_while_devices_are_still_coming_up(tmp_path: Path) -> None:
    config = write_config(tmp_path, {'test_card_can = "123456"': 'test_card_can = "123456"\nmetrics_port = 0'})
    env = dict(os.environ, KIVY_NO_ARGS="1")
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless", "--config", str(config)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log_file = tmp_path / "logs" / "kiosk.log"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and (
            not log_file.exists() or "kiosk starting" not in log_file.read_text(encoding="utf-8")):
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, stderr = proc.communicate()
        pytest.fail("still running 60 s after SIGINT")
    assert proc.returncode == 0 and "KeyboardInterrupt" not in stderr, stderr[-3000:]
    assert [e["signal"] for e in log_entries(tmp_path) if e["msg"] == "kiosk stopped"] == ["SIGINT"]
    assert holder(tmp_path) is None
