"""Measuring a printed licence PDF as a person would look at it: rendered with poppler's pdftoppm,
ink found per field, the QR code read back with zxing-cpp, the text with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.printing.sheet_layout import Layout

MM_PER_INCH = 25.4


def need_poppler() -> None:
    for tool in ("pdftoppm", "pdftotext", "pdffonts"):
        if shutil.which(tool) is None:
            import os

            message = f"{tool} is missing: install Debian's poppler-utils (scripts/bootstrap.sh test)"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)


def render(pdf: bytes, dpi: int, layout: Layout) -> np.ndarray:
    """Page 1 as greyscale pixels, turned back to the licence's reading orientation (CUPS puts a
    landscape page on portrait media a quarter turn counter-clockwise)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(src), str(Path(tmp) / "out")],
                       check=True, timeout=120)
        img = Image.open(Path(tmp) / "out.png").convert("L")
        img.load()
    landscape = layout.stock.width_mm > layout.stock.height_mm
    if (img.width > img.height) != landscape:
        img = img.rotate(-90, expand=True)
    return np.asarray(img)


def ink_box(pixels: np.ndarray, dpi: int, x: float, y: float, w: float, h: float,
            margin: float) -> tuple[float, float, float, float] | None:
    """Bounding box in mm (left, top, right, bottom) of the dark pixels within the box grown by
    ``margin`` mm; None when it is blank."""
    px = dpi / MM_PER_INCH
    x0, y0 = max(0, int((x - margin) * px)), max(0, int((y - margin) * px))
    x1, y1 = int((x + w + margin) * px), int((y + h + margin) * px)
    region = pixels[y0:y1, x0:x1] < 128
    rows, cols = np.nonzero(region.any(axis=1))[0], np.nonzero(region.any(axis=0))[0]
    if rows.size == 0:
        return None
    return ((x0 + cols[0]) / px, (y0 + rows[0]) / px, (x0 + cols[-1] + 1) / px, (y0 + rows[-1] + 1) / px)


def check_fields(pixels: np.ndarray, dpi: int, layout: Layout, tolerance: float = 1.0,
                 skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Every field's ink starts within ``tolerance`` mm of its box's top-left corner (left-aligned
    fields) and stays inside the box; returns the measured boxes for the report."""
    dx, dy = layout.stock.offset_x_mm, layout.stock.offset_y_mm
    measured = {}
    for name, spec in layout.fields.items():
        if name in skip:
            continue
        x, y = spec.x_mm + dx, spec.y_mm + dy
        ink = ink_box(pixels, dpi, x, y, spec.w_mm, spec.h_mm, margin=2.0)
        assert ink is not None, f"{name}: nothing printed in its box"
        left, top, right, bottom = ink
        if spec.align == "left":
            assert abs(left - x) <= tolerance, f"{name}: ink starts at x = {left:.2f} mm, layout {x:g}"
        assert abs(top - y) <= tolerance, f"{name}: ink starts at y = {top:.2f} mm, layout {y:g}"
        assert right <= x + spec.w_mm + tolerance, f"{name}: ink reaches x = {right:.2f} mm, box ends {x + spec.w_mm:g}"
        assert bottom <= y + spec.h_mm + tolerance, f"{name}: ink reaches y = {bottom:.2f}, box ends {y + spec.h_mm:g}"
        measured[name] = ink
    return measured


def read_qr(pixels: np.ndarray, dpi: int) -> tuple[str, tuple[float, float]]:
    """The QR code's text and its symbol's top-left corner in mm."""
    import zxingcpp

    found = [b for b in zxingcpp.read_barcodes(pixels) if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, f"{len(found)} QR codes found"
    pos = found[0].position
    xs = [p.x for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)]
    ys = [p.y for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)]
    px = dpi / MM_PER_INCH
    return found[0].text, (min(xs) / px, min(ys) / px)


def pdf_text(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True, check=True,
                              timeout=60).stdout


def pdf_fonts(pdf: bytes) -> list[list[str]]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True, timeout=60).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def squeeze(text: str) -> str:
    return "".join(text.split())
