"""1-bit Pillow image -> ESC/POS job bytes (GS v 0 raster in slices of at most 256 rows).

Hand-written rather than python-escpos 3.1's ``image()``: that path converts and re-scans the
bitmap pixel by pixel (~30x slower on a 576x1200 licence, measured in benchmarks/bench_print.py),
its ``graphics`` mode (GS ( L) announces a wrapped 16-bit length for images over ~64 KB, and
``center=True`` pads tall images with black. Packing with numpy is one ``packbits`` call.
Slices of <= 256 rows keep every command inside the receive buffer of small printers.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from drivers.printer.commands import INIT, feed_and_cut
from drivers.printer.profiles import PrinterProfile

MAX_SLICE_ROWS = 256


def image_dots(img: Image.Image) -> np.ndarray:
    """Boolean array, True = dot to burn (black), width padded to a whole byte."""
    if img.mode != "1":
        raise ValueError(f"raster needs a 1-bit image, got mode {img.mode!r}")
    dots = ~np.asarray(img, dtype=bool)
    pad = (-dots.shape[1]) % 8
    if pad:
        dots = np.pad(dots, ((0, 0), (0, pad)))
    return dots


def encode_raster(img: Image.Image, slice_rows: int = MAX_SLICE_ROWS) -> bytes:
    """GS v 0 commands that print ``img`` exactly, top to bottom."""
    if not 1 <= slice_rows <= MAX_SLICE_ROWS:
        raise ValueError(f"slice_rows must be 1..{MAX_SLICE_ROWS}")
    dots = image_dots(img)
    packed = np.packbits(dots, axis=1)
    h, xb = packed.shape
    out = bytearray()
    for y in range(0, h, slice_rows):
        part = packed[y : y + slice_rows]
        n = part.shape[0]
        out += b"\x1dv0\x00" + bytes((xb & 0xFF, xb >> 8, n & 0xFF, n >> 8))
        out += part.tobytes()
    return bytes(out)


def build_job(img: Image.Image, profile: PrinterProfile) -> bytes:
    """A whole job: reset, image, feed past the cutter, cut, then presenter bytes if any."""
    if img.width > profile.width_dots:
        raise ValueError(f"image is {img.width} dots wide, paper {profile.width_dots}")
    return INIT + encode_raster(img) + feed_and_cut(profile.feed_before_cut_dots, partial=False) + profile.presenter
