"""The clip labels in drivers/camera/sim/segments.py, checked with the production detectors."""

from __future__ import annotations

import pytest
from face_testdata import CLIP

from drivers.camera.sim import load_clip, segments
from drivers.camera.sim.applicant import ping_pong
from kiosk.face import liveness
from kiosk.face.landmarks import Landmarker
from kiosk.face.options import FaceOptions
from kiosk.face.quality import assess
from kiosk.face.verifier import _baseline

OPTIONS = FaceOptions()


@pytest.fixture(scope="module")
def clip():
    wanted = frozenset(i for s in segments.ALL for i in s.frames())
    return load_clip(CLIP, wanted)


def samples(clip, indices: list[int]) -> list[liveness.Sample]:
    out = []
    with Landmarker(static=False, max_faces=1) as landmarker:
        for k, i in enumerate(indices):
            faces = landmarker.detect(clip[i])
            if faces:
                q = assess(clip[i], faces[0], OPTIONS)
                out.append(liveness.Sample(k / 30, q.yaw, q.pitch, q.ear, faces[0].points, clip[i]))
    return out


@pytest.fixture(scope="module")
def baseline(clip) -> liveness.Baseline:
    neutral = samples(clip, [ping_pong(segments.A_NEUTRAL, k) for k in range(16)])
    return _baseline(neutral[-8:])


def run(detector, stream: list[liveness.Sample]) -> str:
    for s in stream:
        state = detector.update(s)
        if state != liveness.WAITING:
            return state
    return liveness.WAITING


def test_neutral_segment_is_frontal_single_face(clip) -> None:
    with Landmarker(static=False, max_faces=2) as landmarker:
        for i in segments.A_NEUTRAL.frames():
            faces = landmarker.detect(clip[i])
            assert len(faces) == 1
            assert abs(assess(clip[i], faces[0], OPTIONS).yaw) < 15


@pytest.mark.parametrize("segment", [segments.A_BLINK, segments.B_BLINK])
def test_blink_segments_contain_a_blink(clip, baseline, segment) -> None:
    stream = samples(clip, list(segment.frames()))
    assert run(liveness.BlinkDetector(OPTIONS, baseline), stream) == liveness.DONE


def test_looking_at_the_camera_for_four_seconds_is_not_a_blink(clip, baseline) -> None:
    stream = samples(clip, [ping_pong(segments.A_NEUTRAL, k) for k in range(120)])
    assert run(liveness.BlinkDetector(OPTIONS, baseline), stream) == liveness.WAITING


def test_turn_left_segment_is_a_left_turn(clip, baseline) -> None:
    stream = samples(clip, list(segments.A_TURN_LEFT.frames()))
    assert run(liveness.TurnDetector(OPTIONS, baseline, -1), stream) == liveness.DONE
    assert run(liveness.TurnDetector(OPTIONS, baseline, +1), stream) == liveness.WRONG_DIRECTION


def test_turn_right_segment_is_a_right_turn(clip, baseline) -> None:
    stream = samples(clip, list(segments.A_TURN_RIGHT.frames()))
    assert run(liveness.TurnDetector(OPTIONS, baseline, +1), stream) == liveness.DONE
    assert run(liveness.TurnDetector(OPTIONS, baseline, -1), stream) == liveness.WRONG_DIRECTION


def test_a_head_turn_during_a_blink_challenge_is_unrequested(clip, baseline) -> None:
    stream = samples(clip, list(segments.A_TURN_LEFT.frames()))
    state = run(liveness.BlinkDetector(OPTIONS, baseline), stream)
    assert state in (liveness.UNREQUESTED_TURN, liveness.DONE)  # she may blink while turning
    late = [s for s in stream if abs(s.yaw - baseline.yaw) > 5][-10:]
    assert run(liveness.BlinkDetector(OPTIONS, baseline), late) == liveness.UNREQUESTED_TURN


def test_two_faces_segment_has_two_large_faces(clip) -> None:
    with Landmarker(static=False, max_faces=2) as landmarker:
        counts = []
        for i in segments.TWO_FACES.frames():
            faces = landmarker.detect(clip[i])
            big = [f for f in faces if f.eye_distance > OPTIONS.second_face_ratio * faces[0].eye_distance]
            counts.append(len(big))
    assert sum(c == 2 for c in counts) >= len(counts) - 2
