"""Layout of every screen in the real window: nothing to press lies under the staff bar, under the
idle-countdown card or off the window, and each screen's way forward is in view at first sight."""

from __future__ import annotations

import pytest

from kiosk.flow.states import State
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_gallery import show

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in window coordinates

# the action that moves each screen on; it must be in full view without scrolling
PRIMARY = {
    State.CARD_ACCESS: "submit_key",
    State.FORM: "form_done",
    State.REVIEW: "confirm",
    State.RETRY: "retry",
    State.RATING: "skip",
    State.STAFF: "cancel",
}


def box(widget: object) -> Box:
    x0, y0 = widget.to_window(widget.x, widget.y)  # type: ignore[attr-defined]
    x1, y1 = widget.to_window(widget.right, widget.top)  # type: ignore[attr-defined]
    return x0, y0, x1, y1


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def inside(a: Box, b: Box) -> bool:
    return b[0] - 1 <= a[0] and a[2] <= b[2] + 1 and b[1] - 1 <= a[1] and a[3] <= b[3] + 1


def clip(widget: object) -> Box | None:
    """The part of the window a widget can show in: its ScrollViews' areas, intersected."""
    from kivy.uix.scrollview import ScrollView

    area: Box | None = None
    node = widget.parent  # type: ignore[attr-defined]
    while node is not None and node.parent is not node:
        if isinstance(node, ScrollView):
            s = box(node)
            area = s if area is None else (max(area[0], s[0]), max(area[1], s[1]),
                                           min(area[2], s[2]), min(area[3], s[3]))
        node = node.parent
    return area


def check_layout(ui: Harness, where: str) -> None:
    from kivy.core.window import Window

    from kiosk.ui.widgets import KioskButton

    window: Box = (0, 0, Window.width, Window.height)
    footer = box(ui.app.footer)
    covers = [footer] + [box(c) for c in ui.app.overlay.children]
    content = box(ui.app.content)
    for cover in covers:
        assert not overlap(content, cover), f"{where}: the content area runs under the staff bar or countdown"
    for w in ui.app.content.walk(restrict=True):
        if not isinstance(w, KioskButton):
            continue
        b, area = box(w), clip(w)
        if area is not None and not overlap(b, area):
            continue  # scrolled out of view: reachable by scrolling
        shown = b if area is None else (max(b[0], area[0]), max(b[1], area[1]), min(b[2], area[2]), min(b[3], area[3]))
        assert inside(shown, window), f"{where}: {w.action} {w.text!r} off the window"
        for cover in covers:
            assert not overlap(shown, cover), f"{where}: {w.action} {w.text!r} under the staff bar or countdown"
    # the way forward, and the way out, wherever the screen has one
    for action in filter(None, (PRIMARY.get(ui.runner.flow.state), "cancel")):
        button = next((w for w in ui.app.content.walk(restrict=True)
                       if isinstance(w, KioskButton) and w.action == action), None)
        if button is None:
            assert action == "cancel", f"{where}: no {action} button"
            continue
        area = clip(button) or content
        assert inside(box(button), area) and inside(box(button), content), \
            f"{where}: {action} {button.text!r} not in full view at first sight"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("state", list(State), ids=str)
def test_nothing_to_press_lies_under_the_staff_bar_or_off_the_window(ui: Harness, state: State,
                                                                     language: str) -> None:
    show(ui, state, language)
    ui.step(2)
    check_layout(ui, f"{state}/{language}")
    ui.reset()


@pytest.mark.parametrize("state", [State.RATING, State.FORM, State.REVIEW, State.CARD_ACCESS], ids=str)
def test_the_idle_countdown_covers_nothing_to_press(ui: Harness, state: State) -> None:
    from kiosk.flow.states import TIMEOUT_FIELD

    show(ui, state, "zh_CN")
    flow, clock = ui.runner.flow, b.FakeClock()  # frozen 9 s before the idle timeout
    flow.clock = clock
    flow.last_activity = flow.entered_at = clock() - getattr(flow.timeouts, TIMEOUT_FIELD[state]) + 9
    ui.until(lambda: bool(ui.app.overlay.children), what="the countdown card")
    ui.step(3)
    check_layout(ui, f"{state} with the countdown")
    ui.screenshot(f"countdown-{state.value}")
    ui.reset()
