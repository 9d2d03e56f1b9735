"""Separate consent for the ID chip data and for face data, as the privacy rules require."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, page
from kiosk.ui.widgets import CHECK, UNCHECKED, Card, KioskButton, Text


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    agreed = ctx.scratch.setdefault("consent", {"id": False, "face": False})

    def toggle(_: str, which: str) -> None:
        agreed[which] = not agreed[which]
        ctx.rerender()

    card = Card(size_hint_y=None)
    card.bind(minimum_height=card.setter("height"))
    card.add_widget(Text(tr("To issue your licence the kiosk reads your ID card's chip and compares your "
                            "face with the chip photo. Camera images stay in memory only and are deleted "
                            "when the check ends. Your data is sent only to the registration authority."),
                         font=40))
    for which, label in (("id", tr("I agree that my ID card data is used for this application")),
                         ("face", tr("I agree to a face check against my ID card photo"))):
        card.add_widget(KioskButton(f"{CHECK if agreed[which] else UNCHECKED}  {label}", "consent_toggle", which,
                                     toggle, selected=agreed[which], font=38, height=140))
    parts: list[Widget] = [card]
    if all(agreed.values()):
        parts.append(button(ctx, tr("Agree and continue"), "accept", color=theme.OK))
    else:
        parts.append(Text(tr("Please confirm both points to continue."), font=36, color=theme.MUTED))
    parts.append(button(ctx, tr("I do not agree"), "decline", color=theme.UNSELECTED, text_color=theme.TEXT,
                        height=120, font=38))
    return page(tr("Before we start"), *parts)
