"""What a kiosk meets after months of running: alerts kept in memory stay bounded, and a device
missing at start-up is brought up by the out-of-service probe once it is there."""

from __future__ import annotations

from pathlib import Path

from drivers.errors import CameraLost
from kiosk.flow import commands as c
from kiosk.flow.states import State
from tests.kiosk import runner_fakes as f


def test_alerts_kept_in_memory_are_bounded(tmp_path: Path) -> None:
    r = f.runner(tmp_path, f.devices())
    try:
        for n in range(1000):
            r._execute(c.AlertStaff(f"reason{n}"))
        assert len(r.alerts) <= 100 and r.alerts[-1] == ("staff", "reason999")
    finally:
        r.shutdown()


def test_a_camera_missing_at_start_is_started_when_the_probe_finds_it(tmp_path: Path) -> None:
    """Before, start-up failed at camera.start(), and the probe then only checked the devices: a
    camera that was never started has no frame yet, which the check takes as a warning, so the
    kiosk went back in service with a camera nobody had started."""
    devs = f.devices()
    starts: list[bool] = []

    def start() -> None:
        starts.append(True)
        if len(starts) == 1:
            raise CameraLost("cannot open camera 0")

    devs.camera.start = start
    r = f.runner(tmp_path, lambda: devs, out_of_service_probe=0.05)
    r.start()
    try:
        f.pump_until(r, lambda: r.flow.state is State.OUT_OF_SERVICE, what="out of service")
        assert r.flow.view.fault == "camera_lost"
        f.pump_until(r, lambda: r.flow.state is State.ATTRACT, what="back in service")
        assert len(starts) == 2 and devs.face.warm_ups == 1 and r.flow.view.ready
    finally:
        r.shutdown()
