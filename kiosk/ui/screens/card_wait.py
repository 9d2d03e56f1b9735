"""Place your document: a picture of each document the kiosk can read, on its own reader.

The applicant puts down whatever they carry; the kiosk knows which reader it is on. A document
whose reader is out of order is shown faded with a word to ask staff, so nobody waits in vain.
"""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.i18n import N_
from kiosk.ui import theme
from kiosk.ui.document_pictures import DocumentPicture, picture
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import cancel_button, page
from kiosk.ui.theme import px
from kiosk.ui.widgets import Card, Text

# document family -> (what it is, where it goes, what else is read the same way)
DOCUMENTS = {
    "resident_card": (N_("Resident ID card (居民身份证)"),
                      N_("Lay it flat on the ID card reader. No number to type."),
                      N_("Also: foreign permanent resident ID card, residence permit for Hong Kong, Macao and "
                         "Taiwan residents.")),
    "passport": (N_("Passport or electronic ID card"), N_("Lay it flat on the passport reader."), ""),
}
ORDER = ("resident_card", "passport")


def document_panel(ctx: Ctx, document: str, working: bool) -> Card:
    """The picture beside what the document is and where it goes."""
    tr = ctx.tr
    title, how, also = DOCUMENTS[document]
    stacked = theme.elderly()  # larger words need the card's whole width: under the picture
    card = Card(orientation="vertical" if stacked else "horizontal", size_hint_y=None, spacing=px(28),
                padding=px(28))
    pic = picture(document, faded=not working)
    holder = AnchorLayout(anchor_y="center", size_hint=(1 if stacked else None, None if stacked else 1),
                          width=px(DocumentPicture.WIDTH), height=px(DocumentPicture.HEIGHT))
    holder.add_widget(pic)
    words = BoxLayout(orientation="vertical", spacing=px(12), size_hint_y=None)
    words.bind(minimum_height=words.setter("height"))
    words.add_widget(Text(tr(title), font=46, bold=True, color=theme.PRIMARY_DARK if working else theme.MUTED))
    if working:
        words.add_widget(Text(tr(how), font=38, color=theme.TEXT))
        if also:
            words.add_widget(Text(tr(also), font=32, color=theme.MUTED))
    else:
        words.add_widget(Text(tr("This reader is out of order. Please ask staff for help."), font=36,
                              color=theme.ACCENT))
    beside = AnchorLayout(anchor_y="center", size_hint_y=None if stacked else 1)  # the words centred, however few
    beside.add_widget(words)
    card.add_widget(holder)
    card.add_widget(beside)

    def fit(*_: object) -> None:
        beside.height = words.height
        card.height = (px(DocumentPicture.HEIGHT) + px(28) + words.height if stacked
                       else max(px(DocumentPicture.HEIGHT), words.height)) + px(56)
    words.bind(height=fit)
    fit()
    return card


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    view = ctx.view
    shown = [d for d in ORDER if d in view.documents or d in view.documents_down]
    panels = [document_panel(ctx, d, d in view.documents) for d in shown]
    return page(
        tr("Place your ID document"),
        Text(tr("Put one of these documents on its reader below the screen and leave it there until the "
                "screen says you can take it."), font=44),
        *panels,
        cancel_button(ctx),
        gap=24, margin_y=12,  # the whole page, down to "cancel", under the progress strip in English too
    )
