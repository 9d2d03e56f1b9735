from __future__ import annotations

from kivy.graphics import Color, Line, RoundedRectangle
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import cancel_button, page
from kiosk.ui.theme import px
from kiosk.ui.widgets import Text


class CardPicture(Widget):
    """A card sliding onto a reader, drawn rather than shipped as an image."""

    def __init__(self, **kw: object) -> None:
        super().__init__(size_hint=(None, None), size=(px(640), px(520)), **kw)
        self.bind(pos=self._draw)

    def _draw(self, *_: object) -> None:
        self.canvas.clear()
        cx, y = self.center_x, self.y
        with self.canvas:
            Color(*theme.PRIMARY_DARK)
            RoundedRectangle(pos=(cx - px(300), y + px(20)), size=(px(600), px(160)), radius=[px(30)])
            Color(0.85, 0.72, 0.35, 1)
            RoundedRectangle(pos=(cx - px(220), y + px(150)), size=(px(440), px(280)), radius=[px(24)])
            Color(0.65, 0.5, 0.15, 1)
            RoundedRectangle(pos=(cx - px(160), y + px(300)), size=(px(90), px(70)), radius=[px(8)])
            Color(*theme.MUTED)
            Line(points=[cx, y + px(500), cx, y + px(450)], width=px(6))


def centred(widget: Widget) -> AnchorLayout:
    box = AnchorLayout(anchor_x="center", size_hint_y=None, height=widget.height)
    box.add_widget(widget)
    return box


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    return page(
        tr("Place your ID card on the reader"),
        Text(tr("Put your electronic ID card or passport flat on the reader below the screen and leave "
                "it there until the kiosk tells you to take it."), font=44),
        centred(CardPicture()),
        cancel_button(ctx),
    )
