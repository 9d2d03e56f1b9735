"""Elderly mode in the real window: the header toggle, every text at least 1.5x larger, every text
colour from the high-contrast palette, and no text clipped, off the window or over another text
(normal mode is held to the same layout rules). Screenshots: test-artifacts/ui/elderly-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kiosk.flow.states import State
from kiosk.ui import theme
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness

SCREENS = (State.ATTRACT, State.CONSENT, State.CARD_WAIT, State.CARD_ACCESS, State.FORM, State.REVIEW,
           State.DECISION, State.DONE, State.RETRY, State.STAFF)
VIEWS: dict[State, dict] = {  # the longest version of each screen
    State.CARD_ACCESS: {"key_mode": "can", "error": "can_format"},
    State.DONE: {"guidance": "T-20261127-0001", "take_card": True},
    State.RETRY: {"error": "card_access_denied", "retry_step": "card"},
    State.STAFF: {"error": "card_not_authentic"},
}
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in window pixels
SLACK = 1.0  # rounding of texture sizes


def show(ui: Harness, state: State, language: str, elderly: bool) -> None:
    ui.reset()
    flow = ui.runner.flow
    flow.session.identity = b.identity()
    flow.session.form = dict(b.COMPLETE_FORM)
    flow.reference = ui.runner.devices.registry.reference_data()
    flow.session.decision = b.decision("manual_review")
    flow._go(state, "elderly-test", **VIEWS.get(state, {}))
    flow.elderly = flow.view.elderly = elderly
    flow.view.language = flow.session.language = language
    ui.app.render()
    ui.settle()
    assert flow.state is state


def labels(ui: Harness) -> list:
    from kivy.uix.label import Label

    return [w for w in ui.app.root.walk() if isinstance(w, Label) and w.text and w.get_root_window()]


def window_box(w: Any) -> Box:
    x0, y0 = w.to_window(w.x, w.y)
    return x0, y0, x0 + w.width, y0 + w.height


def viewport(w: Any) -> Box | None:
    """The visible part of the scroll view holding ``w``; None when it is not scrolled."""
    from kivy.uix.scrollview import ScrollView

    for parent in ancestors(w):
        if isinstance(parent, ScrollView):
            return window_box(parent)
    return None


def clip(box: Box, to: Box | None) -> Box | None:
    if to is None:
        return box
    x0, y0, x1, y1 = max(box[0], to[0]), max(box[1], to[1]), min(box[2], to[2]), min(box[3], to[3])
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def ancestors(w: Any) -> list:
    """Up to the window (which is its own parent)."""
    found = []
    while w.parent is not None and w.parent is not w:
        w = w.parent
        found.append(w)
    return found


def is_ancestor(a: Any, w: Any) -> bool:
    return any(p is a for p in ancestors(w))


def layout_faults(ui: Harness) -> list[str]:
    """Text cut off by its widget, off the window, or drawn over another text."""
    from kivy.core.window import Window

    faults, shown = [], []
    for w in labels(ui):
        name = f"{type(w).__name__} {w.text[:30]!r}"
        if w.texture_size[0] > w.width + SLACK or w.texture_size[1] > w.height + SLACK:
            faults.append(f"{name}: text {w.texture_size} larger than its widget {w.size}")
        box, port = window_box(w), viewport(w)
        if box[0] < -SLACK or box[2] > Window.width + SLACK:
            faults.append(f"{name}: outside the window sideways {box}")
        if port is None and (box[1] < -SLACK or box[3] > Window.height + SLACK):
            faults.append(f"{name}: outside the window, and nothing scrolls it in {box}")
        visible = clip(box, port)
        if visible is not None:
            shown.append((w, name, visible))
    for i, (a, name_a, box_a) in enumerate(shown):
        for bw, name_b, box_b in shown[i + 1:]:
            if is_ancestor(a, bw) or is_ancestor(bw, a):
                continue
            overlap = clip(box_a, box_b)
            if overlap is not None and min(overlap[2] - overlap[0], overlap[3] - overlap[1]) > SLACK:
                faults.append(f"{name_a} overlaps {name_b}")
    return faults


def scroll_through(ui: Harness) -> Iterator[int]:
    """Scroll the page a screenful at a time down to its end, as the applicant would to reach its
    last button; yields the screenful's number (from 1) at each stop."""
    from kivy.uix.scrollview import ScrollView

    pages = [w for w in ui.app.content.walk() if isinstance(w, ScrollView) and w.viewport_size[1] > w.height]
    if not pages:
        return
    page = pages[0]
    hidden = page.viewport_size[1] - page.height
    stops = int(hidden // page.height) + 1
    for n in range(1, stops + 1):
        page.scroll_y = max(0.0, 1 - n * page.height / hidden)
        ui.step(4)
        yield n


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("state", SCREENS, ids=str)
def test_screen_in_elderly_mode_is_larger_high_contrast_and_unclipped(ui: Harness, state: State,
                                                                       language: str) -> None:
    show(ui, state, language, elderly=False)
    assert layout_faults(ui) == [], "normal mode"
    normal = {(type(w).__name__, w.text): w.font_size for w in labels(ui)}  # a key "1" is not the step "1"
    smallest_normal = min(normal.values())
    show(ui, state, language, elderly=True)
    try:
        ui.screenshot(f"elderly-{state.value}-{language}")
        assert layout_faults(ui) == [], "elderly mode"
        for n in scroll_through(ui):
            ui.screenshot(f"elderly-{state.value}-{language}-{n}")
            assert layout_faults(ui) == [], f"elderly mode, scrolled {n} screenful(s) down"
        shown = labels(ui)
        both = [w for w in shown if (type(w).__name__, w.text) in normal]
        assert len(both) >= 3, "the same texts, larger"
        for w in both:
            was = normal[(type(w).__name__, w.text)]
            assert w.font_size >= 1.5 * was - 0.01, (w.text, w.font_size, was)
        assert min(w.font_size for w in shown) >= 1.5 * smallest_normal - 0.01
        palette = {theme.ELDERLY[fg] for fg, _ in theme.ELDERLY_PAIRS}
        stray = {(w.text[:20], tuple(w.color)) for w in shown if tuple(w.color) not in palette}
        assert not stray, f"text colours outside the elderly palette: {stray}"
    finally:
        theme.set_elderly(False)
        ui.reset()


def test_header_toggle_switches_the_mode_on_and_off(ui: Harness) -> None:
    ui.reset()
    ui.tap("start")
    assert "长辈模式" in ui.texts()
    before = {w.text: w.font_size for w in labels(ui)}
    ui.tap("elderly")
    assert ui.runner.flow.view.elderly is True and "长辈模式：开" in ui.texts()
    title = "开始之前"
    assert next(w.font_size for w in labels(ui) if w.text == title) >= 1.5 * before[title] - 0.01
    ui.tap("language", "en")
    assert "Larger text: on" in ui.texts()
    ui.tap("elderly")
    assert ui.runner.flow.view.elderly is False and "Larger text" in ui.texts()
    ui.reset()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_need_more_time_card_grows_with_the_larger_text(ui: Harness, language: str) -> None:
    show(ui, State.FORM, language, elderly=True)
    try:
        flow, t = ui.runner.flow, ui.runner.settings.timeouts
        flow.last_activity -= t.form * t.elderly_factor - 5  # the flow's own tick shows the countdown
        ui.until(lambda: bool(ui.app.overlay.children), what="the countdown")
        ui.step(6)
        ui.screenshot(f"elderly-countdown-{language}")
        card = ui.app.overlay.children[0]
        inside = [w for w in labels(ui) if is_ancestor(card, w)]
        assert len(inside) == 2
        for w in inside:
            assert w.texture_size[1] <= w.height + SLACK and w.y >= card.y - SLACK and w.top <= card.top + SLACK
        assert card.height >= sum(w.height for w in inside)
    finally:
        theme.set_elderly(False)
        ui.reset()
