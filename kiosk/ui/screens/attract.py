from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, centred
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
        box.add_widget(Text(line, font=44))
    box.add_widget(spacer(80))
    if ctx.view.ready:
        box.add_widget(button(ctx, tr("Touch here to start"), "start", color=theme.OK, height=220, font=64))
    else:
        box.add_widget(Text(tr("Preparing the kiosk..."), font=56, color=theme.MUTED, halign="center"))
    return centred(box)
