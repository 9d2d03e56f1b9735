from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import busy


def build(ctx: Ctx) -> Widget:
    return busy(ctx.tr("Reading your card..."),
                ctx.tr("Keep the card on the reader. This takes a few seconds."))
