"""Fast unit tests: tracking, the planarity cue, quality guidance. No shared data needed."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.face.geometry import PlanarityTracker
from kiosk.face.landmarks import FaceObservation
from kiosk.face.options import FaceOptions
from kiosk.face.tracking import FaceTracker


def face_at(cx: float, cy: float, eye: float) -> FaceObservation:
    """A fake 478-point face: only the centre and the outer eye corners matter to the tracker."""
    pts = np.tile([cx, cy], (478, 1)).astype(float)
    pts[33] = [cx - eye / 2, cy - eye / 4]
    pts[263] = [cx + eye / 2, cy - eye / 4]
    pts[0] = [cx, cy + 2 * eye / 478]  # keep the centroid at (cx, cy) within a pixel
    return FaceObservation(pts)


def test_tracker_keeps_one_face_and_breaks_on_a_jump() -> None:
    tracker = FaceTracker(FaceOptions())
    first = tracker.update([face_at(300, 200, 100)])
    assert first.new_segment and first.face is not None
    steady = tracker.update([face_at(320, 205, 102)])
    assert not steady.new_segment and steady.segment == first.segment
    jumped = tracker.update([face_at(500, 200, 100)])
    assert jumped.new_segment and jumped.segment == first.segment + 1


def test_tracker_follows_the_nearest_face_and_ignores_a_small_one_far_behind() -> None:
    tracker = FaceTracker(FaceOptions())
    tracker.update([face_at(300, 200, 100)])
    for _ in range(10):
        update = tracker.update([face_at(100, 100, 30), face_at(302, 200, 100)])
        assert not update.multiple_faces
        assert update.face is not None and update.face.eye_distance > 90


def test_second_large_face_for_three_frames_is_multiple_faces() -> None:
    options = FaceOptions(second_face_frames=3)
    tracker = FaceTracker(options)
    tracker.update([face_at(300, 200, 100)])
    flags = [tracker.update([face_at(300, 200, 100), face_at(500, 220, 80)]).multiple_faces for _ in range(3)]
    assert flags == [False, False, True]


def test_a_second_face_flickering_for_one_frame_is_ignored() -> None:
    tracker = FaceTracker(FaceOptions(second_face_frames=3))
    for k in range(12):
        faces = [face_at(300, 200, 100)]
        if k % 3 == 0:
            faces.append(face_at(500, 220, 90))
        assert not tracker.update(faces).multiple_faces


def test_face_lost_for_a_while_starts_a_new_segment() -> None:
    options = FaceOptions(lost_face_frames=3)
    tracker = FaceTracker(options)
    seg = tracker.update([face_at(300, 200, 100)]).segment
    for _ in range(3):
        assert tracker.update([]).face is None
    assert tracker.update([face_at(300, 200, 100)]).segment == seg + 1


def textured(seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (60, 80), dtype=np.uint8)
    img = cv2.resize(small, (640, 480), interpolation=cv2.INTER_CUBIC)
    return cv2.cvtColor(cv2.GaussianBlur(img, (5, 5), 0), cv2.COLOR_GRAY2BGR)


def square_face(cx: float = 320, cy: float = 240, half: float = 150) -> np.ndarray:
    pts = np.zeros((478, 2))
    corners = [[cx - half, cy - half], [cx + half, cy - half], [cx + half, cy + half], [cx - half, cy + half]]
    pts[:4] = corners
    pts[4:] = [cx, cy]
    pts[33], pts[263] = [cx - 50, cy], [cx + 50, cy]
    return pts


def test_planarity_of_a_plane_moving_in_3d_is_near_zero() -> None:
    base = textured()
    tracker = PlanarityTracker()
    pts = square_face()
    assert tracker.update(base, pts, 0.0) is None
    residual = None
    for k in range(1, 15):
        # A perspective warp = a flat print tilting away: exactly one homography.
        centre = np.array([[1, 0, 320], [0, 1, 240], [0, 0, 1.0]])
        tilt = np.array([[1 - 0.01 * k, 0, 2 * k], [0, 1, k], [0.00005 * k, 0, 1]])
        h = centre @ tilt @ np.linalg.inv(centre)
        frame = cv2.warpPerspective(base, h, (640, 480))
        residual = tracker.update(frame, pts, float(k))
    assert residual is not None and residual < 0.5 * FaceOptions().flat_residual_min


def test_planarity_of_non_rigid_parallax_motion_is_large() -> None:
    base = textured()
    tracker = PlanarityTracker()
    pts = square_face()
    tracker.update(base, pts, 0.0)
    residual = None
    for k in range(1, 15):
        frame = base.copy()
        # The centre (a 'nose') slides further than the border: parallax, no single homography.
        frame[190:290, 270:370] = np.roll(base, 2 * k, axis=1)[190:290, 270:370]
        residual = tracker.update(frame, pts, float(k))
    assert residual is not None and residual > FaceOptions().flat_residual_min


@pytest.mark.parametrize("count", [1, 2, 3])
def test_options_challenge_count_is_respected(count: int) -> None:
    import random

    from kiosk.face.verifier import FaceVerifier

    verifier = FaceVerifier(FaceOptions(challenge_count=count), rng=random.Random(5))
    assert len(verifier.draw_challenges()) == count
    assert verifier.challenge_count == count  # what the screen's "step 1 of N" counts to
