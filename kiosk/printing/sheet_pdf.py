"""The licence as a PDF for pre-printed stock: variable fields at the layout's millimetres, the
CJK font subset embedded, the verification QR code as vector modules.

fpdf2 (LGPL-3.0, used unmodified as a library) rather than reportlab: reportlab embeds only
TrueType outlines, and Noto CJK, the one font here that covers Extension A/B name characters
(𠮷, 䶮), has CFF outlines; fpdf2 subsets it with fontTools into a CID-keyed Type 0 font.
``plain=True`` also draws what the stock carries (frame, title, emblem outline, the public
system's address), for previews and tests on plain paper. The national emblem's artwork is not
reproduced: its place is an outline labelled 国徽.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

from drivers.registry.models import Licence
from kiosk.fonts import cjk_font_path, font_dir
from kiosk.printing.layout import LayoutError, check_coverage, qr_matrix, wrap, zh_date
from kiosk.printing.sheet_layout import FieldSpec, FixedText, Layout

PT_MM = 25.4 / 72
SERIF_TTC = {"Regular": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
             "Bold": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")}
SC_FACE_INDEX = 2
SHRINK_STEP_PT = 0.5
FIXED_DATE = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)  # PDF dates: the same bytes for the same licence


@dataclass(frozen=True)
class Placed:
    """Where one field's text went, in mm on the page (offsets included): for tests and docs."""

    name: str
    size_pt: float
    lines: tuple[str, ...]
    boxes: tuple[tuple[float, float, float, float], ...]  # per line: x, top, width, em height


@dataclass(frozen=True)
class RenderedSheet:
    pdf: bytes
    placed: dict[str, Placed]
    qr_box: tuple[float, float, float]  # x, y, size in mm, quiet zone included
    qr_module_mm: float


def serif_font_path(weight: str = "Regular") -> Path:
    """Noto Serif CJK SC (a Song face, as licences are set in) extracted from Debian's .ttc."""
    target = font_dir() / f"NotoSerifCJKsc-{weight}.otf"
    if target.exists():
        return target
    source = SERIF_TTC[weight]
    if not source.exists():
        raise FileNotFoundError(f"CJK serif font {source} is missing: install Debian's fonts-noto-cjk")
    from fontTools.ttLib import TTCollection

    face = TTCollection(str(source), lazy=True).fonts[SC_FACE_INDEX]
    family = face["name"].getDebugName(1) or ""
    if "SC" not in family:
        raise RuntimeError(f"face {SC_FACE_INDEX} of {source} is {family!r}, not Simplified Chinese")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    face.recalcTimestamp = False
    face.save(str(tmp))
    tmp.replace(target)
    return target


def font_paths(family: str) -> tuple[Path, Path]:
    if family == "serif":
        return serif_font_path("Regular"), serif_font_path("Bold")
    return cjk_font_path("Regular"), cjk_font_path("Bold")


@lru_cache(maxsize=4)
def ascent_em(path: str) -> float:
    """Top of the ideographic em box above the baseline, in em (0.88 for Noto CJK)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as f:
        return f["OS/2"].sTypoAscender / f["head"].unitsPerEm


class _Measure:
    """The width function layout.wrap expects (``getlength``), in mm with the PDF's current font."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def getlength(self, text: str) -> float:
        return self.pdf.get_string_width(text)


def field_values(lic: Licence) -> dict[str, str]:
    """The text of every field, as printed."""
    try:
        date = zh_date(lic.registration_date)
    except ValueError as exc:
        raise LayoutError("registration_date is not an ISO date") from exc
    if not lic.uscc:
        raise LayoutError("licence without 统一社会信用代码")
    return {"uscc": lic.uscc, "name": lic.name or "—", "entity_type": lic.entity_type, "operator": lic.operator,
            "composition": lic.composition, "premises": lic.premises, "scope": lic.scope,
            "registration_date": date, "authority": lic.authority, "issue_date": date}


