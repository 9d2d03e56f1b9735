"""Layout pieces several screens share."""

from __future__ import annotations

import time

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.flow.states import State
from kiosk.i18n import Translator
from kiosk.ui import theme
from kiosk.ui.screens import Ctx
from kiosk.ui.theme import px
from kiosk.ui.widgets import Card, KioskButton, Text, fill, scroller


def page(title: str, *parts: Widget, gap: float = 32, margin_y: float = 48,
         actions: tuple[Widget, ...] = ()) -> Widget:
    """Title and parts from the top down; they scroll only if a small display cannot hold them.
    A tall page may ask for less space between its parts (``gap``) and above and below
    (``margin_y``). ``actions`` (the way forward and the way out) stay pinned at the bottom,
    always in view."""
    box = BoxLayout(orientation="vertical", padding=(px(48), px(margin_y)), spacing=px(gap), size_hint_y=None)
    box.bind(minimum_height=box.setter("height"))
    box.add_widget(Text(title, font=64, bold=True, color=theme.PRIMARY_DARK))
    for p in parts:
        box.add_widget(p)
    scroll = scroller()
    scroll.add_widget(box)
    return pinned(scroll, actions)


def pinned(scroll: Widget, actions: tuple[Widget, ...]) -> Widget:
    """A scrolling body above a bar of actions that never scrolls: a long page never hides its
    buttons below the fold or half under the staff bar."""
    if not actions:
        return scroll
    column = BoxLayout(orientation="vertical")
    column.add_widget(scroll)
    bar = BoxLayout(orientation="vertical", size_hint_y=None, spacing=px(16),
                    padding=(px(48), px(16), px(48), px(16)))
    bar.bind(minimum_height=bar.setter("height"))
    for a in actions:
        bar.add_widget(a)
    fill(bar, theme.shade(theme.BG))
    column.add_widget(bar)
    return column


def message(ctx: Ctx, title: str, body: str, *buttons: KioskButton, color: tuple = theme.TEXT,
            extra: tuple[Widget, ...] = ()) -> Widget:
    card = Card(size_hint_y=None)
    card.bind(minimum_height=card.setter("height"))
    card.add_widget(Text(body, font=44, color=color))
    return page(title, card, *extra, actions=buttons)


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


def idle_warning(tr: Translator, state: State, seconds: int) -> str:
    """What the idle countdown says: what is lost when it runs out, and how to keep going."""
    if state is State.RATING:  # the applicant's data are gone already: only the rating is lost
        return tr("To continue, tap the button below. Otherwise the kiosk goes back to the start "
                  "in {seconds} s.", seconds=seconds)
    return tr("To continue, tap the button below. Otherwise the information you entered will be "
              "cleared in {seconds} s.", seconds=seconds)


def for_staff(ctx: Ctx, title: str, rows: list[tuple[str, str]]) -> Card:
    """A panel of what staff or the counter need to identify the case: codes as they are (stable,
    searchable in the logs), the kiosk's id, and the time it happened (first shown, wall clock)."""
    seen = ctx.scratch.setdefault("staff_time", time.strftime("%Y-%m-%d %H:%M"))
    card = Card(size_hint_y=None, padding=px(28), spacing=px(8))
    card.bind(minimum_height=card.setter("height"))
    card.add_widget(Text(title, font=36, bold=True, color=theme.PRIMARY_DARK))
    for label, value in [*rows, (ctx.tr("Kiosk"), ctx.kiosk_id), (ctx.tr("Time"), seen)]:
        card.add_widget(Text(ctx.tr("{label}: {value}", label=label, value=value), font=36))
    return card
