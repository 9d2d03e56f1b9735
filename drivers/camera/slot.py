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

from drivers.camera.base import Camera, Frame, FrameStream
from drivers.errors import CameraLost


class LatestFrameSlot:
    def __init__(self, grace_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._grace_s = grace_s
        self._clock = clock
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._seq = 0
        self._last_alive = clock()
        self._held = False
        self._lost_detail = ""

    def reset(self) -> None:
        """Forget the last frame (privacy: a stopped camera holds no face) and restart the clock."""
        with self._cond:
            self._frame = None
            self._last_alive = self._clock()
            self._held = False
            self._lost_detail = ""
            self._cond.notify_all()

    def put(self, image: np.ndarray, seq: int | None = None, timestamp: float | None = None) -> Frame:
        """Store the newest frame. ``seq`` and ``timestamp`` are the device's own frame number and
        capture time where it has them (a simulated sensor); by default the next number and now."""
        with self._cond:
            if seq is not None and seq <= self._seq:
                raise ValueError(f"frame number {seq} after {self._seq}: must increase")
            self._seq = self._seq + 1 if seq is None else seq
            now = self._clock()
            frame = Frame(image=image, seq=self._seq, timestamp=now if timestamp is None else timestamp)
            self._frame = frame
            self._last_alive = now
            self._held = False
            self._lost_detail = ""
            self._cond.notify_all()
            return frame

    def hold(self, held: bool) -> None:
        """The device holds its next frame back on purpose (a simulated camera waiting for its
        consumer to take the last one): no silence counts until it lets go or delivers."""
        with self._cond:
            if self._held and not held:
                self._last_alive = self._clock()
            self._held = held

    def note_fault(self, detail: str) -> None:
        """Record why frames stopped; the grace clock keeps running from the last good frame."""
        with self._cond:
            self._lost_detail = detail

    def _alive_frame(self) -> Frame | None:
        silent_for = self._clock() - self._last_alive
        if silent_for > self._grace_s and not self._held:
            detail = self._lost_detail or "no frame"
            raise CameraLost(f"{detail}; no frame for {silent_for:.1f} s")
        return self._frame

    def get(self) -> Frame | None:
        with self._cond:
            return self._alive_frame()

    def wait_newer(self, after_seq: int, timeout: float) -> Frame | None:
        """The newest frame if its seq is above ``after_seq``, waiting up to ``timeout`` seconds
        for one; None if none came. Raises CameraLost like get()."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                frame = self._alive_frame()
                if frame is not None and frame.seq > after_seq:
                    return frame
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)

    @property
    def last_seq(self) -> int:
        with self._cond:
            return self._seq

    @property
    def lost_detail(self) -> str:
        with self._cond:
            return self._lost_detail


class SlotStream(FrameStream):
    """The newest frame not seen yet, woken by the capture thread instead of polling."""

    def __init__(self, camera: Camera, slot: LatestFrameSlot) -> None:
        super().__init__(camera)
        self._slot = slot

    def next(self, timeout: float) -> Frame | None:
        frame = self._slot.wait_newer(self.last_seq, timeout)
        if frame is not None:
            self.last_seq = frame.seq
        return frame


class SlotCamera:
    """stop(), latest() and stream() for a camera whose capture thread feeds a LatestFrameSlot:
    the real camera and the simulator differ only in where frames come from."""

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

    @property
    def fault(self) -> str:
        """Why frames stopped coming, while they do not (technicians' detail); "" otherwise."""
        return self._slot.lost_detail

    def stream(self) -> FrameStream:
        assert isinstance(self, Camera)
        return SlotStream(self, self._slot)
