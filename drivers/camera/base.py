"""The camera as the kiosk sees it: the latest frame, nothing queued behind it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Frame:
    image: np.ndarray  # BGR uint8, H x W x 3, as OpenCV delivers it
    seq: int  # strictly increasing per camera; lets consumers skip frames they have seen
    timestamp: float  # time.monotonic() at capture


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

    def prompt(self, action: str | None) -> None:  # noqa: B027 - optional hook
        """What the screen currently asks the person in front of the camera to do.

        A real camera ignores it; a simulated applicant uses it to act, the way a real person
        reads the screen. ``None`` means "look at the camera"."""

    @property
    @abstractmethod
    def resolution(self) -> tuple[int, int]: ...
