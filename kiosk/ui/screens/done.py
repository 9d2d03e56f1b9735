from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, page, take_card_note
from kiosk.ui.widgets import Text


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    parts: list[Widget] = [Text(tr("Please take your document and your ID card."), font=52, color=theme.OK)]
    if ctx.view.take_card:  # the reader still feels the card: nobody should walk away without it
        parts.insert(0, take_card_note(ctx, tr("Your ID card is still on the reader. Please take it with you.")))
    if ctx.view.guidance:  # a tracking number is not personal data
        parts.append(Text(tr("Tracking number: {number}", number=ctx.view.guidance), font=48, bold=True))
    parts.append(Text(tr("Your personal data has been cleared from this kiosk."), font=38, color=theme.MUTED))
    parts.append(button(ctx, tr("Finish"), "finish"))
    return page(tr("Thank you"), *parts)
