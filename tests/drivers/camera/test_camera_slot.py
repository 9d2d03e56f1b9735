"""The latest-frame slot: newest frame only, strictly increasing seq, CameraLost after grace."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.camera.slot import LatestFrameSlot
from drivers.errors import CameraLost


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def image(value: int) -> np.ndarray:
    return np.full((4, 4, 3), value, np.uint8)


def test_keeps_only_the_newest_frame_with_increasing_seq() -> None:
    clock = FakeClock()
    slot = LatestFrameSlot(grace_s=1.0, clock=clock)
    assert slot.get() is None
    for v in range(5):
        clock.now += 0.03
        slot.put(image(v))
    frame = slot.get()
    assert frame is not None
    assert frame.seq == 5 and int(frame.image[0, 0, 0]) == 4
    assert frame.timestamp == pytest.approx(clock.now)


def test_silence_within_grace_is_tolerated_then_camera_lost() -> None:
    clock = FakeClock()
    slot = LatestFrameSlot(grace_s=2.0, clock=clock)
    slot.put(image(1))
    slot.note_fault("usb gone")
    clock.now += 1.9
    assert slot.get() is not None  # still within grace: the old frame
    clock.now += 0.2
    with pytest.raises(CameraLost) as err:
        slot.get()
    assert "usb gone" in err.value.detail


def test_a_new_frame_within_grace_clears_the_fault() -> None:
    clock = FakeClock()
    slot = LatestFrameSlot(grace_s=1.0, clock=clock)
    slot.put(image(1))
    slot.note_fault("glitch")
    clock.now += 0.8
    slot.put(image(2))
    clock.now += 0.8
    assert slot.get() is not None
    assert slot.lost_detail == ""


def test_no_first_frame_within_grace_is_camera_lost() -> None:
    clock = FakeClock()
    slot = LatestFrameSlot(grace_s=0.5, clock=clock)
    clock.now += 0.6
    with pytest.raises(CameraLost):
        slot.get()


def test_reset_drops_the_frame() -> None:
    slot = LatestFrameSlot(grace_s=1.0)
    slot.put(image(1))
    slot.reset()
    assert slot.get() is None


def test_a_device_number_and_capture_time_are_kept_and_must_increase() -> None:
    slot = LatestFrameSlot(grace_s=1.0, clock=FakeClock())
    frame = slot.put(image(1), seq=7, timestamp=42.5)
    assert (frame.seq, frame.timestamp) == (7, 42.5)
    assert slot.put(image(2)).seq == 8
    with pytest.raises(ValueError):
        slot.put(image(3), seq=8)


def test_a_frame_held_back_on_purpose_is_not_a_lost_camera() -> None:
    clock = FakeClock()
    slot = LatestFrameSlot(grace_s=1.0, clock=clock)
    slot.put(image(1))
    slot.hold(True)
    clock.now += 30
    assert slot.get() is not None
    slot.hold(False)  # the grace period starts again from here
    clock.now += 0.9
    assert slot.get() is not None
    clock.now += 0.2
    with pytest.raises(CameraLost):
        slot.get()


def test_wait_newer_returns_a_frame_above_the_seen_one_or_none() -> None:
    slot = LatestFrameSlot(grace_s=60.0)
    first = slot.put(image(1))
    assert slot.wait_newer(-1, 0.0) is first
    assert slot.wait_newer(first.seq, 0.01) is None
    second = slot.put(image(2))
    assert slot.wait_newer(first.seq, 0.0) is second
