"""The access key: the 6-digit CAN on a keypad, or the MRZ data as a fallback."""

from __future__ import annotations

from typing import Any

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.messages import error_text
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, cancel_button, page
from kiosk.ui.widgets import Card, KioskButton, Text, grid, keypad

MRZ_FIELDS = ("document_number", "birth_date", "expiry_date")
MRZ_LIMITS = {"document_number": 9, "birth_date": 6, "expiry_date": 6}


def _edit(value: str, key: str, limit: int) -> str:
    if key == "C":
        return ""
    if key == "<":
        return value[:-1]
    return (value + key)[:limit]


def build(ctx: Ctx) -> Widget:
    return _can(ctx) if ctx.view.key_mode == "can" else _mrz(ctx)


def _error(ctx: Ctx) -> list[Widget]:
    return [Text(error_text(ctx.tr, ctx.view.error), font=38, color=theme.ACCENT)] if ctx.view.error else []


def _can(ctx: Ctx) -> Widget:
    tr = ctx.tr
    digits = ctx.scratch.setdefault("can", "")

    def on_key(_: str, key: Any) -> None:
        ctx.scratch["can"] = _edit(ctx.scratch.get("can", ""), key, 6)
        ctx.rerender()

    shown = " ".join(digits.ljust(6, "_"))
    display = Card(size_hint_y=None, height=theme.px(170))
    display.add_widget(Text(shown, font=80, bold=True, halign="center"))
    return page(
        tr("Enter the card access number"),
        Text(tr("The 6-digit card access number (CAN) is printed on the front of your card."), font=40),
        *_error(ctx),
        display,
        keypad(on_key, height=130),
        button(ctx, tr("My card has no access number"), "key_mode", "mrz", color=theme.UNSELECTED,
               text_color=theme.TEXT, height=110, font=36),
        actions=(button(ctx, tr("Read my card"), "submit_key", digits,
                        color=theme.OK if len(digits) == 6 else theme.MUTED), cancel_button(ctx)),
    )


def _mrz(ctx: Ctx) -> Widget:
    tr = ctx.tr
    values = ctx.scratch.setdefault("mrz", dict.fromkeys(MRZ_FIELDS, ""))
    active = ctx.scratch.setdefault("mrz_active", "document_number")
    labels = {"document_number": tr("Document number"), "birth_date": tr("Date of birth (YYMMDD)"),
              "expiry_date": tr("Date of expiry (YYMMDD)")}

    def select(_: str, name: Any) -> None:
        ctx.scratch["mrz_active"] = name
        ctx.rerender()

    def on_key(_: str, key: Any) -> None:
        field = ctx.scratch["mrz_active"]
        values[field] = _edit(values[field], key, MRZ_LIMITS[field])
        ctx.rerender()

    fields = [KioskButton(f"{labels[f]}:  {values[f] or '—'}", "mrz_field", f, select, selected=(f == active),
                           font=38, height=120) for f in MRZ_FIELDS]
    keys = "0123456789" + ("ABCDEFGHIJKLMNOPQRSTUVWXYZ" if active == "document_number" else "") + "C<"
    return page(
        tr("Enter the data from your document"),
        Text(tr("Copy these from the machine-readable zone of your document."), font=38),
        *_error(ctx),
        grid(1, fields, spacing=12),
        keypad(on_key, keys=keys) if len(keys) > 12 else keypad(on_key, keys="1234567890C<"),
        button(ctx, tr("Use the card access number"), "key_mode", "can", color=theme.UNSELECTED,
               text_color=theme.TEXT, height=110, font=36),
        actions=(button(ctx, tr("Read my card"), "submit_key", tuple(values[f] for f in MRZ_FIELDS),
                        color=theme.OK), cancel_button(ctx)),
    )
