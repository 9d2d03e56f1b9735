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


def tap_widget(widget: Widget) -> None:
    """Scroll the widget into view if needed, then press and release at its centre."""
    scroll = widget.parent
    while scroll is not None and not isinstance(scroll, ScrollView) and scroll.parent is not scroll:
        scroll = scroll.parent
    if isinstance(scroll, ScrollView):
        scroll.scroll_to(widget, padding=40, animate=False)
        scroll._update_effect_bounds()
    x, y = widget.to_window(*widget.center)
    pos = [x / Window.width, y / Window.height]
    touch = SyntheticTouch("synthetic", next(_ids), pos)
    EventLoop.post_dispatch_input("begin", touch)
    touch.move(pos)
    EventLoop.post_dispatch_input("end", touch)


def tap(root: Widget, action: str, value: Any = None) -> bool:
    button = find_button(root, action, value)
    if button is None:
        return False
    tap_widget(button)
    return True
