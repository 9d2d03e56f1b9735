"""Pictures of the documents the kiosk reads, each on its reader, drawn with canvas instructions
rather than shipped as images (they scale with the window and carry no licence of their own).

Drawn simply, so that an applicant recognises their own document at a glance: the resident ID
card is a light card with the photo on the right and the chip's lines, lying on a flat reader;
the passport is a dark red booklet with the chip symbol, open on its photo page, on a reader pad.
A document whose reader is out of order is drawn faded.
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle
from kivy.uix.widget import Widget

from kiosk.ui.theme import px

READER = (0.22, 0.25, 0.30, 1)  # the reader's housing
READER_TOP = (0.32, 0.36, 0.42, 1)
CARD = (0.84, 0.91, 0.97, 1)  # the resident ID card's pale blue
CARD_LINE = (0.55, 0.65, 0.78, 1)
PHOTO = (0.70, 0.76, 0.84, 1)
BOOK = (0.48, 0.08, 0.12, 1)  # a passport's dark red cover
BOOK_EDGE = (0.36, 0.05, 0.09, 1)
GOLD = (0.86, 0.72, 0.36, 1)
WAVE = (0.12, 0.31, 0.60, 1)  # the "read here" waves
PRIMARY_DARK = (0.08, 0.21, 0.42, 1)  # printed digits
MARK = (0.85, 0.40, 0.0, 1)  # an orange ring: "look here", not an error


def _faded(rgba: tuple, faded: bool) -> tuple:
    if not faded:
        return rgba
    r, g, b, a = rgba
    grey = (r + g + b) / 3
    return (0.75 + grey * 0.2, 0.75 + grey * 0.2, 0.75 + grey * 0.2, a)


class DocumentPicture(Widget):
    """A fixed-size drawing; ``faded`` when the document cannot be read now."""

    WIDTH, HEIGHT = 400, 300

    def __init__(self, faded: bool = False, **kw: Any) -> None:
        super().__init__(size_hint=(None, None), size=(px(self.WIDTH), px(self.HEIGHT)), **kw)
        self.faded = faded
        self.bind(pos=self._draw, size=self._draw)

    def colour(self, rgba: tuple) -> Color:
        return Color(*_faded(rgba, self.faded))

    def _draw(self, *_: Any) -> None:
        self.canvas.clear()
        with self.canvas:
            self.draw(self.x, self.y)

    def draw(self, x: float, y: float) -> None:
        raise NotImplementedError

    def reader(self, x: float, y: float) -> None:
        """A flat reader seen slightly from above, with its read-here waves."""
        self.colour(READER)
        RoundedRectangle(pos=(x + px(10), y + px(10)), size=(px(380), px(110)), radius=[px(22)])
        self.colour(READER_TOP)
        RoundedRectangle(pos=(x + px(30), y + px(60)), size=(px(340), px(50)), radius=[px(14)])

    def waves(self, cx: float, top: float) -> None:
        self.colour(WAVE)
        for i, r in enumerate((8, 18, 28)):  # three arcs above the document, within the drawing
            Line(circle=(cx, top - px(8), px(r), -40, 40), width=px(4 - i))


class ResidentCardPicture(DocumentPicture):
    """A 居民身份证 (ISO ID-1 proportions, 85.6 x 54 mm) lying on the ID card reader."""

    def draw(self, x: float, y: float) -> None:
        self.reader(x, y)
        cw, ch = px(250), px(158)
        cx, cy = x + px(75), y + px(70)
        self.colour((0, 0, 0, 0.18))
        RoundedRectangle(pos=(cx + px(6), cy - px(6)), size=(cw, ch), radius=[px(14)])
        self.colour(CARD)
        RoundedRectangle(pos=(cx, cy), size=(cw, ch), radius=[px(14)])
        self.colour(PHOTO)  # the photo on the right, as on the card's front
        Rectangle(pos=(cx + px(168), cy + px(34)), size=(px(64), px(82)))
        self.colour(CARD_LINE)  # the holder's head and shoulders
        Ellipse(pos=(cx + px(184), cy + px(84)), size=(px(32), px(32)))
        RoundedRectangle(pos=(cx + px(176), cy + px(34)), size=(px(48), px(44)), radius=[px(20), px(20), 0, 0])
        self.colour(CARD_LINE)  # name, sex, birth, address and number lines
        for i, width in enumerate((70, 110, 120, 140, 140)):
            Rectangle(pos=(cx + px(18), cy + ch - px(30) - i * px(22)), size=(px(width), px(8)))
        Rectangle(pos=(cx + px(18), cy + px(14)), size=(px(210), px(10)))
        self.waves(x + px(200), y + px(236))


class PassportPicture(DocumentPicture):
    """A passport (its dark red cover, the national emblem's disc and the e-passport chip symbol)
    lying closed on the chip reader; an ICAO ID card is read the same way."""

    def draw(self, x: float, y: float) -> None:
        self.reader(x, y)
        bw, bh = px(170), px(222)
        bx, by = x + px(200) - bw / 2, y + px(42)
        self.colour((0, 0, 0, 0.18))
        RoundedRectangle(pos=(bx + px(6), by - px(6)), size=(bw, bh), radius=[px(12)])
        self.colour(BOOK_EDGE)  # the spine side
        RoundedRectangle(pos=(bx, by), size=(bw, bh), radius=[px(12)])
        self.colour(BOOK)
        RoundedRectangle(pos=(bx + px(8), by), size=(bw - px(8), bh), radius=[px(12)])
        self.colour(GOLD)
        cx = bx + bw / 2 + px(4)
        Rectangle(pos=(cx - px(44), by + bh - px(44)), size=(px(88), px(8)))  # the title line
        Line(circle=(cx, by + bh * 0.52, px(32)), width=px(3))  # the emblem
        Line(circle=(cx, by + bh * 0.52, px(20)), width=px(2))
        chip_w, chip_h = px(44), px(28)  # the e-passport symbol: a chip between two lines
        Line(rectangle=(cx - chip_w / 2, by + px(26), chip_w, chip_h), width=px(2.5))
        Ellipse(pos=(cx - px(7), by + px(26) + chip_h / 2 - px(7)), size=(px(14), px(14)))
        Line(points=[cx - chip_w / 2, by + px(26) + chip_h / 2, cx - px(7), by + px(26) + chip_h / 2], width=px(2))
        Line(points=[cx + px(7), by + px(26) + chip_h / 2, cx + chip_w / 2, by + px(26) + chip_h / 2], width=px(2))
        self.waves(x + px(200), y + px(272))


class AccessNumberPicture(DocumentPicture):
    """The photo side of an ID card with its 6-digit access number marked: where to look for the
    number the CAN step asks for (on ICAO ID cards it is printed at the bottom right)."""

    def draw(self, x: float, y: float) -> None:
        cw, ch = px(360), px(228)
        cx, cy = x + px(20), y + px(36)
        self.colour((0, 0, 0, 0.18))
        RoundedRectangle(pos=(cx + px(6), cy - px(6)), size=(cw, ch), radius=[px(16)])
        self.colour(CARD)
        RoundedRectangle(pos=(cx, cy), size=(cw, ch), radius=[px(16)])
        self.colour(PHOTO)  # the photo on the left
        Rectangle(pos=(cx + px(20), cy + px(60)), size=(px(90), px(120)))
        self.colour(CARD_LINE)
        Ellipse(pos=(cx + px(43), cy + px(130)), size=(px(44), px(44)))
        RoundedRectangle(pos=(cx + px(32), cy + px(60)), size=(px(66), px(62)), radius=[px(26), px(26), 0, 0])
        for i, width in enumerate((150, 190, 120, 170)):  # the printed data
            Rectangle(pos=(cx + px(130), cy + ch - px(44) - i * px(30)), size=(px(width), px(10)))
        # the access number: six digit-sized marks (no real digits, which someone might copy),
        # ringed, with an arrow pointing at them
        tw, th = px(6 * 20), px(30)
        bx, by = cx + cw - tw - px(26), cy + px(18)
        self.colour((1, 1, 1, 1))
        Rectangle(pos=(bx - px(6), by - px(4)), size=(tw + px(12), th + px(8)))
        self.colour(PRIMARY_DARK)
        for i in range(6):
            Rectangle(pos=(bx + i * px(20) + px(3), by), size=(px(13), th))
        self.colour(MARK)
        Line(rounded_rectangle=(bx - px(16), by - px(12), tw + px(32), th + px(24), px(10)), width=px(4))
        tip_x, tip_y = bx - px(18), by + th + px(12)
        Line(points=[tip_x - px(60), tip_y + px(56), tip_x, tip_y], width=px(4))  # the arrow
        Line(points=[tip_x - px(4), tip_y + px(26), tip_x, tip_y, tip_x - px(26), tip_y + px(4)], width=px(4))


PICTURES = {"resident_card": ResidentCardPicture, "passport": PassportPicture}


def picture(document: str, faded: bool = False) -> Widget:
    return PICTURES.get(document, PassportPicture)(faded=faded)
