from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.flow.machine import EXPIRED_CODES
from kiosk.ui import theme
from kiosk.ui.messages import error_text
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, cancel_button, message


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    body = error_text(tr, ctx.view.error)
    again = tr("Try again")
    expired = ctx.view.error in EXPIRED_CODES
    if expired:
        again = tr("Use another document")
    elif ctx.view.retry_step == "card":
        # a resident ID card reader finds a card only once per placement: lift it, then place it
        body += "\n\n" + tr("Take the card off the reader first, then place it again.")
    title = tr("This document cannot be used") if expired else tr("This step did not succeed")
    return message(ctx, title, body, button(ctx, again, "retry", color=theme.OK), cancel_button(ctx), color=theme.TEXT)
