"""Diagnostics while the kiosk runs: one kiosk per var dir, live state over SSH, owned devices
left alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import cli, launch
from kiosk import settings as settings_mod
from kiosk.diag.checks import CheckResult
from kiosk.instance_lock import AlreadyRunning, InstanceLock, holder
from kiosk.metrics import Metrics
from tests.conftest import ROOT, write_config

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kiosk.instance_lock import InstanceLock
    lock = InstanceLock(Path(sys.argv[1]))
    lock.acquire()
    lock.update(metrics="http://127.0.0.1:1")
    print("held", flush=True)
    time.sleep(120)
    """
)


def test_no_kiosk_no_holder(tmp_path: Path) -> None:
    assert holder(tmp_path) is None
    with InstanceLock(tmp_path):
        pass
    assert holder(tmp_path) is None  # released on exit


def test_the_lock_is_exclusive_and_dies_with_its_process(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        info = holder(tmp_path)
        assert info is not None and info["pid"] == child.pid
        assert info["metrics"] == "http://127.0.0.1:1"
        with pytest.raises(AlreadyRunning) as err:
            InstanceLock(tmp_path).acquire()
        assert err.value.holder["pid"] == child.pid
    finally:
        os.kill(child.pid, signal.SIGKILL)  # like a power cut: no clean-up runs
        child.wait()
    assert holder(tmp_path) is None
    with InstanceLock(tmp_path):
        assert holder(tmp_path)["pid"] == os.getpid()  # type: ignore[index]


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Path, Metrics]]:
    """A 'running kiosk' in this process: the lock and a live metrics endpoint."""
    metrics = Metrics()
    port = metrics.serve("127.0.0.1", 0)
    lock = InstanceLock(tmp_path)
    lock.acquire()
    lock.update(metrics=f"http://127.0.0.1:{port}")
    try:
        yield write_config(tmp_path), metrics
    finally:
        lock.release()
        metrics.close()


@pytest.fixture
def no_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.services import devices

    def forbidden(*_a: object, **_k: object) -> None:
        raise AssertionError("diagnostics opened the devices of a running kiosk")

    monkeypatch.setattr(devices, "build", forbidden)


def test_diag_reports_the_running_kiosks_checks(running, no_devices, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, metrics = running
    metrics.record_checks([CheckResult("printer", "ok"), CheckResult("reader", "ok")])
    metrics.record_checks([CheckResult("printer", "fault", "printer_paper_out"),
                           CheckResult("reader", "ok"), CheckResult("api", "warn", "clock_drift")])
    assert cli.main(["--config", str(cfg), "diag", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    by_device = {c["device"]: c for c in report["checks"]}
    assert set(by_device) == {"printer", "reader", "api"}
    assert (by_device["printer"]["status"], by_device["printer"]["reason"]) == (
        "fault", "printer_paper_out")  # the current result only, not the earlier "ok"
    assert by_device["api"]["reason"] == "clock_drift"
    assert by_device["reader"]["details"]["source"] == f"running kiosk pid {os.getpid()}"
    assert 0 <= by_device["reader"]["details"]["checked_s_ago"] < 60


def test_healthy_running_kiosk_is_exit_0(running, no_devices, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, metrics = running
    metrics.record_checks([CheckResult(d, "ok") for d in ("reader", "camera", "printer", "api")])
    assert cli.main(["--config", str(cfg), "diag"]) == 0
    assert "running kiosk pid" in capsys.readouterr().out


def test_not_checked_yet_is_not_called_healthy(running, no_devices, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, _metrics = running
    assert cli.main(["--config", str(cfg), "diag", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["checks"][0]["reason"] == "not_checked_yet"


@pytest.mark.parametrize(("argv", "device"), [
    (["diag", "printer"], "printer"),
    (["diag", "printer", "--test-page"], "printer"),
    (["diag", "card", "--can", "123456"], "reader"),
    (["diag", "camera"], "camera"),
    (["diag", "report", "--print"], "printer"),
])
def test_commands_that_open_an_owned_device_refuse(running, no_devices, capsys, argv, device) -> None:  # type: ignore[no-untyped-def]
    cfg, metrics = running
    metrics.record_checks([CheckResult(device, "fault", "some_fault")])
    assert cli.main(["--config", str(cfg), *argv]) == 2
    err = capsys.readouterr().err
    assert f"pid {os.getpid()}" in err and f"owns the {device}" in err
    assert f"last check of the {device}: fault some_fault" in err


def test_another_device_may_be_tested_while_the_kiosk_runs(running, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, _metrics = running
    assert cli.main(["--config", str(cfg), "diag", "printer", "--backend", "virtual", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_endpoint_not_answering_is_exit_2(tmp_path: Path, no_devices, capsys) -> None:  # type: ignore[no-untyped-def]
    with InstanceLock(tmp_path) as lock:
        lock.update(metrics="http://127.0.0.1:1")  # nothing listens on port 1
        assert cli.main(["--config", str(write_config(tmp_path)), "diag"]) == 2
    assert "did not answer" in capsys.readouterr().err


def test_a_second_kiosk_on_the_same_var_dir_does_not_start(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = settings_mod.load(write_config(tmp_path))
    with InstanceLock(cfg.var_dir):
        assert launch.run_kiosk(cfg, headless=True) == 2
    assert f"already running on this var dir (pid {os.getpid()})" in capsys.readouterr().err


def test_garbage_from_the_endpoint_is_a_clear_exit_2(tmp_path: Path, no_devices, capsys) -> None:  # type: ignore[no-untyped-def]
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Garbage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"kiosk_device_check{device=\"printer\" 1 2 3 {{{\n")

        def log_message(self, *_a: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with InstanceLock(tmp_path) as lock:
            lock.update(metrics=f"http://127.0.0.1:{server.server_port}")
            cfg = str(write_config(tmp_path))
            assert cli.main(["--config", cfg, "diag"]) == 2
            assert "something else than its metrics" in capsys.readouterr().err
            assert cli.main(["--config", cfg, "diag", "printer"]) == 2  # still refuses, says why
            assert "something else than its metrics" in capsys.readouterr().err
    finally:
        server.shutdown()


def test_an_endless_answer_is_cut_off(tmp_path: Path, no_devices, capsys) -> None:  # type: ignore[no-untyped-def]
    """Something else on the kiosk's metrics port that streams without end: read bounded, exit 2."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from kiosk.diag import live

    class Endless(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            chunk = b"# HELP x y\n" * 10_000
            try:  # stops by itself after 16 times the reader's limit
                for _ in range(16 * live.MAX_METRICS_BYTES // len(chunk)):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *_a: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Endless)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with InstanceLock(tmp_path) as lock:
            lock.update(metrics=f"http://127.0.0.1:{server.server_port}")
            assert cli.main(["--config", str(write_config(tmp_path)), "diag"]) == 2
        assert "answered more than" in capsys.readouterr().err
    finally:
        server.shutdown()
