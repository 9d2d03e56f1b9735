from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.messages import error_text
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, cancel_button, message


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    body = error_text(tr, ctx.view.error or "requested")
    if ctx.view.error and ctx.view.error != "requested":
        body += "\n\n" + tr("A member of staff has been called and will be with you shortly.")
    if ctx.view.take_card:
        body += "\n\n" + tr("Take your ID card off the reader and show it to the member of staff.")
    buttons = [button(ctx, tr("Continue by myself"), "resume")] if ctx.view.error == "requested" else []
    return message(ctx, tr("Help is on the way"), body, *buttons, cancel_button(ctx), color=theme.TEXT)
