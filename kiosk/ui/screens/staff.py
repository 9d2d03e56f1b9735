"""Help is on the way: what went wrong in the applicant's words, and for the member of staff who
comes over, the error code, the step it stopped at, the kiosk and the time."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.i18n import N_
from kiosk.ui import theme
from kiosk.ui.messages import error_text
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, cancel_button, for_staff, message

# the flow's states in words staff and applicant share; the state's own name follows for the logs
STEP_NAMES = {
    "consent": N_("Consent"),
    "card_wait": N_("Reading the ID document"),
    "card_access": N_("Reading the ID document"),
    "card_read": N_("Reading the ID document"),
    "retry": N_("Trying a step again"),
    "face_check": N_("Face check"),
    "form": N_("Filling in the application"),
    "review": N_("Checking the application"),
    "submit": N_("Submitting the application"),
    "decision": N_("The decision"),
    "printing": N_("Printing the licence"),
    "done": N_("Finished"),
}


def build(ctx: Ctx) -> Widget:
    tr, v = ctx.tr, ctx.view
    body = error_text(tr, v.error or "requested")
    if v.error and v.error != "requested":
        body += "\n\n" + tr("A member of staff has been called and will be with you shortly.")
    if v.take_card:
        body += "\n\n" + tr("Take your ID card off the reader and show it to the member of staff.")
    buttons = [button(ctx, tr("Continue by myself"), "resume", color=theme.OK)] if v.error == "requested" else []
    step = f"{tr(STEP_NAMES[v.stopped_at])} ({v.stopped_at})" if v.stopped_at in STEP_NAMES else v.stopped_at or "—"
    staff = for_staff(ctx, tr("For staff"), [(tr("Code"), v.error or "requested"), (tr("Step"), step)])
    return message(ctx, tr("Help is on the way"), body, *buttons, cancel_button(ctx), color=theme.TEXT,
                   extra=(staff,))
