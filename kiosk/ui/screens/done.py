from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.screens import FULL_HEIGHT, Ctx
from kiosk.ui.screens.common import button, take_card_note
from kiosk.ui.screens.outcome import compact_page, e_licence, licence_card, next_steps, referral_card
from kiosk.ui.widgets import Text


def build(ctx: Ctx) -> Widget:
    tr, proof = ctx.tr, ctx.view.proof
    parts: list[Widget] = []
    if ctx.view.take_card:  # the reader still feels the card: nobody should walk away without it
        parts.append(take_card_note(ctx, tr("Your ID card is still on the reader. Please take it with you.")))
    if proof is not None and proof.outcome == "approved" and proof.uscc:
        title = tr("Your licence is issued")
        if not ctx.view.take_card:  # else the note above says it, louder
            parts.append(Text(tr("Please take your licence and your ID card."), font=48, color=theme.OK))
        parts.append(licence_card(ctx, proof))
        qr = e_licence(ctx, proof, ctx.links)
        if qr is not None:
            parts.append(qr)
        parts.append(next_steps(ctx))
    elif proof is not None and proof.tracking_number:
        title = tr("Your application is received")
        parts.append(Text(tr("Please take your receipt and your ID card."), font=48, color=theme.OK))
        parts.append(referral_card(ctx, proof, ctx.links))
    else:
        title = tr("Thank you")
        parts.append(Text(tr("Please take your document and your ID card."), font=52, color=theme.OK))
        if ctx.view.guidance:  # a tracking number is not personal data
            parts.append(Text(tr("Tracking number: {number}", number=ctx.view.guidance), font=48, bold=True))
    parts.append(Text(tr("Your personal data has been cleared from this kiosk."), font=38, color=theme.MUTED))
    parts.append(button(ctx, tr("Finish"), "finish", color=theme.OK))
    view = compact_page(title, *parts)
    # every step is behind the applicant: the code, the QR code and the next steps get the
    # strip's height and fit without scrolling
    setattr(view, FULL_HEIGHT, True)
    return view
