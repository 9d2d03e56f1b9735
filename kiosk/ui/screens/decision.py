from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.proof import Proof
from kiosk.ui import theme
from kiosk.ui.messages import reason_text
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, cancel_button, page
from kiosk.ui.screens.outcome import licence_card
from kiosk.ui.widgets import Card, Text


def build(ctx: Ctx) -> Widget:
    tr, d = ctx.tr, ctx.session.decision
    if d is None:
        return page(tr("Decision"))
    if d.outcome == "approved":
        # the flow prints on its own after timeouts.decision_auto_advance; the button only starts it sooner
        issued = tr("Your licence has been issued. Printing starts by itself in a few seconds.")
        parts: list[Widget] = [Text(issued, font=48, color=theme.OK)]
        if d.licence is not None:
            parts.append(licence_card(ctx, Proof.of(d)))
        return page(tr("Approved"), *parts, actions=(button(ctx, tr("Print now"), "continue", color=theme.OK),))
    if d.outcome == "manual_review":
        card = Card(size_hint_y=None)
        card.bind(minimum_height=card.setter("height"))
        card.add_widget(Text(tr("Your application needs a check by staff. A receipt with your tracking "
                                "number prints by itself in a few seconds."), font=44))
        for code in d.reasons:
            card.add_widget(Text(reason_text(tr, code), font=38, color=theme.MUTED))
        return page(tr("Sent to manual review"), card, actions=(button(ctx, tr("Print now"), "continue",
                                                                       color=theme.OK),))
    card = Card(size_hint_y=None)
    card.bind(minimum_height=card.setter("height"))
    for code in d.reasons:
        card.add_widget(Text(reason_text(tr, code), font=42, color=theme.ACCENT))
    return page(tr("Some details must change before approval"), card,
                actions=(button(ctx, tr("Change my application"), "edit", color=theme.OK), cancel_button(ctx)))
