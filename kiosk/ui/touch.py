"""Synthetic touches: the autopilot's and the UI tests' finger, through Kivy's real input path."""

from __future__ import annotations

import itertools
from typing import Any

from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.input.motionevent import MotionEvent
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.ui.widgets import KioskButton

_ids = itertools.count(1)


class SyntheticTouch(MotionEvent):
    def __init__(self, device: str, uid: int, args: list[float]) -> None:
        super().__init__(device, uid, args, is_touch=True)

    def depack(self, args: list[float]) -> None:
        self.sx, self.sy = args
        super().depack(args)


def find_button(root: Widget, action: str, value: Any = None) -> KioskButton | None:
    for w in root.walk():
        if isinstance(w, KioskButton) and w.action == action and (value is None or w.value == value):
            return w
    return None


def _scroll_view_of(widget: Widget) -> ScrollView | None:
    node = widget.parent
    while node is not None and node.parent is not node:
        if isinstance(node, ScrollView):
            return node
        node = node.parent
    return None


def visible(widget: Widget) -> bool:
    """Entirely inside its ScrollView's window area (or not in a ScrollView at all)."""
    scroll = _scroll_view_of(widget)
    if scroll is None:
        return True
    x0, y0 = widget.to_window(widget.x, widget.y)
    x1, y1 = widget.to_window(widget.right, widget.top)
    sx0, sy0 = scroll.to_window(scroll.x, scroll.y)
    sx1, sy1 = scroll.to_window(scroll.right, scroll.top)
    return sy0 - 1 <= y0 and y1 <= sy1 + 1 and sx0 - 1 <= x0 and x1 <= sx1 + 1


def tap_widget(widget: Widget) -> bool:
    """Press and release at the widget's centre, as a finger would. If it is scrolled out of
    view, scroll it in and return False: the caller taps again on a later frame, once the
    ScrollView has moved its content (a tap in the same frame would land on the old layout)."""
    if not visible(widget):
        scroll = _scroll_view_of(widget)
        assert scroll is not None
        scroll.scroll_to(widget, padding=40, animate=False)
        return False
    x, y = widget.to_window(*widget.center)
    pos = [x / Window.width, y / Window.height]
    touch = SyntheticTouch("synthetic", next(_ids), pos)
    EventLoop.post_dispatch_input("begin", touch)
    touch.move(pos)
    EventLoop.post_dispatch_input("end", touch)
    return True


def tap(root: Widget, action: str, value: Any = None) -> bool:
    button = find_button(root, action, value)
    return button is not None and tap_widget(button)
