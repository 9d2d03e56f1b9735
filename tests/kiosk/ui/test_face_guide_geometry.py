"""The guide's shapes without a window: the oval follows the quality gate's own size limit and
stays inside the frame; the arrow's tip is on the side it points to."""

from __future__ import annotations

import pytest

from kiosk.face.options import FaceOptions
from kiosk.ui import face_guide


def test_the_oval_follows_the_smallest_eye_distance_the_check_accepts() -> None:
    small = face_guide.oval(FaceOptions(min_eye_distance_px=40), 1280, 720)
    large = face_guide.oval(FaceOptions(min_eye_distance_px=80), 1280, 720)
    assert large.w == pytest.approx(2 * small.w) and large.h == pytest.approx(2 * small.h)
    o = face_guide.oval(FaceOptions(), 640, 480)
    eye_px = o.w * 640 / face_guide.FACE_WIDTH_PER_EYE  # of a face as wide as the oval
    assert eye_px == pytest.approx(face_guide.SIZE_MARGIN * FaceOptions().min_eye_distance_px)
    assert o.h * 480 > o.w * 640, "taller than wide, as a face is"


@pytest.mark.parametrize(("w", "h"), [(640, 480), (320, 240), (160, 120), (1920, 1080)])
def test_the_oval_stays_inside_the_frame(w: int, h: int) -> None:
    o = face_guide.oval(FaceOptions(), w, h)
    assert o.cx - o.w / 2 > 0 and o.cx + o.w / 2 < 1
    assert o.cy - o.h / 2 > 0 and o.cy + o.h / 2 < 1
    assert o.h <= face_guide.MAX_HEIGHT + 1e-9


def test_the_turn_arrow_follows_the_mirror() -> None:
    """A turn to one's own left moves the face to the image's right for the camera, and to the
    left in a mirror."""
    assert face_guide.turn_direction("turn_left", mirrored=True) == -1
    assert face_guide.turn_direction("turn_right", mirrored=True) == 1
    assert face_guide.turn_direction("turn_left", mirrored=False) == 1
    assert face_guide.turn_direction("turn_right", mirrored=False) == -1
    assert face_guide.turn_direction("blink", mirrored=True) == 0
    assert face_guide.turn_direction(None, mirrored=True) == 0


@pytest.mark.parametrize("direction", [-1, 1])
def test_the_arrow_fills_its_box_with_the_tip_on_its_side(direction: int) -> None:
    a = face_guide.arrow(10, 20, 110, 95, direction)
    xs = [x for x, _ in a.border]
    ys = [y for _, y in a.border]
    assert (min(xs), max(xs), min(ys), max(ys)) == (10, 110, 20, 95)
    tip = a.head[0]
    assert tip == ((10 if direction < 0 else 110), 57.5)
    assert all(abs(x - tip[0]) > 0 for x, _ in a.shaft), "the shaft starts behind the tip"
