"""A camera whose frames come from a script instead of a sensor, delivered at the real frame rate
through the same latest-frame slot and grace rule as the OpenCV driver."""

from __future__ import annotations

import threading
import time
from typing import Protocol

import numpy as np

from drivers.camera.base import Camera
from drivers.camera.slot import LatestFrameSlot, SlotCamera


class FrameScript(Protocol):
    def prompt(self, action: str | None, now: float) -> None: ...

    def next_frame(self, now: float) -> np.ndarray | None:
        """The picture at ``now`` (seconds since start); None once the device is 'unplugged'."""
        ...


class ScriptedCamera(SlotCamera, Camera):
    def __init__(self, script: FrameScript, fps: float, size: tuple[int, int], grace_s: float = 2.0) -> None:
        self._script = script
        self._period = 1.0 / fps
        self._size = size
        self._slot = LatestFrameSlot(grace_s)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = 0.0
        self._script_lock = threading.Lock()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._t0 = time.monotonic()
        self._slot.reset()
        self._stop.clear()
        self._tick()  # the first frame is there when start() returns, as with a real camera
        self._thread = threading.Thread(target=self._run, name="sim-camera", daemon=True)
        self._thread.start()

    def _tick(self) -> None:
        with self._script_lock:
            image = self._script.next_frame(time.monotonic() - self._t0)
        if image is None:
            self._slot.note_fault("simulated camera unplugged")
        else:
            self._slot.put(image)

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            next_at += self._period
            delay = next_at - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            else:
                next_at = time.monotonic()  # fell behind (busy CPU): drop, never queue
            if not self._stop.is_set():
                self._tick()

    def swap_script(self, script: FrameScript) -> FrameScript:
        """Put another script in front of the lens (an unplugged cable, another person) from
        the next frame on; returns the one it replaces, to put back later."""
        with self._script_lock:
            previous, self._script = self._script, script
        return previous

    def prompt(self, action: str | None) -> None:
        with self._script_lock:
            self._script.prompt(action, time.monotonic() - self._t0)

    @property
    def resolution(self) -> tuple[int, int]:
        return self._size
