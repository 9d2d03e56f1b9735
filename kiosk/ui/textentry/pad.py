"""The handwriting pad: one character at a time, written with a finger, ink shown as it is drawn.

Each touch that starts on the pad is one stroke; its points are kept in pad pixels with y growing
downwards (the orientation handwriting models use) and handed to ``on_stroke`` when the finger
lifts. A second finger on the pad at the same time is ignored: a resting palm is not a stroke.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.graphics import Color, InstructionGroup, Line, Rectangle
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.theme import px

GUIDE = (0.80, 0.82, 0.86, 1)
INK = (0.05, 0.05, 0.08, 1)
MIN_STEP = 2.0  # window pixels between kept points


class HandwritingPad(Widget):
    def __init__(self, on_stroke: Callable[[list[tuple[float, float]], tuple[float, float]], None], **kw: Any) -> None:
        super().__init__(**kw)
        self.on_stroke = on_stroke
        self._touch: Any = None
        self._points: list[tuple[float, float]] = []
        self._lines: list[tuple[InstructionGroup, Line]] = []
        with self.canvas.before:
            Color(*theme.SURFACE)
            self._bg = Rectangle()
            Color(*GUIDE)
            self._guides = [Line(width=px(2), dash_length=px(12), dash_offset=px(8)) for _ in range(4)]
            self._border = Line(width=px(3))
        self.bind(pos=self._layout, size=self._layout)

    def _layout(self, *_: Any) -> None:
        x, y, w, h = self.x, self.y, self.width, self.height
        self._bg.pos, self._bg.size = self.pos, self.size
        self._border.rectangle = (x, y, w, h)
        # the 米 grid calligraphy paper uses, faint: helps to place and size a character
        self._guides[0].points = [x + w / 2, y, x + w / 2, y + h]
        self._guides[1].points = [x, y + h / 2, x + w, y + h / 2]
        self._guides[2].points = [x, y, x + w, y + h]
        self._guides[3].points = [x, y + h, x + w, y]

    def _local(self, touch: Any) -> tuple[float, float]:
        return touch.x - self.x, self.top - touch.y

    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        if self._touch is not None:
            return True
        touch.grab(self)
        self._touch = touch
        self._points = [self._local(touch)]
        group = InstructionGroup()
        group.add(Color(*INK))
        line = Line(points=[touch.x, touch.y], width=px(9), cap="round", joint="round")
        group.add(line)
        self.canvas.add(group)
        self._lines.append((group, line))
        return True

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is not self or touch is not self._touch:
            return self.collide_point(*touch.pos)
        x, y = self._local(touch)
        lx, ly = self._points[-1]
        if (x - lx) ** 2 + (y - ly) ** 2 >= MIN_STEP * MIN_STEP:
            self._points.append((x, y))
            line = self._lines[-1][1]
            line.points = [*line.points, touch.x, touch.y]
        return True

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self or touch is not self._touch:
            return self.collide_point(*touch.pos)
        touch.ungrab(self)
        self._touch = None
        x, y = self._local(touch)
        line = self._lines[-1][1]
        if (x, y) != self._points[-1]:
            self._points.append((x, y))
            line.points = [*line.points, touch.x, touch.y]
        if len(self._points) == 1:  # a tap is a dot: give it a length so the ink shows
            line.points = [*line.points, touch.x + 1, touch.y]
        points, self._points = self._points, []
        self.on_stroke(points, (self.width, self.height))
        return True

    def undo(self) -> None:
        if self._lines:
            self.canvas.remove(self._lines.pop()[0])

    def wipe(self) -> None:
        while self._lines:
            self.undo()
