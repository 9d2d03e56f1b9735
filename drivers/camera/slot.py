"""The one-frame mailbox shared by every camera, real or simulated.

Keeping only the newest frame means a slow consumer never sees a backlog (stale faces would make
liveness answers arrive late); the grace rule turns "no frame for too long" into CameraLost in one
place, so the real driver and the simulators fail the same way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from drivers.camera.base import Frame
from drivers.errors import CameraLost


class LatestFrameSlot:
    def __init__(self, grace_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._grace_s = grace_s
        self._clock = clock
        self._lock = threading.Lock()
        self._frame: Frame | None = None
        self._seq = 0
        self._last_alive = clock()
        self._lost_detail = ""

    def reset(self) -> None:
        """Forget the last frame (privacy: a stopped camera holds no face) and restart the clock."""
        with self._lock:
            self._frame = None
            self._last_alive = self._clock()
            self._lost_detail = ""

    def put(self, image: np.ndarray) -> Frame:
        with self._lock:
            self._seq += 1
            now = self._clock()
            frame = Frame(image=image, seq=self._seq, timestamp=now)
            self._frame = frame
            self._last_alive = now
            self._lost_detail = ""
            return frame

    def note_fault(self, detail: str) -> None:
        """Record why frames stopped; the grace clock keeps running from the last good frame."""
        with self._lock:
            self._lost_detail = detail

    def get(self) -> Frame | None:
        with self._lock:
            silent_for = self._clock() - self._last_alive
            if silent_for > self._grace_s:
                detail = self._lost_detail or "no frame"
                raise CameraLost(f"{detail}; no frame for {silent_for:.1f} s")
            return self._frame

    @property
    def lost_detail(self) -> str:
        with self._lock:
            return self._lost_detail


class SlotCamera:
    """stop() and latest() for a camera whose capture thread feeds a LatestFrameSlot: the real
    camera and the simulator differ only in where frames come from."""

    _stop: threading.Event
    _thread: threading.Thread | None
    _slot: LatestFrameSlot

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        self._slot.reset()

    def latest(self) -> Frame | None:
        return self._slot.get()
