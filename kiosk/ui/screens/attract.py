from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, centred, pinned
from kiosk.ui.theme import px
from kiosk.ui.widgets import Text, spacer


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    box = BoxLayout(orientation="vertical", padding=px(72), spacing=px(40), size_hint=(1, None))
    box.bind(minimum_height=box.setter("height"))
    box.add_widget(Text(tr("Individual business licence"), font=88, bold=True, color=theme.PRIMARY_DARK,
                        halign="center"))
    box.add_widget(Text(tr("Self-service: get your licence in minutes"), font=48, color=theme.MUTED,
                        halign="center"))
    box.add_widget(spacer(80))
    for line in (tr("1. Place your ID card or passport on its reader"), tr("2. Look at the camera"),
                 tr("3. Pick your business details"), tr("4. Take your printed licence")):
        box.add_widget(_numbered(line))
    if not ctx.view.ready:
        box.add_widget(spacer(80))
        box.add_widget(Text(tr("Preparing the kiosk..."), font=56, color=theme.MUTED, halign="center"))
        return centred(box)
    # pinned like every screen's way forward: in view even when larger text makes the page scroll
    return pinned(centred(box), (button(ctx, tr("Touch here to start"), "start", color=theme.OK, height=220,
                                        font=64),))


def _numbered(line: str) -> Widget:
    """"1. Text" with a hanging indent: a wrapped step continues under its text, not under its
    number (Chinese has no spaces, so one label would break after the number instead)."""
    number, sep, text = line.partition(" ")
    if not (sep and number.rstrip(".").isdigit()):
        return Text(line, font=44)
    row = BoxLayout(size_hint_y=None, spacing=px(12))
    mark = Text(number, font=44, size_hint_x=None, width=theme.font_px(44) * 1.4, pos_hint={"top": 1})
    body = Text(text, font=44, pos_hint={"top": 1})
    row.add_widget(mark)
    row.add_widget(body)

    def fit(*_: object) -> None:
        row.height = max(mark.height, body.height)
    body.bind(height=fit)
    mark.bind(height=fit)
    fit()
    return row
