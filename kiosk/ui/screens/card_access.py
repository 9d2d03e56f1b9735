"""The access key: the 6-digit CAN on a keypad, or the MRZ data as a fallback."""

from __future__ import annotations

from typing import Any

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.document_pictures import AccessNumberPicture, DocumentPicture
from kiosk.ui.messages import error_text
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, cancel_button, page
from kiosk.ui.widgets import Card, KioskButton, Text, edit_keys, grid, keypad

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


def _error(ctx: Ctx, typed: bool) -> list[Widget]:
    """The last problem, once something was typed: an empty keypad shows no error."""
    if not (ctx.view.error and typed):
        return []
    return [Text(error_text(ctx.tr, ctx.view.error), font=38, color=theme.ACCENT)]


def _tries(ctx: Ctx) -> list[Widget]:
    if ctx.view.tries_left <= 0:
        return []
    return [Text(ctx.tr("Tries left: {count}", count=ctx.view.tries_left), font=38, color=theme.MUTED)]


def _read_button(ctx: Ctx, value: object, complete: bool) -> KioskButton:
    """Disabled until the number is complete, and saying so in words, not only in grey."""
    if complete:
        return button(ctx, ctx.tr("Read my card"), "submit_key", value, color=theme.OK)
    return button(ctx, ctx.tr("Read my card (type all 6 digits first)"), "submit_key", value, enabled=False,
                  font=38)


def _can(ctx: Ctx) -> Widget:
    tr = ctx.tr
    digits = ctx.scratch.setdefault("can", "")

    def on_key(_: str, key: Any) -> None:
        ctx.scratch["can"] = _edit(ctx.scratch.get("can", ""), key, 6)
        ctx.rerender()

    shown = " ".join(digits.ljust(6, "_"))
    display = Card(size_hint_y=None, height=theme.px(170))
    display.add_widget(Text(shown, font=80, bold=True, halign="center"))
    notes = (*_tries(ctx), *_error(ctx, bool(digits)))
    if theme.elderly():
        # larger digits need the whole width: the picture above them, the page scrolls instead
        picture = AnchorLayout(size_hint_y=None, height=theme.px(DocumentPicture.HEIGHT))
        picture.add_widget(AccessNumberPicture())
        shown_parts: tuple[Widget, ...] = (picture, display, *notes)
    else:
        # the picture beside what was typed, so that the whole keypad fits on the screen
        typed = BoxLayout(orientation="vertical", spacing=theme.px(16))
        typed.add_widget(Widget())
        typed.add_widget(display)
        for part in notes:
            typed.add_widget(part)
        typed.add_widget(Widget())
        row = BoxLayout(size_hint_y=None, height=theme.px(DocumentPicture.HEIGHT), spacing=theme.px(24))
        row.add_widget(AccessNumberPicture())
        row.add_widget(typed)
        shown_parts = (row,)
    return page(
        tr("Your card's 6-digit number"),
        Text(tr("Find the 6-digit number printed on the photo side of your card, usually at the bottom "
                "right, as in the picture. It is not your ID number."), font=40),
        *shown_parts,
        keypad(on_key, height=90, **edit_keys(tr)),
        # the other way in shares the way out's row: every key stays above the fold in both languages
        actions=(_read_button(ctx, digits, len(digits) == 6),
                 grid(2, [button(ctx, tr("My card has no such number"), "key_mode", "mrz", color=theme.UNSELECTED,
                                 text_color=theme.TEXT, height=120, font=36), cancel_button(ctx)])),
        gap=16, margin_y=12,  # the picture and the keypad under the progress strip
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
        *_tries(ctx),
        *_error(ctx, any(values.values())),
        grid(1, fields, spacing=12),
        keypad(on_key, keys=keys if len(keys) > 12 else "1234567890C<", **edit_keys(tr)),
        button(ctx, tr("Use the 6-digit number instead"), "key_mode", "can", color=theme.UNSELECTED,
               text_color=theme.TEXT, height=110, font=36),
        actions=(button(ctx, tr("Read my card"), "submit_key", tuple(values[f] for f in MRZ_FIELDS),
                        color=theme.OK), cancel_button(ctx)),
    )
