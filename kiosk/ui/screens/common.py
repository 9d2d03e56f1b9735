"""Layout pieces several screens share."""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.screens import Ctx
from kiosk.ui.theme import px
from kiosk.ui.widgets import Card, KioskButton, Text, scroller


def page(title: str, *parts: Widget, gap: float = 32, margin_y: float = 48) -> ScrollView:
    """Title and parts from the top down; scrolls only if a small display cannot hold them. A tall
    page may ask for less space between its parts (``gap``) and above and below (``margin_y``)."""
    box = BoxLayout(orientation="vertical", padding=(px(48), px(margin_y)), spacing=px(gap), size_hint_y=None)
    box.bind(minimum_height=box.setter("height"))
    box.add_widget(Text(title, font=64, bold=True, color=theme.PRIMARY_DARK))
    for p in parts:
        box.add_widget(p)
    scroll = scroller()
    scroll.add_widget(box)
    return scroll


def message(ctx: Ctx, title: str, body: str, *buttons: KioskButton, color: tuple = theme.TEXT) -> ScrollView:
    card = Card(size_hint_y=None)
    card.bind(minimum_height=card.setter("height"))
    card.add_widget(Text(body, font=44, color=color))
    return page(title, card, *buttons)


def centred(box: Widget) -> ScrollView:
    """``box`` (its height set) centred on the screen; scrolled when larger text makes it taller
    than the screen."""
    scroll = scroller()
    anchor = AnchorLayout(anchor_x="center", anchor_y="center", size_hint_y=None)

    def fit(*_: object) -> None:
        anchor.height = max(scroll.height, box.height)
    scroll.bind(height=fit)
    box.bind(height=fit)
    anchor.add_widget(box)
    scroll.add_widget(anchor)
    return scroll


def busy(title: str, body: str) -> ScrollView:
    """A screen that waits on a device: big, calm, nothing to press but the staff button."""
    inner = BoxLayout(orientation="vertical", spacing=px(40), size_hint=(0.9, None))
    inner.bind(minimum_height=inner.setter("height"))
    inner.add_widget(Text(title, font=64, bold=True, color=theme.PRIMARY_DARK, halign="center"))
    inner.add_widget(Text(body, font=44, color=theme.MUTED, halign="center"))
    return centred(inner)


def button(ctx: Ctx, text: str, action: str, value: object = None, **kw: object) -> KioskButton:
    return KioskButton(text, action, value, ctx.touch, **kw)  # type: ignore[arg-type]


def take_card_note(ctx: Ctx, text: str) -> Card:
    """A card-shaped reminder about the ID card still lying on its reader."""
    card = Card(size_hint_y=None)
    card.bind(minimum_height=card.setter("height"))
    card.add_widget(Text(text, font=48, bold=True, color=theme.PRIMARY_DARK))
    return card


def cancel_button(ctx: Ctx) -> KioskButton:
    return button(ctx, ctx.tr("Cancel and start again"), "cancel", color=theme.UNSELECTED,
                  text_color=theme.TEXT, height=120, font=38)
