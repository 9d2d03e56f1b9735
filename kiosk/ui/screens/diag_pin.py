"""Technicians' PIN keypad. The PIN is only ever sent for verification, never shown."""

from __future__ import annotations

from typing import Any

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.messages import PIN_ERRORS
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, page
from kiosk.ui.widgets import Card, Text, keypad


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    digits = ctx.scratch.setdefault("pin", "")

    def on_key(_: str, key: Any) -> None:
        value = ctx.scratch.get("pin", "")
        ctx.scratch["pin"] = "" if key == "C" else value[:-1] if key == "<" else (value + key)[:12]
        ctx.rerender()

    def submit(action: str, _: Any) -> None:
        pin, ctx.scratch["pin"] = ctx.scratch.get("pin", ""), ""
        ctx.touch(action, pin)

    display = Card(size_hint_y=None, height=theme.px(170))
    display.add_widget(Text("●" * len(digits) or "—", font=80, halign="center"))
    parts: list[Widget] = [display]
    if ctx.view.error in PIN_ERRORS:
        parts.insert(0, Text(tr(PIN_ERRORS[ctx.view.error]), font=40, color=theme.ACCENT))
    from kiosk.ui.widgets import KioskButton

    parts += [keypad(on_key, height=130), KioskButton(tr("Enter diagnostics"), "pin", None, submit, color=theme.OK),
              button(ctx, tr("Back"), "diag_exit", color=theme.UNSELECTED, text_color=theme.TEXT, height=120)]
    return page(tr("Technician PIN"), *parts)
