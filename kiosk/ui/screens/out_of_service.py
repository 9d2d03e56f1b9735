from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.messages import error_text
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import for_staff, page
from kiosk.ui.widgets import Text


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    parts: list[Widget] = [Text(tr("This kiosk is temporarily out of service. A technician has been alerted."),
                                font=48)]
    if ctx.view.document_held:  # decided, but the print failed: staff print it, for this person only
        parts.append(Text(tr("If you just applied: your application has been decided. Your document was not "
                             "printed and will not be printed for anyone else. Please ask staff at the "
                             "counter: they will print it for you after checking your ID card."),
                          font=44, color=theme.OK))
    elif ctx.view.pending_txn:
        parts.append(Text(tr("If you just applied: your application is saved and will not be lost. "
                             "Please ask staff at the counter."), font=44, color=theme.OK))
    parts.append(Text(tr("Fault: {fault}", fault=error_text(tr, ctx.view.fault)), font=34, color=theme.MUTED))
    parts.append(for_staff(ctx, tr("Please quote this at the counter:"), [(tr("Code"), ctx.view.fault or "—")]))
    return page(tr("Out of service"), *parts)