class _Page:
    def __init__(self, layout: Layout) -> None:
        stock = layout.stock
        self.layout = layout
        self.dx, self.dy = stock.offset_x_mm, stock.offset_y_mm
        landscape = stock.width_mm > stock.height_mm
        fmt = (min(stock.width_mm, stock.height_mm), max(stock.width_mm, stock.height_mm))
        pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format=fmt)
        pdf.set_creation_date(FIXED_DATE)
        pdf.set_title(stock.title)
        pdf.set_producer("licence-kiosk")
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        self.regular, self.bold = font_paths(layout.fonts.family)
        pdf.add_font("cjk", "", str(self.regular))  # parsing a CJK font costs ~1.5 s: bold only if used
        self._bold_added = False
        pdf.add_page()
        self.pdf = pdf
        self.ascent = ascent_em(str(self.regular))

    def font(self, size_pt: float, bold: bool) -> None:
        if bold and not self._bold_added:
            self.pdf.add_font("cjk", "B", str(self.bold))
            self._bold_added = True
        self.pdf.set_font("cjk", "B" if bold else "", size_pt)

    def line(self, text: str, x: float, top: float, size_pt: float, bold: bool, align: str = "left",
             width: float = 0.0, spacing: float = 0.0) -> tuple[float, float, float, float]:
        """One line with the top of its em box at ``top``; returns its box (x, top, w, em)."""
        self.font(size_pt, bold)
        w = self.pdf.get_string_width(text) + spacing * max(0, len(text) - 1)
        if align == "center":
            x = x + (width - w) / 2 if width else x - w / 2
        elif align == "right":
            x = x + width - w if width else x - w
        base = top + self.ascent * size_pt * PT_MM
        if spacing:
            cx = x
            for ch in text:
                self.pdf.text(cx + self.dx, base + self.dy, ch)
                cx += self.pdf.get_string_width(ch) + spacing
        else:
            self.pdf.text(x + self.dx, base + self.dy, text)
        return (x + self.dx, top + self.dy, w, size_pt * PT_MM)

    def spread(self, text: str, x: float, top: float, width: float, size_pt: float, bold: bool) -> None:
        """A label's characters spread over ``width`` (名　　称 level with 经营范围)."""
        self.font(size_pt, bold)
        if len(text) < 2 or not width:
            self.line(text, x, top, size_pt, bold)
            return
        natural = self.pdf.get_string_width(text)
        gap = max(0.0, (width - natural) / (len(text) - 1))
        self.line(text, x, top, size_pt, bold, spacing=gap)

    def field(self, name: str, spec: FieldSpec, value: str) -> Placed:
        measure = _Measure(self.pdf)
        size = spec.size_pt
        while True:
            self.font(size, spec.bold)
            lines = wrap(value, measure, spec.w_mm)  # type: ignore[arg-type]
            em = size * PT_MM
            height = (len(lines) - 1) * em * spec.line_spacing + em
            if len(lines) <= spec.max_lines and height <= spec.h_mm + 1e-6:
                break
            if size - SHRINK_STEP_PT < spec.min_size_pt - 1e-6:
                raise LayoutError(f"field {name} needs {len(lines)} lines at {size:g} pt: it does not fit its "
                                  f"{spec.w_mm:g} x {spec.h_mm:g} mm box")
            size -= SHRINK_STEP_PT
        if spec.label:
            top = spec.y_mm if spec.label_y_mm < 0 else spec.label_y_mm
            self.spread(spec.label, spec.label_x_mm, top, spec.label_width_mm, spec.label_size_pt, spec.label_bold)
        boxes = [self.line(text, spec.x_mm, spec.y_mm + k * size * PT_MM * spec.line_spacing, size, spec.bold,
                           spec.align, spec.w_mm) for k, text in enumerate(lines)]
        return Placed(name, size, tuple(lines), tuple(boxes))

    def qr(self, payload: str) -> float:
        spec = self.layout.qr
        matrix = qr_matrix(payload)
        module = spec.size_mm / len(matrix)
        if module < spec.min_module_mm:
            raise LayoutError(f"QR code needs {len(matrix)} modules: {module:.3f} mm each in {spec.size_mm:g} mm, "
                              f"under the layout's {spec.min_module_mm:g} mm")
        self.pdf.set_fill_color(0)
        x0, y0 = spec.x_mm + self.dx, spec.y_mm + self.dy
        for r, row in enumerate(matrix):
            c = 0
            while c < len(row):  # one rectangle per run of dark modules: smaller file, no seams in a row
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                self.pdf.rect(x0 + start * module, y0 + r * module, (c - start) * module, module, style="F")
        return module

    def plain(self) -> None:
        """What the stock carries, for plain paper."""
        pdf = self.pdf
        pdf.set_draw_color(0)
        for rect in self.layout.rects:
            pdf.set_line_width(rect.line_mm)
            pdf.rect(rect.x_mm + self.dx, rect.y_mm + self.dy, rect.w_mm, rect.h_mm)
        for circle in self.layout.circles:
            pdf.set_line_width(circle.line_mm)
            if circle.dashed:
                pdf.set_dash_pattern(dash=1.5, gap=1.0)
            pdf.circle(circle.cx_mm + self.dx, circle.cy_mm + self.dy, circle.r_mm)
            pdf.set_dash_pattern()
            if circle.label:
                self.line(circle.label, circle.cx_mm, circle.cy_mm - 2.0, 8.0, False, "center")
        for t in self.layout.texts:
            self.fixed(t)

    def fixed(self, t: FixedText) -> None:
        self.line(t.text, t.x_mm, t.y_mm, t.size_pt, t.bold, t.align, spacing=t.spacing_mm)


def render_sheet(lic: Licence, layout: Layout, *, plain: bool = False) -> RenderedSheet:
    """The licence on ``layout``'s stock as PDF bytes. LayoutError for a character the font
    lacks, a value that does not fit its box, or a QR code too dense for its square."""
    values = field_values(lic)
    page = _Page(layout)
    labels = "".join(spec.label for spec in layout.fields.values())
    fixed = "".join(t.text for t in layout.texts) + "".join(c.label for c in layout.circles) if plain else ""
    check_coverage("".join(values.values()) + labels + fixed, page.regular)
    if plain:
        page.plain()
    placed = {name: page.field(name, layout.fields[name], values[name]) for name in layout.fields}
    module = page.qr(lic.qr_payload)
    q = layout.qr
    return RenderedSheet(bytes(page.pdf.output()), placed, (q.x_mm + page.dx, q.y_mm + page.dy, q.size_mm), module)
