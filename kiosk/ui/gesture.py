"""The hidden way into diagnostics: N quick taps on the header's top-left corner."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kivy.uix.widget import Widget


class HiddenCorner(Widget):
    def __init__(self, taps: int, window_s: float, on_gesture: Callable[[], None], **kw: Any) -> None:
        super().__init__(**kw)
        self.taps, self.window_s, self.on_gesture = taps, window_s, on_gesture
        self._times: list[float] = []

    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        now = time.monotonic()
        self._times = [t for t in self._times if now - t <= self.window_s] + [now]
        if len(self._times) >= self.taps:
            self._times.clear()
            self.on_gesture()
        return True  # the corner is not a control: nothing underneath should react
