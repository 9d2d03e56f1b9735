"""A QR code as a Kivy texture: one texel per module, scaled up with nearest-neighbour filtering,
so the modules stay sharp at any size and a phone camera reads it off the screen."""

from __future__ import annotations

import qrcode
from kivy.graphics.texture import Texture
from kivy.uix.image import Image

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks


def matrix(text: str) -> list[list[bool]]:
    """The code's modules (True = dark), quiet zone included; medium error correction, which
    survives a smudged screen without making a short URL's code dense."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def texture(text: str) -> Texture:
    rows = matrix(text)
    n = len(rows)
    # Kivy's texture rows run bottom-up: the last matrix row goes first
    buf = bytes(v for row in reversed(rows) for dark in row for v in ((0, 0, 0, 255) if dark else (255,) * 4))
    tex = Texture.create(size=(n, n), colorfmt="rgba")
    tex.mag_filter = tex.min_filter = "nearest"
    tex.blit_buffer(buf, colorfmt="rgba", bufferfmt="ubyte")
    return tex


class QrImage(Image):
    """A square QR code of ``size_px`` (already scaled) carrying ``text``; ``qr_text`` lets tests and
    the autopilot read what it carries without decoding pixels."""

    def __init__(self, text: str, size_px: float, **kw: object) -> None:
        super().__init__(texture=texture(text), size_hint=(None, None), size=(size_px, size_px),
                         fit_mode="contain", **kw)
        self.qr_text = text
