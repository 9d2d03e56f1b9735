"""The outcome's facts as the decision and done screens show them: large, label above value, for
an applicant reading from arm's length, possibly for the first time and without glasses."""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.i18n import N_
from kiosk.proof import Proof, ProofLinks
from kiosk.ui import theme
from kiosk.ui.qr import QrImage
from kiosk.ui.screens import Ctx
from kiosk.ui.theme import px
from kiosk.ui.widgets import Card, Text

# after an individual business is registered: what the law asks next, in the order it comes due
NEXT_STEPS = (
    N_("Confirm your tax details at the tax office."),
    N_("Bank account: take this licence to a bank."),
    N_("File the annual report by 30 June every year."),
)
QR_SIZE = 270  # design px: a 60-character address is 37 modules (45 with the quiet zone), 6 px each on
# a 1080x1920 screen, which a phone reads from 30-40 cm
CARD_PADDING = (36, 24)  # design px, left-right and top-bottom: less than Card's 36 all round


def fact(label: str, value: str, size: float = 60) -> list[Widget]:
    return [Text(label, font=32, color=theme.MUTED), Text(value, font=size, bold=True, color=theme.TEXT)]


def compact_page(title: str, *parts: Widget) -> ScrollView:
    """common.page with less air between the parts: the done screen's facts fit a 1080x1920
    screen without scrolling, which a first-time applicant may not think of doing."""
    box = BoxLayout(orientation="vertical", padding=(px(40), px(32)), spacing=px(18), size_hint_y=None)
    box.bind(minimum_height=box.setter("height"))
    box.add_widget(Text(title, font=64, bold=True, color=theme.PRIMARY_DARK))
    for p in parts:
        box.add_widget(p)
    scroll = ScrollView(do_scroll_x=False, bar_width=px(12))
    scroll.add_widget(box)
    return scroll


def licence_card(ctx: Ctx, proof: Proof) -> Card:
    """The credit code and the business name: what the applicant copies onto forms next."""
    card = Card(size_hint_y=None, spacing=px(8), padding=[px(v) for v in CARD_PADDING])
    card.bind(minimum_height=card.setter("height"))
    for w in fact(ctx.tr("Unified Social Credit Code"), proof.uscc):
        card.add_widget(w)
    if proof.name:
        for w in fact(ctx.tr("Business name"), proof.name, size=52):
            card.add_widget(w)
    return card


def e_licence(ctx: Ctx, proof: Proof, links: ProofLinks) -> Widget | None:
    """The QR code of the electronic licence's verification page beside what it is for."""
    url = links.e_licence_url(proof.uscc)
    if not url:
        return None
    row = BoxLayout(size_hint_y=None, height=px(QR_SIZE), spacing=px(32))
    row.add_widget(QrImage(url, px(QR_SIZE)))
    side = AnchorLayout(anchor_y="center")
    side.add_widget(Text(ctx.tr("Scan this code with your phone to see your electronic licence."), font=44))
    row.add_widget(side)
    return row


def next_steps(ctx: Ctx) -> Card:
    card = Card(size_hint_y=None, spacing=px(10), padding=[px(v) for v in CARD_PADDING])
    card.bind(minimum_height=card.setter("height"))
    card.add_widget(Text(ctx.tr("What to do next"), font=44, bold=True, color=theme.PRIMARY_DARK))
    for i, step in enumerate(NEXT_STEPS, 1):
        # the number in a column of its own: Kivy wraps at spaces, and would part "1." from
        # Chinese text (which has none)
        row = BoxLayout(size_hint_y=None, spacing=px(12))
        text = Text(ctx.tr(step), font=40)
        row.add_widget(Text(f"{i}.", font=40, bold=True, size_hint_x=None, width=px(52), pos_hint={"top": 1}))
        row.add_widget(text)
        text.bind(height=row.setter("height"))
        card.add_widget(row)
    return card


def referral_card(ctx: Ctx, proof: Proof, links: ProofLinks) -> Card:
    """The tracking number, and where to ask about the application with it."""
    card = Card(size_hint_y=None, spacing=px(8), padding=[px(v) for v in CARD_PADDING])
    card.bind(minimum_height=card.setter("height"))
    for w in fact(ctx.tr("Tracking number"), proof.tracking_number):
        card.add_widget(w)
    card.add_widget(Widget(size_hint_y=None, height=px(12)))
    card.add_widget(Text(ctx.tr("Staff will check your application. Keep your receipt and use this number "
                                "to ask about it."), font=40))
    card.add_widget(Widget(size_hint_y=None, height=px(12)))
    card.add_widget(Text(ctx.tr("Where to ask"), font=36, color=theme.MUTED))
    # the configured counter or phone, else the one place every hall has
    card.add_widget(Text(links.enquiries or ctx.tr("The registration counter in this hall."), font=44, bold=True))
    return card
