"""Simulated cameras: the shipped demo clip, real frame rate, the scripted applicant's acting,
attackers, faults."""

from __future__ import annotations

import dataclasses
import itertools
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from drivers.camera.factory import SimulatedCameraOptions, create_simulated, resolve_clip_path
from drivers.camera.sim import demo_portrait, demo_portrait_image, load_clip, segments
from drivers.camera.sim.applicant import ScriptedApplicant, ping_pong
from drivers.camera.sim.attackers import HeldPhoto, project_plane
from drivers.camera.sim.clip import source_frame_numbers, write_frame_map
from drivers.camera.sim.player import ScriptedCamera
from drivers.errors import CameraLost

ROOT = Path(__file__).resolve().parents[3]
CLIP = resolve_clip_path(SimulatedCameraOptions().clip_path)


def test_ping_pong_walks_forward_then_back_without_jumps() -> None:
    seg = segments.Segment(10, 14, "")
    walk = [ping_pong(seg, k) for k in range(10)]
    assert walk == [10, 11, 12, 13, 12, 11, 10, 11, 12, 13]
    assert all(abs(a - b) == 1 for a, b in itertools.pairwise(walk))


def test_segments_are_inside_the_clip_and_the_portrait_frame_is_unused() -> None:
    for seg in segments.ALL:
        assert 0 <= seg.start < seg.stop <= segments.CLIP_FRAME_COUNT
    scripted = (segments.A_NEUTRAL, segments.A_TURN_LEFT, segments.A_TURN_RIGHT, segments.A_BLINK)
    assert all(segments.A_PORTRAIT_FRAME not in s.frames() for s in scripted)


def test_options_are_frozen_with_defaults() -> None:
    options = SimulatedCameraOptions()
    assert options.scenario == "applicant"
    assert options.clip_path == "assets/demo/applicant.mp4"  # shipped: the demo needs nothing beside the project
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.scenario = "photo_attack"  # type: ignore[misc]


def test_the_shipped_demo_clip_holds_every_frame_the_simulators_show() -> None:
    assert CLIP.is_relative_to(ROOT) and CLIP.is_file()
    assert set(source_frame_numbers(CLIP) or ()) == segments.USED_FRAMES
    clip = load_clip(CLIP, segments.USED_FRAMES)
    assert clip[segments.A_NEUTRAL.start].shape == (480, 640, 3)  # upright, as the source plays
    assert clip.fps == pytest.approx(30000 / 1001)
    assert CLIP.stat().st_size < 1_500_000  # a cut, not the 2.7 MB source


def test_the_demo_clip_carries_its_licence_and_credit() -> None:
    text = (CLIP.parent / "LICENSE.md").read_text(encoding="utf-8")
    for needle in ("CC BY 2.0", "https://creativecommons.org/licenses/by/2.0/", 'Aaron "tango" Tang', "7484448042",
                   "openmpf", "Changes made", "164 of the 511 frames", SimulatedCameraOptions().attribution):
        assert needle in text, needle
    assert 'Aaron "tango" Tang, CC BY 2.0' in SimulatedCameraOptions().attribution


