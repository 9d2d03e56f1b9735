"""One real Kivy window (offscreen) for all in-window UI tests, stepped by hand.

Kivy allows one window per process and reads its configuration when the window module is first
imported, so the window is created lazily here, once, with the kiosk's own set-up code.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk import settings as settings_mod
from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "ui"
TECH_PIN = "246810"


class Harness:
    def __init__(self, app: object, runner: object) -> None:
        self.app, self.runner = app, runner

    def step(self, n: int = 1) -> None:
        from kivy.base import EventLoop

        for _ in range(n):
            EventLoop.idle()

    def settle(self, most: int = 30) -> None:
        """Frames until no widget moves or resizes between two of them. A change of language,
        mode or screen lays out over several frames (a label's new height moves the boxes around
        it on the next one), and a tap aimed at a button's old place would land beside it."""
        def layout() -> list[tuple[float, ...]]:
            return [(*w.pos, *w.size) for w in self.app.root.walk()]

        self.step()
        before = layout()
        for _ in range(most):
            self.step()
            now = layout()
            if now == before:
                return
            before = now

    def pump(self) -> None:
        """The runner handles what the tap queued, now: the kiosk's clock pumps it every 1/30 s,
        and two frames at 60 fps are not always that long, so a test that only stepped frames
        would sometimes look at the screen before the tap took effect."""
        self.step()
        self.app._pump(0)
        self.settle()

    def until(self, cond: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.step()
            if cond():
                return
        raise AssertionError(f"timed out waiting for {what or cond}; state={self.runner.flow.state}")

    def tap(self, action: str, value: object = None) -> None:
        from kiosk.ui.touch import tap

        for _ in range(10):  # a button scrolled out of view needs a frame or two to come in
            self.settle()
            if tap(self.app.root, action, value):
                self.pump()
                return
        raise AssertionError(f"no button {action}={value!r} on {self.runner.flow.state}")

    def tap_at(self, x: float, y: float) -> None:
        from kivy.base import EventLoop
        from kivy.core.window import Window

        from kiosk.ui.touch import SyntheticTouch

        pos = [x / Window.width, y / Window.height]
        touch = SyntheticTouch("synthetic", int(time.monotonic() * 1e6) % 10**9, pos)
        EventLoop.post_dispatch_input("begin", touch)
        EventLoop.post_dispatch_input("end", touch)
        self.pump()

    def texts(self) -> list[str]:
        from kivy.uix.label import Label

        return [w.text for w in self.app.root.walk() if isinstance(w, Label) and w.text]

    def screenshot(self, name: str) -> Path:
        from kivy.core.window import Window

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.settle()
        path = ARTIFACTS / f"{name}.png"
        Window.screenshot(name=str(path))
        for made in ARTIFACTS.glob(f"{name}*.png"):
            if made != path:
                made.replace(path)
        return path

    def reader(self, document: str) -> object:
        """The configured reader of a document family (its simulator's controls)."""
        return next(m.reader for m in self.runner.devices.readers.members if m.document == document)

    def take_cards(self) -> None:
        """Nothing left on the simulated readers by an earlier test: each test places its own."""
        for member in self.runner.devices.readers.members:
            reader = member.reader
            if hasattr(reader, "simulator"):  # the simulated resident ID card reader
                reader.simulator.lift_card()
            elif hasattr(reader, "remove_card"):  # the virtual chip
                reader.remove_card()

    def reset(self, clock: Callable[[], float] = time.monotonic, **timeouts: float) -> None:
        """A fresh flow on the attract screen, with the given timeouts and clock (a test that
        waits for a timeout moves a fake clock instead of waiting on the wall clock)."""
        from kiosk.flow.machine import Flow

        cfg = self.runner.settings
        t = dataclasses.replace(cfg.timeouts, **timeouts)
        self.runner.flow.session.wipe()
        self.take_cards()
        documents = self.runner.flow.documents_configured
        self.runner.flow = Flow(t, cfg.policy, cfg.kiosk.language, clock, tuple(cfg.kiosk.languages), documents)
        from kiosk.flow import events

        self.runner.flow.dispatch(events.DevicesReady())
        self.runner.alerts.clear()
        self.app.scratch.clear()
        self.app.render()
        self.settle()


@pytest.fixture(scope="session")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    var = tmp_path_factory.mktemp("kiosk-ui")
    os.environ["KIVY_HOME"] = str(var / "kivy")
    cfg = settings_mod.load(ROOT / "config" / "default.toml")
    from kiosk.diag.pin import hash_pin

    # cards are placed by the tests (resident_sim(), the virtual chip's insert_card()), not by the
    # simulated applicant, so that a test waiting on the card screen is not overtaken by one
    readers = tuple(dataclasses.replace(r, options=dataclasses.replace(r.options, insert_after_s=-1.0))
                    for r in cfg.readers)
    cfg = dataclasses.replace(
        cfg,
        readers=readers,
        kiosk=dataclasses.replace(cfg.kiosk, var_dir=str(var)),
        display=dataclasses.replace(cfg.display, width=540, height=960),
        diagnostics=dataclasses.replace(cfg.diagnostics, pin_hash=hash_pin(TECH_PIN), lockout_s=60),
    )
    from kiosk.ui import setup

    setup.configure(cfg, headless=True)
    from kiosk.launch import open_journal
    from kiosk.runner import Runner
    from kiosk.services import devices as devices_mod
    from kiosk.ui.app import KioskApp

    devices = devices_mod.build(cfg)
    runner = Runner(cfg, devices, open_journal(cfg))
    runner.start()
    app = KioskApp(runner)
    app._run_prepare()
    harness = Harness(app, runner)
    harness.step(3)
    yield harness
    runner.shutdown()
    app.stop()
