from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import busy


def build(ctx: Ctx) -> Widget:
    return busy(ctx.tr("Printing..."), ctx.tr("Your document is coming out of the printer below the screen."))
