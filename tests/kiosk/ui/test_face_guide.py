"""The face check's guide in the real window: an oval over the live preview where the check wants
the face, a large arrow the way to turn as the applicant sees themselves (the preview is a
mirror), "step 1 of 2" during the challenges, in both languages and in elderly mode, nothing
under the staff bar or over another text. Screenshots: test-artifacts/ui/face-guide-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.flow import events as e
from kiosk.flow.states import State
from kiosk.ui import face_guide, preview, theme
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_elderly_mode import layout_faults, scroll_through
from tests.kiosk.ui.test_layout import box, check_layout, clip

VIEWS: dict[str, dict[str, Any]] = {
    "position": {"guidance": "move_closer"},
    "turn_left": {"guidance": "turn_left", "challenge": "turn_left", "challenge_step": 1, "challenge_steps": 2},
    "turn_right": {"guidance": "turn_right", "challenge": "turn_right", "challenge_step": 2, "challenge_steps": 2},
    "blink": {"guidance": "blink", "challenge": "blink", "challenge_step": 1, "challenge_steps": 2},
}


def show(ui: Harness, view: str, language: str = "zh_CN", elderly: bool = False) -> preview.CameraPreview:
    ui.reset()
    flow = ui.runner.flow
    flow._go(State.FACE_CHECK, "face-guide-test", **VIEWS[view])
    flow.elderly = flow.view.elderly = elderly
    flow.view.language = flow.session.language = language
    ui.app.render()
    ui.until(lambda: ui.app.preview.texture is not None, what="a camera frame in the preview")
    ui.settle()
    return ui.app.preview


def window_oval(p: preview.CameraPreview) -> tuple[float, float, float, float]:
    assert p.oval_shape is not None, "no oval drawn"
    x, y, w, h = p.oval_shape
    x0, y0 = p.to_window(x, y)
    return x0, y0, x0 + w, y0 + h


def window_image(p: preview.CameraPreview) -> tuple[float, float, float, float]:
    x, y, w, h = p.image_box()
    x0, y0 = p.to_window(x, y)
    return x0, y0, x0 + w, y0 + h


def test_the_oval_lies_over_the_shown_image_where_the_check_wants_the_face(ui: Harness) -> None:
    p = show(ui, "position")
    try:
        ox0, oy0, ox1, oy1 = window_oval(p)
        ix0, iy0, ix1, iy1 = window_image(p)
        assert ix0 < ox0 < ox1 < ix1 and iy0 < oy0 < oy1 < iy1, "inside the image"
        assert box(p)[0] <= ix0 and ix1 <= box(p)[2] + 1, "the image inside the preview"
        assert abs((ox0 + ox1) / 2 - (ix0 + ix1) / 2) < 1, "centred across"
        # a face filling the oval is well above the smallest size the check accepts
        fw = p.texture.size[0]
        face_px = (ox1 - ox0) / (ix1 - ix0) * fw  # the oval's width in frame pixels
        assert face_px / face_guide.FACE_WIDTH_PER_EYE >= 1.5 * p.face_options.min_eye_distance_px
        assert oy1 - oy0 > ox1 - ox0, "upright, like a face"
        assert p.arrow_shape is None, "no arrow while no turn is asked"
        assert "请把脸放在椭圆框内" in ui.texts()
        ui.screenshot("face-guide-position-zh_CN")
    finally:
        ui.reset()


def under_the_staff_bar(ui: Harness) -> list[str]:
    """Whatever of the page is visible (texts, buttons, the preview) lying under the staff bar."""
    from kivy.uix.label import Label

    staff = box(ui.app.footer)
    found = []
    for w in ui.app.content.walk(restrict=True):
        if not isinstance(w, Label | preview.CameraPreview) or w.get_root_window() is None:
            continue
        b, area = box(w), clip(w)
        shown = b if area is None else (max(b[0], area[0]), max(b[1], area[1]), min(b[2], area[2]), min(b[3], area[3]))
        if shown[2] > shown[0] and shown[3] > shown[1] and shown[1] < staff[3] - 1:
            found.append(f"{type(w).__name__} {getattr(w, 'text', '')[:30]!r} {shown} under {staff}")
    return found


def arrow_direction(p: preview.CameraPreview) -> int:
    """Which way the drawn arrow points: its tip against the middle of its tail."""
    assert p.arrow_shape is not None, "no arrow drawn"
    tip = p.arrow_shape.head[0]
    xs = [x for x, _ in p.arrow_shape.border]
    assert tip[0] in (min(xs), max(xs)), "the tip is the arrow's far end"
    return -1 if tip[0] == min(xs) else 1


@pytest.mark.parametrize(("challenge", "screen_side"), [("turn_left", -1), ("turn_right", 1)])
def test_the_arrow_points_the_way_to_turn_as_the_applicant_sees_themselves(ui: Harness, challenge: str,
                                                                          screen_side: int) -> None:
    """The preview is mirrored, so turning to one's own left moves the face to the screen's left."""
    assert preview.MIRRORED
    p = show(ui, challenge, "en")
    try:
        assert arrow_direction(p) == screen_side
        ox0, _, ox1, _ = window_oval(p)
        ix0, iy0, ix1, iy1 = window_image(p)
        xs = [p.to_window(x, y) for x, y in p.arrow_shape.border]
        ax0, ax1 = min(x for x, _ in xs), max(x for x, _ in xs)
        ay0, ay1 = min(y for _, y in xs), max(y for _, y in xs)
        assert ix0 <= ax0 and ax1 <= ix1 and iy0 <= ay0 and ay1 <= iy1, "over the image"
        if screen_side < 0:
            assert ax1 <= ox0, "beside the oval, on the side to turn to"
        else:
            assert ax0 >= ox1, "beside the oval, on the side to turn to"
        assert ax1 - ax0 >= 0.2 * (ix1 - ix0), "large"
        ui.screenshot(f"face-guide-{challenge}-en")
    finally:
        ui.reset()


def test_a_blink_has_the_oval_and_the_counter_but_no_arrow(ui: Harness) -> None:
    p = show(ui, "blink")
    try:
        assert p.oval_shape is not None and p.arrow_shape is None
        assert "第1步，共2步" in ui.texts()
        assert "请把脸放在椭圆框内" not in ui.texts(), "the action is the instruction now"
    finally:
        ui.reset()


@pytest.mark.parametrize(("language", "counter"), [("zh_CN", "第2步，共2步"), ("en", "Step 2 of 2")])
def test_the_counter_reads_in_each_language(ui: Harness, language: str, counter: str) -> None:
    show(ui, "turn_right", language)
    try:
        assert counter in ui.texts()
    finally:
        ui.reset()


def test_the_flow_counts_the_challenges_the_runner_reports(ui: Harness) -> None:
    ui.reset()
    flow = ui.runner.flow
    try:
        flow._go(State.FACE_CHECK, "face-guide-test")
        flow.dispatch(e.FaceGuidance("turn_left", "turn_left", 1, 2))
        assert (flow.view.challenge_step, flow.view.challenge_steps) == (1, 2)
        flow.dispatch(e.FaceGuidance("hold_still", None))
        assert (flow.view.challenge, flow.view.challenge_step) == (None, 0)
    finally:
        ui.reset()


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("view", ["position", "turn_left"])
def test_nothing_overlaps_or_hides_under_the_staff_bar(ui: Harness, view: str, language: str,
                                                       elderly: bool) -> None:
    p = show(ui, view, language, elderly)
    try:
        mode = "elderly" if elderly else "normal"
        ui.screenshot(f"face-guide-{view}-{language}-{mode}")
        check_layout(ui, f"{view}/{language}/{mode}")  # also: cancel pinned in full view at first sight
        assert under_the_staff_bar(ui) == []
        assert layout_faults(ui) == []
        # the whole oval (and arrow) in view at first sight: inside the page's visible part,
        # which ends above the staff bar
        area, staff = clip(p), box(ui.app.footer)
        assert area is not None and area[1] >= staff[3] - 1
        ox0, oy0, ox1, oy1 = window_oval(p)
        assert area[0] - 1 <= ox0 and ox1 <= area[2] + 1 and area[1] - 1 <= oy0 and oy1 <= area[3] + 1
        if p.arrow_shape is not None:
            for x, y in p.arrow_shape.border:
                wx, wy = p.to_window(x, y)
                assert area[0] - 1 <= wx <= area[2] + 1 and area[1] - 1 <= wy <= area[3] + 1
        for n in scroll_through(ui):
            ui.screenshot(f"face-guide-{view}-{language}-{mode}-{n}")
            assert layout_faults(ui) == [], f"scrolled {n} screenful(s) down"
            assert under_the_staff_bar(ui) == [], f"scrolled {n} screenful(s) down"
    finally:
        theme.set_elderly(False)
        ui.reset()
