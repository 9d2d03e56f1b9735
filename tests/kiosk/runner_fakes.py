"""Stand-in devices for runner tests: each fake does only what a test scripts, in memory.

The runner's threading, generations and error handling run for real; the devices answer at once,
so a test polls the flow with a deadline instead of sleeping.
"""

from __future__ import annotations

import copy as copy_mod
import dataclasses
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

from drivers.printer.base import PrinterStatus
from kiosk import settings as settings_mod
from kiosk.launch import open_journal
from kiosk.runner import Runner
from kiosk.services.devices import Devices
from tests.conftest import write_config
from tests.kiosk.flow import builders as b

T = TypeVar("T")


class FakeReader:
    def __init__(self) -> None:
        self.identities: list[Any] = []  # what each read returns
        self.read_gate: threading.Event | None = None  # set by a test to hold a read
        self.card = b.card_info()
        self.make_identity: Callable[[], Any] = b.identity  # what kind of document each read finds

    def wait_for_card(self, timeout: float) -> Any:
        time.sleep(min(timeout, 0.01))
        return self.card

    def card_present(self) -> bool:
        return True

    def read(self, key: Any, progress: Any = None) -> Any:
        if self.read_gate is not None:
            self.read_gate.wait(10)
        identity = self.make_identity()
        self.identities.append(identity)
        return identity

    def close(self) -> None:
        pass


class FakeFace:
    challenge_count = 2

    def __init__(self) -> None:
        self.warm_up_error: Exception | None = None
        self.enrol_error: Exception | None = None
        self.references: list[object] = []  # what each check was given
        self.kinds: list[object] = []  # the reference kind each enrolment was given
        self.warm_ups = 0
        self.guidance: list[tuple[str, str | None]] = []  # (code, challenge) each check reports first

    def warm_up(self) -> None:
        self.warm_ups += 1
        if self.warm_up_error is not None:
            raise self.warm_up_error

    def enrol(self, portrait: bytes, kind: object = None) -> object:
        self.kinds.append(kind)
        if self.enrol_error is not None:
            raise self.enrol_error
        return object()

    def check(self, camera: Any, reference: object, guidance: Callable[..., None], cancel: threading.Event) -> Any:
        self.references.append(reference)
        for code, challenge in self.guidance:
            guidance(code, challenge)
        cancel.wait(10)  # a check runs until the flow cancels it
        return SimpleNamespace(passed=False, reason="cancelled")


class FakeCamera:
    resolution = (640, 480)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def latest(self) -> None:
        return None


class FakePrinter:
    width_dots = 576

    def status(self) -> PrinterStatus:
        return PrinterStatus(online=True, paper_present=True, paper_near_end=False, cover_open=False,
                             cutter_error=False)

    def close(self) -> None:
        pass


class FakeRegistry:
    def heartbeat(self) -> None:
        pass

    def close(self) -> None:
        pass


class FakePrintService:
    def pending_jobs(self) -> list[object]:
        return []

    def recover_jobs(self) -> list[tuple[str, str]]:
        return []

    def held_jobs(self) -> list[object]:
        return []

    def close(self) -> None:
        pass


def devices() -> Devices:
    return Devices(FakeReader(), FakeCamera(), FakePrinter(), FakeRegistry(), FakeFace(),  # type: ignore[arg-type]
                   FakePrintService())


def runner(tmp_path: Path, devs: Devices | Callable[[], Devices], clock: Callable[[], float] = time.monotonic,
           **timeouts: float) -> Runner:
    """A runner on the default config in ``tmp_path``; idle probes off unless asked for."""
    cfg = settings_mod.load(write_config(tmp_path))
    cfg = dataclasses.replace(cfg, timeouts=unchecked(cfg.timeouts, **{"attract_probe": 0, **timeouts}))
    return Runner(cfg, devs, open_journal(cfg), clock=clock)


def to_card_read(r: Runner) -> None:
    """Start the runner and drive its flow to the card read, as an applicant would."""
    from kiosk.flow.states import State

    r.start()
    pump_until(r, lambda: r.flow.view.ready, what="devices up")
    r.touch("start")
    r.touch("accept")
    pump_until(r, lambda: r.flow.state is State.CARD_ACCESS, what="card on the reader")
    r.touch("submit_key", "123456")
    r.pump()


def pump_until(r: Runner, cond: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r.pump()
        if cond():
            return
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what or cond}; state={r.flow.state} view={r.flow.view}")


def unchecked(section: T, **changes: object) -> T:
    """A copy of a config section with values the loader refuses (probes every 50 ms): these tests
    run minutes of a kiosk's life in a second. Only tests may bypass the ranges."""
    copy = copy_mod.copy(section)
    for name, value in changes.items():
        object.__setattr__(copy, name, value)
    return copy
