"""The camera as the kiosk sees it: the latest frame, nothing queued behind it."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Frame:
    image: np.ndarray  # BGR uint8, H x W x 3, as OpenCV delivers it
    seq: int  # strictly increasing per camera; lets consumers skip frames they have seen
    timestamp: float  # capture time on the camera's clock (FrameStream.now); a real camera's is time.monotonic()


class FrameStream:
    """Frames for the one consumer that analyses them in order (the face check), and the clock its
    time limits run on. This default hands out the newest frame not seen yet: frames that arrive
    while the consumer is busy are skipped, as with any real sensor, and the clock is the wall
    clock the frames were stamped with. A simulated camera may instead hold each frame until the
    consumer has taken it, with a clock that advances per frame (drivers/camera/sim/player.py)."""

    POLL_S = 0.004

    def __init__(self, camera: Camera) -> None:
        self._camera = camera
        self.last_seq = -1

    def now(self) -> float:
        """The camera's clock, on which frame timestamps and the consumer's time limits are read."""
        return time.monotonic()

    def next(self, timeout: float) -> Frame | None:
        """The next frame to analyse, or None if none came within ``timeout`` seconds of waiting.
        Raises CameraLost like Camera.latest()."""
        end = time.monotonic() + timeout
        while True:
            frame = self._camera.latest()
            if frame is not None and frame.seq > self.last_seq:
                self.last_seq = frame.seq
                return frame
            if time.monotonic() >= end:
                return None
            time.sleep(self.POLL_S)

    def close(self) -> None:
        """The consumer is done; the camera goes back to serving only latest()."""

    def __enter__(self) -> FrameStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Camera(ABC):
    attribution: str = ""  # credit line a recorded source's licence requires wherever it is shown

    @abstractmethod
    def start(self) -> None:
        """Open the device and start the capture thread. Raises CameraLost if it cannot."""

    @abstractmethod
    def stop(self) -> None: ...

    @abstractmethod
    def latest(self) -> Frame | None:
        """Newest frame, or None before the first. Raises CameraLost once the device has been
        gone for longer than the configured grace period."""

    def stream(self) -> FrameStream:
        """Frames in order for one analysing consumer, alongside latest() for the preview."""
        return FrameStream(self)

    def prompt(self, action: str | None) -> None:  # noqa: B027 - optional hook
        """What the screen currently asks the person in front of the camera to do.

        A real camera ignores it; a simulated applicant uses it to act, the way a real person
        reads the screen. ``None`` means "look at the camera"."""

    @property
    @abstractmethod
    def resolution(self) -> tuple[int, int]: ...
