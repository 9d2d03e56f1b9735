"""USB/V4L2 camera through opencv-python: a capture thread, the newest frame, reconnection."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import cv2
import numpy as np

from drivers.camera.base import Camera, Frame
from drivers.camera.options import OpenCvCameraOptions
from drivers.camera.slot import LatestFrameSlot, SlotCamera
from drivers.errors import CameraLost

log = logging.getLogger(__name__)

_BACKENDS = {
    "any": cv2.CAP_ANY,
    "v4l2": cv2.CAP_V4L2,
    "ffmpeg": cv2.CAP_FFMPEG,
    "gstreamer": cv2.CAP_GSTREAMER,
}


def _source(device: str) -> int | str:
    return int(device) if device.strip().isascii() and device.strip().isdigit() else device


class OpenCvCamera(SlotCamera, Camera):
    def __init__(self, options: OpenCvCameraOptions, clock: Callable[[], float] = time.monotonic) -> None:
        """``clock`` stamps frames and times the grace period (tests stop it)."""
        if options.backend not in _BACKENDS:
            raise ValueError(f"unknown camera backend {options.backend!r}")
        self._options = options
        self._slot = LatestFrameSlot(options.grace_s, clock)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._cap: cv2.VideoCapture | None = None
        self._size = (options.width, options.height)
        self.reconnects = 0

    # --- device ---------------------------------------------------------------------------
    def _open(self) -> cv2.VideoCapture | None:
        o = self._options
        cap = cv2.VideoCapture(_source(o.device), _BACKENDS[o.backend])
        if not cap.isOpened():
            cap.release()
            return None
        if o.fourcc:
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*o.fourcc[:4].ljust(4)))
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, o.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, o.height)
        cap.set(cv2.CAP_PROP_FPS, o.fps)
        # A driver-side queue would hand us frames that are seconds old after a stall.
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        return cap

    def start(self) -> None:
        if self._thread is not None:
            return
        cap = self._open()
        if cap is None:
            raise CameraLost(f"cannot open camera {self._options.device!r}")
        ok, image = cap.read()
        if not ok or image is None:
            cap.release()
            raise CameraLost(f"camera {self._options.device!r} opened but delivers no frame")
        self._cap = cap
        self._size = (int(image.shape[1]), int(image.shape[0]))
        self._slot.reset()
        self._slot.put(image)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="camera-capture", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        cap = self._cap
        while not self._stop.is_set():
            if cap is None:
                cap = self._open()
                if cap is None:
                    self._stop.wait(self._options.reconnect_interval_s)
                    continue
                self.reconnects += 1
                log.warning("camera %s reconnected", self._options.device)
            ok, image = cap.read()
            if ok and image is not None:
                self._slot.put(image)
                continue
            # Unplugged (read fails) or wedged: release and reopen until the grace period, judged
            # by the consumer through latest(), turns the silence into CameraLost.
            self._slot.note_fault(f"camera {self._options.device!r} stopped delivering frames")
            log.warning("camera %s lost; reconnecting", self._options.device)
            cap.release()
            cap = None
            self._stop.wait(self._options.reconnect_interval_s)
        if cap is not None:
            cap.release()
        self._cap = None

    @property
    def resolution(self) -> tuple[int, int]:
        return self._size


def frame_brightness(image: np.ndarray) -> float:
    """Mean luma 0-255: the exposure feedback the diagnostics and the face guide use."""
    return float(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).mean())


def frame_sharpness(image: np.ndarray) -> float:
    """Variance of the Laplacian: high for crisp edges, low for blur or defocus."""
    return float(cv2.Laplacian(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var())


def wait_first_frame(camera: Camera, timeout_s: float = 3.0) -> Frame:
    deadline = time.monotonic() + timeout_s
    while True:
        frame = camera.latest()
        if frame is not None:
            return frame
        if time.monotonic() > deadline:
            raise CameraLost("no frame after start")
        time.sleep(0.01)
