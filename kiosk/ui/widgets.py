"""Touch targets and building blocks shared by the screens.

Every touch target is an KioskButton carrying the flow action it sends: the autopilot finds
buttons by action and taps them with synthetic touches, through the same path a finger takes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.graphics import Color, Line, Rectangle, RoundedRectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.theme import font_px, px

CHECK = "✓"  # marks a chosen option (with the colour, never instead of it)
UNCHECKED = "□"  # a tick box not ticked, where a choice is a yes/no


class KioskButton(Button):
    """A large, flat button that reports (action, value) when released."""

    def __init__(self, text: str, action: str, value: Any = None, on_action: Callable[..., None] | None = None,
                 color: tuple = theme.PRIMARY, text_color: tuple = (1, 1, 1, 1), font: float = 44,
                 height: float = 150, selected: bool | None = None, enabled: bool = True, **kw: Any) -> None:
        if selected is not None:
            color = theme.SELECTED if selected else theme.UNSELECTED
            text_color = (1, 1, 1, 1) if selected else theme.TEXT
            if selected and not text.startswith(CHECK):  # chosen is said by a mark, not by colour alone
                text = f"{CHECK} {text}"
        enabled = enabled and not kw.pop("disabled", False)
        if not enabled:  # not only greyed: a flat page-coloured face with a dashed outline, muted text
            color, text_color = theme.BG, theme.MUTED
        color, text_color = theme.shade(color), theme.shade(text_color)
        super().__init__(text=text, font_size=font_px(font), size_hint_y=None, height=px(height),
                         background_normal="", background_down="", background_color=(0, 0, 0, 0),
                         color=text_color, disabled_color=text_color, halign="center", valign="middle",
                         disabled=not enabled, **kw)
        self.action, self.value, self.selected = action, value, selected
        self._on_action = on_action
        self._min_height = px(height)
        self.bind(size=self._sync_text_size)
        if theme.elderly():  # normal-mode layouts are designed around the fixed heights
            self.bind(texture_size=self._fit_text)
        with self.canvas.before:
            self._bg_color = Color(*color)
            self._bg = RoundedRectangle(radius=[px(18)])
            self._outline = None
            if not enabled:
                Color(*text_color)
                self._outline = Line(width=px(2), dash_length=px(12), dash_offset=px(8))
        self.bind(pos=self._redraw, size=self._redraw, state=self._pressed)
        self._base_color = color

    def _sync_text_size(self, *_: Any) -> None:
        self.text_size = (self.width - px(24), None)

    def _fit_text(self, *_: Any) -> None:
        """Grow (never shrink) to hold larger elderly-mode text that wraps more than the design
        height allows."""
        self.height = max(self._min_height, self.texture_size[1] + px(24))

    def _redraw(self, *_: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        if self._outline is not None:
            self._outline.rectangle = (self.x + 1, self.y + 1, self.width - 2, self.height - 2)

    def _pressed(self, *_: Any) -> None:
        r, g, b, a = self._base_color
        self._bg_color.rgba = (r * 0.8, g * 0.8, b * 0.8, a) if self.state == "down" else self._base_color

    def on_release(self) -> None:
        if self._on_action is not None:
            self._on_action(self.action, self.value)


class Text(Label):
    """Wrapped text that takes the height it needs."""

    def __init__(self, text: str, font: float = 40, color: tuple = theme.TEXT, bold: bool = False,
                 halign: str = "left", **kw: Any) -> None:
        super().__init__(text=text, font_size=font_px(font), color=theme.shade(color), bold=bold, halign=halign,
                         valign="top", size_hint_y=None, **kw)
        self.bind(width=lambda *_: setattr(self, "text_size", (self.width, None)))
        self.bind(texture_size=lambda *_: setattr(self, "height", self.texture_size[1]))


class Card(BoxLayout):
    """A white panel on the grey background."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("orientation", "vertical")
        kw.setdefault("padding", px(36))
        kw.setdefault("spacing", px(24))
        super().__init__(**kw)
        if theme.elderly() and kw.get("size_hint_y", 1) is None and "height" in kw:
            floor = kw["height"]  # a fixed-height panel (a keypad's display) grows with larger text
            self.bind(minimum_height=lambda *_: setattr(self, "height", max(floor, self.minimum_height)))
        with self.canvas.before:
            Color(*theme.shade(theme.SURFACE))
            self._bg = RoundedRectangle(radius=[px(24)])
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size


def fill(widget: Widget, rgba: tuple) -> Color:
    """Paint the widget's background; the returned colour may be changed later."""
    with widget.canvas.before:
        color = Color(*rgba)
        rect = Rectangle(pos=widget.pos, size=widget.size)
    widget.bind(pos=lambda *_: setattr(rect, "pos", widget.pos), size=lambda *_: setattr(rect, "size", widget.size))
    return color


def scroller() -> ScrollView:
    """A page that scrolls up and down. In elderly mode, where more pages need it, its bar is
    wide, dark and always shown, so that nobody misses what is below."""
    if not theme.elderly():
        return ScrollView(do_scroll_x=False, bar_width=px(12))
    bar = theme.shade(theme.PRIMARY)
    return ScrollView(do_scroll_x=False, bar_width=px(20), bar_color=bar, bar_inactive_color=bar,
                      bar_margin=px(4))


def spacer(height: float = 24) -> Widget:
    return Widget(size_hint_y=None, height=px(height))


def grid(cols: int, children: list[Widget], spacing: float = 16, reflow: bool = True) -> GridLayout:
    """Children in rows of ``cols``; a list that may ``reflow`` takes fewer columns in elderly mode
    (a keypad keeps its shape)."""
    g = GridLayout(cols=theme.columns(cols) if reflow else cols, spacing=px(spacing), size_hint_y=None)
    g.bind(minimum_height=g.setter("height"))
    for child in children:
        g.add_widget(child)
    return g


def keypad(on_key: Callable[[str, Any], None], keys: str = "123456789C0<", action: str = "key",
           height: float = 150, clear: str = "C", delete: str = "←") -> GridLayout:
    """Digits (and optionally letters) as big buttons; 'C' clears, '<' deletes one. The caller
    passes the two editing keys' words (translated), so that they say what they do."""
    cols = 3 if len(keys) <= 12 else 6
    digit_font = 56 if cols == 3 else 40
    buttons = []
    for k in keys:
        label = {"C": clear, "<": delete}.get(k, k)
        font = digit_font if len(label) <= 1 else digit_font * 0.62  # words, not one glyph
        buttons.append(KioskButton(label, action, k, on_key, color=theme.UNSELECTED, text_color=theme.TEXT,
                                    font=font, height=height if cols == 3 else 110))
    return grid(cols, buttons, reflow=False)


def edit_keys(tr: Callable[..., str]) -> dict[str, str]:
    """The keypad's clear and delete keys in words (``keypad(..., **edit_keys(tr))``)."""
    return {"clear": tr("Clear"), "delete": tr("← Delete")}
