"""The simulated camera in lockstep with the face check: every frame reaches the consumer however
slow it is, the clock advances per frame delivered, and prompts land between frames."""

from __future__ import annotations

import time

import numpy as np
import pytest

from drivers.camera.sim.player import ScriptedCamera
from drivers.errors import CameraLost

FPS = 200.0


class Recorder:
    """Frame k shows grey level k; records every prompt and every frame asked for, in order."""

    def __init__(self, frames: int | None = None) -> None:
        self.events: list[tuple[str, object, float]] = []
        self.frames = frames  # None: forever; else unplugged after this many

    def prompt(self, action: str | None, now: float) -> None:
        self.events.append(("prompt", action, now))

    def next_frame(self, now: float) -> np.ndarray | None:
        made = sum(kind == "frame" for kind, _, _ in self.events)
        if self.frames is not None and made >= self.frames:
            return None
        self.events.append(("frame", made, now))
        return np.full((4, 4, 3), made % 256, np.uint8)


def test_a_slow_consumer_gets_every_frame_in_order_at_the_sensors_times() -> None:
    script = Recorder()
    camera = ScriptedCamera(script, FPS, (4, 4))
    camera.start()
    try:
        with camera.stream() as frames:
            got = []
            for _ in range(10):
                frame = frames.next(5.0)
                assert frame is not None
                got.append(frame)
                time.sleep(4 / FPS)  # the consumer's work: four frame periods per frame
    finally:
        camera.stop()
    seqs = [f.seq for f in got]
    assert seqs == list(range(seqs[0], seqs[0] + 10)), seqs  # nothing skipped
    gaps = np.diff([f.timestamp for f in got])
    assert gaps == pytest.approx([1 / FPS] * 9)  # the clock advanced per frame delivered
    made = [k for kind, k, _ in script.events if kind == "frame"]
    assert len(made) <= seqs[-1] + 1  # at most one frame made ahead of what was taken


def test_the_clock_stands_at_the_frame_taken_and_a_prompt_lands_before_the_next() -> None:
    script = Recorder()
    camera = ScriptedCamera(script, FPS, (4, 4))
    camera.start()
    try:
        with camera.stream() as frames:
            for _ in range(5):
                frame = frames.next(5.0)
            assert frame is not None
            assert frames.now() == pytest.approx(frame.timestamp)
            camera.prompt("blink")
            after = frames.next(5.0)
            assert after is not None and after.seq == frame.seq + 1
    finally:
        camera.stop()
    prompt_at = next(i for i, e in enumerate(script.events) if e[:2] == ("prompt", "blink"))
    held = frame.seq - 1  # frame k of a fresh camera has seq k + 1
    assert script.events[prompt_at][2] == pytest.approx(held / FPS)
    assert [e[1] for e in script.events[:prompt_at] if e[0] == "frame"][-1] == held
    assert script.events[prompt_at + 1][:2] == ("frame", held + 1)


def test_holding_a_frame_for_a_slow_consumer_is_not_a_lost_camera() -> None:
    camera = ScriptedCamera(Recorder(), FPS, (4, 4), grace_s=0.05)
    camera.start()
    try:
        with camera.stream() as frames:
            first = frames.next(5.0)
            assert first is not None
            time.sleep(0.3)  # the consumer's work: six grace periods
            assert camera.latest() is not None
            second = frames.next(5.0)
            assert second is not None and second.seq == first.seq + 1
    finally:
        camera.stop()


def test_an_unplugged_camera_is_lost_to_the_stream_after_grace() -> None:
    camera = ScriptedCamera(Recorder(frames=3), FPS, (4, 4), grace_s=0.1)
    with camera.stream() as frames:  # in lockstep from the first frame: none is made unseen
        camera.start()
        try:
            seen = [frames.next(5.0) for _ in range(3)]
            assert all(f is not None for f in seen)
            deadline = time.monotonic() + 10
            with pytest.raises(CameraLost, match="unplugged"):
                while time.monotonic() < deadline:
                    assert frames.next(0.05) is None
        finally:
            camera.stop()


def test_after_the_stream_closes_the_camera_runs_on_the_wall_clock_again() -> None:
    camera = ScriptedCamera(Recorder(), FPS, (4, 4))
    camera.start()
    try:
        with camera.stream() as frames:
            held = frames.next(5.0)
        assert held is not None
        deadline = time.monotonic() + 10
        while (latest := camera.latest()) is not None and latest.seq <= held.seq + 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert latest is not None and latest.seq > held.seq + 3  # nobody takes frames: it keeps going
    finally:
        camera.stop()


def test_paused_nothing_is_made_and_the_consumer_waits_with_its_clock_still() -> None:
    script = Recorder()
    camera = ScriptedCamera(script, FPS, (4, 4), grace_s=0.05)
    camera.start()
    try:
        with camera.stream() as frames:
            taken = frames.next(5.0)
            assert taken is not None
            camera.pause(True)
            made = len(script.events)
            assert frames.next(0.3) is None  # six grace periods: held, not lost
            assert len(script.events) == made and camera.latest() is not None
            assert frames.now() == pytest.approx(taken.timestamp)
            camera.pause(False)
            resumed = frames.next(5.0)
            assert resumed is not None and resumed.seq == taken.seq + 1
    finally:
        camera.stop()
