"""The idle check through the real runner and simulated devices: a printer whose cover is open at
start-up takes the kiosk out of service on the attract screen, and the check reaches the metrics
that `main.py diag` reads over SSH."""

from __future__ import annotations

import time
from pathlib import Path

from prometheus_client import generate_latest

from kiosk import settings as settings_mod
from kiosk.flow.states import State
from kiosk.launch import open_journal
from kiosk.runner import Runner
from kiosk.services import devices as devices_mod
from tests.conftest import write_config


def test_cover_open_at_start_is_out_of_service_before_anyone_starts(tmp_path: Path) -> None:
    printer = 'kind = "virtual"        # a loopback'
    cfg = settings_mod.load(write_config(
        tmp_path, replace={printer: 'kind = "virtual"\ncover_open = true #'}))
    runner = Runner(cfg, lambda: devices_mod.build(cfg), open_journal(cfg))
    runner.start()
    try:
        deadline = time.monotonic() + 60
        while runner.flow.state is not State.OUT_OF_SERVICE and time.monotonic() < deadline:
            runner.pump()
            time.sleep(0.05)
        assert runner.flow.state is State.OUT_OF_SERVICE
        assert runner.flow.view.fault == "printer_cover_open"
        assert ("technician", "printer_cover_open") in runner.alerts
        exposed = generate_latest(runner.metrics.registry).decode()
        assert ('kiosk_device_check{device="printer",reason="printer_cover_open",status="fault"} 1.0'
                in exposed)
        assert 'kiosk_device_check{device="reader",reason="",status="ok"} 1.0' in exposed
        assert "kiosk_out_of_service 1.0" in exposed
    finally:
        runner.shutdown()