def numbered_video(path: Path, numbers: list[int]) -> Path:
    """A small video whose frame i shows the grey level numbers[i] (lossless enough to read back)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (64, 48))
    assert writer.isOpened()
    for n in numbers:
        writer.write(np.full((48, 64, 3), n, np.uint8))
    writer.release()
    return path


def test_a_cut_is_read_in_the_sources_frame_numbers(tmp_path: Path) -> None:
    kept = [3, 4, 5, 40, 90, 91]
    cut = numbered_video(tmp_path / "cut.avi", [n * 2 for n in kept])
    write_frame_map(cut, kept, "source.mp4")
    assert source_frame_numbers(cut) == kept
    clip = load_clip(cut, frozenset({4, 40, 91}))
    assert [int(clip[n].mean()) // 2 for n in (4, 40, 91)] == [4, 40, 91]
    with pytest.raises(CameraLost, match="lacks frames"):
        load_clip(cut, frozenset({6}))


def test_a_broken_frame_map_is_camera_lost_naming_it(tmp_path: Path) -> None:
    cut = numbered_video(tmp_path / "broken.avi", [1, 2])
    (tmp_path / "broken.frames.json").write_text('{"source_frames": [[5, 7], [2, 3]]}', encoding="utf-8")
    with pytest.raises(CameraLost, match="broken.frames.json"):
        load_clip(cut, frozenset({5}))


def test_missing_clip_raises_camera_lost_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-clip.mp4"
    with pytest.raises(CameraLost) as err:
        create_simulated(SimulatedCameraOptions(clip_path=str(missing)), tmp_path)
    assert str(missing) in err.value.detail


def test_unknown_scenario_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        create_simulated(SimulatedCameraOptions(scenario="ghost"), tmp_path)


def test_frames_are_numbered_and_stamped_like_a_sensor_at_the_clips_rate(tmp_path: Path) -> None:
    camera = create_simulated(SimulatedCameraOptions(), tmp_path)
    camera.start()
    try:
        first = camera.latest()
        assert first is not None and camera.resolution == (640, 480)
        deadline = time.monotonic() + 10
        while (last := camera.latest()) is not None and last.seq < first.seq + 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert last is not None and last.seq >= first.seq + 5 and last.image.shape == (480, 640, 3)
        # frame k at k / 29.97 s however late the thread ran: frames it was late for are skipped
        assert last.timestamp - first.timestamp == pytest.approx((last.seq - first.seq) * 1001 / 30000)
        assert last.timestamp <= time.monotonic()
    finally:
        camera.stop()


def test_scripted_applicant_acts_on_prompts_after_a_reaction_time() -> None:
    clip = load_clip(CLIP, frozenset(i for s in segments.ALL for i in s.frames()))
    actor = ScriptedApplicant(clip, reaction_s=0.4)
    idle = {id(clip[i]) for i in segments.A_NEUTRAL.frames()}
    assert id(actor.next_frame(0.0)) in idle
    actor.prompt("turn_left", 1.0)
    assert id(actor.next_frame(1.2)) in idle  # still reading the screen
    played = [id(actor.next_frame(1.5 + k / 30)) for k in range(len(segments.A_TURN_LEFT.frames()))]
    assert played == [id(clip[i]) for i in segments.A_TURN_LEFT.frames()]
    assert actor.performed == ["turn_left"]
    assert id(actor.next_frame(3.0)) in idle  # back to looking at the camera


def test_disappearing_camera_raises_camera_lost_after_grace(tmp_path: Path) -> None:
    options = SimulatedCameraOptions(scenario="disappearing", disappear_after_s=0.3, grace_s=0.4)
    camera = create_simulated(options, tmp_path)
    started = time.monotonic()
    camera.start()
    try:
        last = camera.latest()
        assert last is not None
        deadline = started + 10
        with pytest.raises(CameraLost, match="unplugged") as err:
            while time.monotonic() < deadline:
                last = camera.latest() or last  # frames until 0.3 s, then the last one within grace
                time.sleep(0.01)
        # never before 0.4 s of silence after the last frame
        assert time.monotonic() >= last.timestamp + 0.4
        assert "no frame for" in err.value.detail
    finally:
        camera.stop()


def test_demo_portrait_is_a_jpeg_crop_of_person_a() -> None:
    data = demo_portrait(CLIP)
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    x0, y0, x1, y1 = segments.A_PORTRAIT_BOX
    assert demo_portrait_image(CLIP).shape == (y1 - y0, x1 - x0, 3)


def test_plane_projection_is_identity_like_when_untilted() -> None:
    h = project_plane((100, 100), (640, 480), 1.0, 0.0, 0.0, 0.0, (0.0, 0.0))
    centre = h @ np.array([50.0, 50.0, 1.0])
    assert centre[:2] / centre[2] == pytest.approx([320, 240])


def test_held_photo_swings_only_when_it_answers_turns() -> None:
    photo = np.full((120, 90, 3), 255, np.uint8)
    background = np.zeros((480, 640, 3), np.uint8)
    still = HeldPhoto(photo, background, seed=3, answer_turns=False)
    swing = HeldPhoto(photo, background, seed=3, answer_turns=True)
    for attacker in (still, swing):
        attacker.prompt("turn_left", 0.0)

    def width(frame: np.ndarray) -> int:
        cols = np.where(frame.max(axis=(0, 2)) > 0)[0]
        return int(cols.max() - cols.min())

    assert width(swing.next_frame(1.5)) < 0.85 * width(still.next_frame(1.5))  # foreshortened


def test_image_folder_scenario_loops_stills(tmp_path: Path) -> None:
    stills = tmp_path / "stills"
    stills.mkdir()
    for name, size in (("a.png", (300, 200)), ("b.jpg", (100, 400))):
        assert cv2.imwrite(str(stills / name), np.full((*size, 3), 90, np.uint8))
    options = SimulatedCameraOptions(scenario="images", image_dir=str(stills))
    camera = create_simulated(options, tmp_path)
    camera.start()
    try:
        frame = camera.latest()
        assert frame is not None and frame.image.shape == (480, 640, 3)
    finally:
        camera.stop()


def test_image_folder_missing_is_camera_lost(tmp_path: Path) -> None:
    options = SimulatedCameraOptions(scenario="images", image_dir=str(tmp_path / "none"))
    with pytest.raises(CameraLost):
        create_simulated(options, tmp_path)


def test_scripted_camera_prompt_reaches_the_script() -> None:
    class Recorder:
        def __init__(self) -> None:
            self.prompts: list[str | None] = []

        def prompt(self, action: str | None, now: float) -> None:
            self.prompts.append(action)

        def next_frame(self, now: float) -> np.ndarray | None:
            return np.zeros((8, 8, 3), np.uint8)

    script = Recorder()
    camera = ScriptedCamera(script, 30.0, (8, 8))
    camera.start()
    camera.prompt("blink")
    camera.prompt(None)
    camera.stop()
    assert script.prompts == ["blink", None]
