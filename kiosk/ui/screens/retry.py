from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.messages import error_text
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, cancel_button, message


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    return message(ctx, tr("That did not work"), error_text(tr, ctx.view.error),
                   button(ctx, tr("Try again"), "retry"), cancel_button(ctx), color=theme.ACCENT)
