from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import busy


def build(ctx: Ctx) -> Widget:
    return busy(ctx.tr("Submitting your application..."), ctx.tr("The registration authority is checking it."))
