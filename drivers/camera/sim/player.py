"""A camera whose frames come from a script instead of a sensor, delivered at the real frame rate
through the same latest-frame slot and grace rule as the OpenCV driver.

The simulated sensor makes frame k of a run at script time k / fps (seconds since start()),
numbers it like a sensor's frame counter and stamps it with that time. Nobody analysing (the
preview, diagnostics): frames follow the wall clock, and the ones the thread was too late for are
skipped, as a real sensor's are when the host is busy. While a stream() is open (the face check)
the camera runs in lockstep with that consumer: frame k+1 is made only once the consumer has taken
frame k and asks for more, and never before its time on the wall clock. The consumer sees every
frame and the script's clock advances per frame delivered, so a busy CPU slows the simulated
person down instead of making the check miss half of a head turn: the scripted applicant does the
same thing on a loaded machine as on an idle one. ``lockstep=False`` keeps the real-sensor
behaviour for the consumer too.

Waiting for the consumer, or paused (pause(): the autopilot photographing a screen), the camera
is not silent in the grace rule's sense; a script that says "unplugged" (or fails) still makes
it CameraLost after ``grace_s``.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

import numpy as np

from drivers.camera.base import Camera, Frame, FrameStream
from drivers.camera.slot import LatestFrameSlot, SlotCamera

log = logging.getLogger(__name__)


class FrameScript(Protocol):
    def prompt(self, action: str | None, now: float) -> None: ...

    def next_frame(self, now: float) -> np.ndarray | None:
        """The picture at ``now`` (seconds since start); None once the device is 'unplugged'."""
        ...


class ScriptedCamera(SlotCamera, Camera):
    def __init__(self, script: FrameScript, fps: float, size: tuple[int, int], grace_s: float = 2.0,
                 lockstep: bool = True) -> None:
        self._script = script
        self._period = 1.0 / fps
        self._size = size
        self._lockstep = lockstep
        self._slot = LatestFrameSlot(grace_s)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._origin = 0.0  # time.monotonic() at start(): script time 0
        self._k = -1  # index of the newest frame made in this run: the script's clock stands at its time
        self._seq_base = 0
        self._cv = threading.Condition()  # guards the script, _k and the consumer hand-shake
        self._streams = 0
        self._paused = False
        self._unplugged = False
        self._made_seq = 0  # seq of the newest frame put in the slot
        self._taken_seq = 0  # newest seq the lockstep consumer has taken and asked past

    # --- the sensor ---------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._slot.reset()
        self._seq_base = self._made_seq = self._taken_seq = self._slot.last_seq
        self._k = -1
        self._unplugged = False
        self._origin = time.monotonic()
        self._stop.clear()
        self._make(0)  # the first frame is there when start() returns, as with a real camera
        self._thread = threading.Thread(target=self._run, name="sim-camera", daemon=True)
        self._thread.start()

    def _make(self, k: int) -> None:
        with self._cv:
            self._make_locked(k)

    def _make_locked(self, k: int) -> None:
        self._k = k
        image = self._script.next_frame(k * self._period)
        self._unplugged = image is None
        if image is None:
            self._update_hold()
            self._slot.note_fault("simulated camera unplugged")
            return
        seq = self._seq_base + k + 1
        self._slot.put(image, seq=seq, timestamp=self._origin + k * self._period)
        self._made_seq = seq
        self._update_hold()

    def _holding(self) -> bool:
        """Paused, or in lockstep with a consumer that has not taken the newest frame yet."""
        return self._paused or bool(self._streams and self._taken_seq < self._made_seq)

    def _update_hold(self) -> None:
        """Paused or in lockstep, the sensor delivers when it is asked to, so silence is not a lost
        camera; an unplugged one (its script says so) is, after the grace period."""
        self._slot.hold((self._paused or self._streams > 0) and not self._unplugged)

    def _run(self) -> None:
        try:
            self._play()
        except Exception as exc:  # a broken script is a lost camera, never a silent hang
            log.exception("simulated camera failed")
            with self._cv:
                self._unplugged = True
                self._update_hold()
                self._slot.note_fault(f"simulated camera failed ({type(exc).__name__})")

    def _play(self) -> None:
        while True:
            with self._cv:
                while self._holding() and not self._stop.is_set():
                    self._cv.wait(self._period)
            if self._stop.is_set():
                return
            k = self._k + 1
            delay = self._origin + k * self._period - time.monotonic()
            if delay > 0 and self._stop.wait(delay):
                return  # never ahead of the wall clock
            with self._cv:
                if self._holding():
                    continue  # paused, or a consumer arrived, while waiting
                if not self._streams:  # fell behind (busy CPU): skip to the frame due now, never queue
                    k = max(k, int((time.monotonic() - self._origin) / self._period))
                self._make_locked(k)

    def pause(self, paused: bool) -> None:
        """Stop the simulated world in front of the camera: no frame is made from the moment this
        returns until it is resumed, and a consumer in lockstep waits with its clock standing
        still (e.g. while the autopilot photographs the screen)."""
        with self._cv:
            self._paused = paused
            self._update_hold()
            self._cv.notify_all()

    # --- consumers ----------------------------------------------------------------------------
    def stream(self) -> FrameStream:
        return _LockstepStream(self) if self._lockstep else super().stream()

    def _attach(self) -> None:
        with self._cv:
            self._streams += 1
            self._update_hold()
            self._cv.notify_all()

    def _detach(self) -> None:
        with self._cv:
            self._streams -= 1
            self._update_hold()
            self._cv.notify_all()

    def _taken(self, seq: int) -> None:
        with self._cv:
            self._taken_seq = max(self._taken_seq, seq)
            self._update_hold()
            self._cv.notify_all()

    def _now(self) -> float:
        with self._cv:
            return self._origin + max(self._k, 0) * self._period

    def prompt(self, action: str | None) -> None:
        with self._cv:
            self._script.prompt(action, max(self._k, 0) * self._period)

    @property
    def resolution(self) -> tuple[int, int]:
        return self._size

    @property
    def script(self) -> FrameScript:
        """What is being played (tests look at what a scripted person did)."""
        return self._script


class _LockstepStream(FrameStream):
    """Every frame, in order; the clock is the simulated sensor's (advances per frame made)."""

    def __init__(self, camera: ScriptedCamera) -> None:
        super().__init__(camera)
        self._sim = camera
        camera._attach()

    def now(self) -> float:
        return self._sim._now()

    def next(self, timeout: float) -> Frame | None:
        self._sim._taken(self.last_seq)  # everything up to here is analysed: make the next one
        frame = self._sim._slot.wait_newer(self.last_seq, timeout)
        if frame is not None:
            self.last_seq = frame.seq
        return frame

    def close(self) -> None:
        self._sim._detach()
