"""The OpenCV driver against a real capture source: a video file OpenCV opens like a device.

When the file ends, reads fail exactly as when a USB camera is unplugged: the driver keeps
reconnecting and CameraLost follows after the grace period. (A synthetic, face-free video.)"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from drivers.camera.factory import OpenCvCameraOptions, create_opencv
from drivers.camera.opencv_camera import OpenCvCamera, frame_brightness, frame_sharpness
from drivers.errors import CameraLost


class StoppedClock:
    """The camera's clock, moved only by the test: no grace period runs out behind its back."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def poll(condition, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        time.sleep(0.02)
    return bool(condition())


def make_video(path: Path, frames: int) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (160, 120))
    assert writer.isOpened()
    for i in range(frames):
        img = np.zeros((120, 160, 3), np.uint8)
        cv2.putText(img, str(i), (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3)
        writer.write(img)
    writer.release()
    return path


def test_missing_device_raises_camera_lost_at_start(tmp_path: Path) -> None:
    camera = create_opencv(OpenCvCameraOptions(device=str(tmp_path / "nope.avi")), tmp_path)
    with pytest.raises(CameraLost):
        camera.start()


def test_unknown_backend_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        create_opencv(OpenCvCameraOptions(backend="directshow"), tmp_path)


def test_frames_flow_then_source_vanishes_and_camera_lost_follows(tmp_path: Path) -> None:
    video = make_video(tmp_path / "clip.avi", 30)
    clock = StoppedClock()
    camera = OpenCvCamera(OpenCvCameraOptions(device=str(video), fourcc="", grace_s=0.6, reconnect_interval_s=0.1),
                          clock)
    camera.start()
    try:
        first = camera.latest()
        assert first is not None and first.image.shape == (120, 160, 3)
        assert camera.resolution == (160, 120)
        video.unlink()  # the device disappears: reads fail, reopening fails
        assert poll(lambda: camera.fault), "the capture thread noticed"
        frame = camera.latest()  # silent, but within the grace period: the last frame
        assert frame is not None and frame.seq >= first.seq
        clock.now += 0.7
        with pytest.raises(CameraLost, match="stopped delivering frames"):
            camera.latest()
    finally:
        camera.stop()


def test_reconnects_when_the_device_comes_back(tmp_path: Path) -> None:
    video = make_video(tmp_path / "clip.avi", 20)
    camera = OpenCvCamera(OpenCvCameraOptions(device=str(video), fourcc="", grace_s=5.0, reconnect_interval_s=0.05),
                          StoppedClock())
    camera.start()
    try:
        assert poll(lambda: camera.reconnects >= 2)  # file end = unplug + replug
        assert camera.latest() is not None
    finally:
        camera.stop()
    assert camera.latest() is None  # a stopped camera holds no frame


def test_brightness_and_sharpness_helpers() -> None:
    flat = np.full((50, 50, 3), 200, np.uint8)
    noisy = np.random.default_rng(0).integers(0, 255, (50, 50, 3), dtype=np.uint8)
    assert frame_brightness(flat) == pytest.approx(200, abs=1)
    assert frame_sharpness(flat) == 0
    assert frame_sharpness(noisy) > 1000
