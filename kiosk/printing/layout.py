"""Licence and referral-receipt layouts: records in, 1-bit images at the paper's dot width out.

The whole printout is one bitmap drawn with Noto Sans CJK SC: printer-resident fonts stop at
GBK and python-escpos's Chinese text mode turns Extension A/B name characters (𠮷, 䶮) into `?`.
Text is thresholded, never dithered, so strokes stay crisp on a thermal head. A character the font
does not cover raises LayoutError instead of printing a box on a legal document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
import qrcode.exceptions
from PIL import Image, ImageDraw, ImageFont
from qrcode.util import MODE_ALPHA_NUM, QRData

from drivers.errors import PrinterJobError
from drivers.registry.models import Decision, Licence
from kiosk.fonts import cjk_font_path

MARGIN = 16
QR_ALPHABET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")  # == Base45's alphabet
NO_LINE_START = set("，。、；：？！）》」』”’,.;:?!)%")


class LayoutError(PrinterJobError):
    """The record cannot be laid out faithfully (uncovered character, bad QR payload): the
    applicant needs staff, the kiosk itself is fine."""

    code = "printer_layout_error"


@dataclass(frozen=True)
class Fonts:
    regular: Path
    bold: Path

    @classmethod
    def default(cls) -> Fonts:
        return cls(cjk_font_path("Regular"), cjk_font_path("Bold"))


@lru_cache(maxsize=32)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=4)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as f:
        return frozenset(f.getBestCmap())


def check_coverage(text: str, font_path: Path) -> None:
    """LayoutError naming the code points the font lacks (never the text: it may be a name)."""
    cmap = _cmap(str(font_path))
    missing = sorted({ord(c) for c in text if not c.isspace() and ord(c) not in cmap})
    if missing:
        raise LayoutError("font lacks " + ", ".join(f"U+{c:04X}" for c in missing))


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy per-character wrap (CJK has no spaces) that keeps closing punctuation off line
    starts and does not split a Latin word or number when it can move whole."""
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for ch in para:
            if font.getlength(line + ch) <= width or not line:
                line += ch
                continue
            if ch in NO_LINE_START and len(line) > 1:
                lines.append(line[:-1])
                line = line[-1] + ch
                continue
            k = len(line)
            if ch.isascii() and ch.isalnum():
                while k > 0 and line[k - 1].isascii() and line[k - 1].isalnum():
                    k -= 1
            if 0 < k < len(line):
                lines.append(line[:k])
                line = line[k:] + ch
            else:
                lines.append(line)
                line = ch.lstrip() if ch == " " else ch
        lines.append(line)
    return lines


def fit_font(text: str, path: Path, size: int, width: int, min_size: int = 16) -> ImageFont.FreeTypeFont:
    """The largest size <= ``size`` at which ``text`` fits on one line."""
    while size > min_size and _font(str(path), size).getlength(text) > width:
        size -= 2
    return _font(str(path), size)


def qr_matrix(payload: str) -> list[list[bool]]:
    """Modules of the QR code of a Base45 payload in alphanumeric mode (5.5 bits/char instead of
    8), error correction M, with its 4-module quiet zone; True = dark."""
    if not payload:
        raise LayoutError("empty QR payload")
    bad = {c for c in payload if c not in QR_ALPHABET}
    if bad:
        raise LayoutError(f"QR payload has {len(bad)} characters outside the Base45 alphabet")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    qr.add_data(QRData(payload, mode=MODE_ALPHA_NUM))
    try:
        qr.make(fit=True)
    except (ValueError, qrcode.exceptions.DataOverflowError) as exc:  # beyond version 40
        raise LayoutError(f"QR payload of {len(payload)} characters is too large") from exc
    return qr.get_matrix()


def qr_image(payload: str, max_px: int, min_module: int = 3) -> Image.Image:
    """QR code of a Base45 payload as a 1-bit image at most ``max_px`` square."""
    matrix = qr_matrix(payload)
    modules = len(matrix)
    box = max_px // modules
    if box < min_module:  # below ~0.37 mm per module phone cameras stop reading thermal prints
        raise LayoutError(f"QR needs {modules} modules: too large for {max_px} dots")
    img = Image.new("1", (len(matrix[0]), len(matrix)), 1)
    img.putdata([0 if cell else 1 for row in matrix for cell in row])
    return img.resize((img.width * box, img.height * box), Image.Resampling.NEAREST)


def zh_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


class _Canvas:
    """A growing white page: blocks are drawn on greyscale strips and thresholded at the end."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.img = Image.new("L", (width, 4000), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.y = 0

    def _grow(self, need: int) -> None:
        if self.y + need > self.img.height:
            bigger = Image.new("L", (self.width, max(self.img.height * 2, self.y + need)), 255)
            bigger.paste(self.img, (0, 0))
            self.img = bigger
            self.draw = ImageDraw.Draw(self.img)

    def text(self, s: str, font: ImageFont.FreeTypeFont, x: int = MARGIN, center: bool = False,
             gap: int = 6) -> None:  # fmt: skip
        asc, desc = font.getmetrics()
        self._grow(asc + desc + gap)
        if center:
            x = (self.width - int(font.getlength(s))) // 2
        self.draw.text((x, self.y), s, font=font, fill=0)
        self.y += asc + desc + gap

    def rule(self, thickness: int = 2, gap: int = 10) -> None:
        self._grow(thickness + 2 * gap)
        self.y += gap
        self.draw.rectangle([MARGIN, self.y, self.width - MARGIN - 1, self.y + thickness - 1], 0)
        self.y += thickness + gap

    def field(self, label_zh: str, label_en: str, value: str, fonts: Fonts, size: int = 26) -> None:
        """Label column (Chinese, English under it) and the value wrapped in the rest. A value
        whose last line would hold one or two characters is set up to 4 px smaller instead."""
        label_w = 148
        lf = _font(str(fonts.bold), size)
        ef = _font(str(fonts.regular), 15)
        for vsize in (size, size - 2, size - 4):
            vf = _font(str(fonts.regular), vsize)
            lines = wrap(value, vf, self.width - 2 * MARGIN - label_w)
            if len(lines) == 1 or len(lines[-1]) > 2:
                break
        else:
            vf = _font(str(fonts.regular), size)
            lines = wrap(value, vf, self.width - 2 * MARGIN - label_w)
        asc, desc = vf.getmetrics()
        line_h = asc + desc + 4
        block = max(len(lines) * line_h, line_h + 20)
        self._grow(block + 10)
        self.draw.text((MARGIN, self.y), label_zh, font=lf, fill=0)
        self.draw.text((MARGIN, self.y + line_h - 2), label_en, font=ef, fill=0)
        for k, line in enumerate(lines):
            self.draw.text((MARGIN + label_w, self.y + k * line_h), line, font=vf, fill=0)
        self.y += block + 10

    def paste(self, im: Image.Image, gap: int = 8) -> None:
        self._grow(im.height + gap)
        self.img.paste(im.convert("L"), ((self.width - im.width) // 2, self.y))
        self.y += im.height + gap

    def finish(self, bottom: int = 8) -> Image.Image:
        page = self.img.crop((0, 0, self.width, self.y + bottom))
        return page.convert("1", dither=Image.Dither.NONE)  # threshold at 128


def render_licence(lic: Licence, width_dots: int = 576, fonts: Fonts | None = None) -> Image.Image:
    """The individual-business licence as a 1-bit image ``width_dots`` wide."""
    fonts = fonts or Fonts.default()
    values = [lic.uscc, lic.name, lic.entity_type, lic.operator, lic.composition, lic.premises,
              lic.scope, lic.authority]  # fmt: skip
    check_coverage("".join(values), fonts.regular)
    if not lic.uscc:
        raise LayoutError("licence without 统一社会信用代码")
    try:
        date = zh_date(lic.registration_date)
    except ValueError as exc:
        raise LayoutError("registration_date is not an ISO date") from exc

    c = _Canvas(width_dots)
    inner = width_dots - 2 * MARGIN
    c.y = 8
    c.text("营业执照", fit_font("营业执照", fonts.bold, 64, inner), center=True, gap=0)
    c.text("Business Licence · Individual Business", _font(str(fonts.regular), 18), center=True)
    c.rule(3)
    c.text("统一社会信用代码  Unified Social Credit Code", _font(str(fonts.regular), 18))
    c.text(lic.uscc, fit_font(lic.uscc, fonts.bold, 48, inner), center=True, gap=4)
    c.rule(2)
    c.field("名称", "Name", lic.name or "—", fonts)
    c.field("类型", "Type", lic.entity_type, fonts)
    c.field("经营者", "Operator", lic.operator, fonts)
    c.field("组成形式", "Composition", lic.composition, fonts)
    c.field("经营场所", "Premises", lic.premises, fonts)
    c.field("经营范围", "Scope", lic.scope, fonts, size=24)
    c.field("注册日期", "Registered", date, fonts)
    c.field("登记机关", "Authority", lic.authority, fonts)
    c.rule(2)
    c.paste(qr_image(lic.qr_payload, min(inner, 400)))
    c.text("扫码核验电子执照  Scan to verify", _font(str(fonts.regular), 18), center=True)
    return c.finish(bottom=16)


def render_receipt(
    lic: Licence,
    case_number: str,
    collect_at: str,
    width_dots: int = 576,
    fonts: Fonts | None = None,
) -> Image.Image:
    """回执 for a licence printed on sheet stock: proof of the decision with the case number, the
    name, the USCC and the verification QR code, and where the licence itself is collected."""
    fonts = fonts or Fonts.default()
    if not lic.uscc:
        raise LayoutError("licence without 统一社会信用代码")
    check_coverage(case_number + (lic.name or "") + lic.uscc + collect_at, fonts.regular)
    c = _Canvas(width_dots)
    inner = width_dots - 2 * MARGIN
    c.y = 8
    c.text("营业执照领取回执", fit_font("营业执照领取回执", fonts.bold, 48, inner), center=True, gap=0)
    c.text("Receipt · Business Licence issued", _font(str(fonts.regular), 18), center=True)
    c.rule(3)
    c.field("受理编号", "Case no.", case_number, fonts)
    c.field("名称", "Name", lic.name or "—", fonts)
    c.text("统一社会信用代码  Unified Social Credit Code", _font(str(fonts.regular), 18))
    c.text(lic.uscc, fit_font(lic.uscc, fonts.bold, 40, inner), center=True, gap=4)
    c.rule(2)
    small = _font(str(fonts.regular), 24)
    for line in wrap(collect_at, small, inner):
        c.text(line, small)
    c.text("此回执不是营业执照。 This receipt is not the licence.", _font(str(fonts.regular), 18))
    c.rule(2)
    c.paste(qr_image(lic.qr_payload, min(inner, 400)))
    c.text("扫码核验电子执照  Scan to verify", _font(str(fonts.regular), 18), center=True)
    return c.finish(bottom=16)


def render_referral(
    decision: Decision,
    width_dots: int = 576,
    fonts: Fonts | None = None,
    now: dt.datetime | None = None,
    enquiries: str = "",
) -> Image.Image:
    """受理回执 for an application sent to manual review: the tracking number to keep and where to
    ask about it with that number (``enquiries``: the configured counter or phone; "" = this
    hall's registration counter)."""
    fonts = fonts or Fonts.default()
    if not decision.tracking_number:
        raise LayoutError("referral without a tracking number")
    check_coverage(decision.tracking_number + enquiries, fonts.regular)
    now = now or dt.datetime.now()
    c = _Canvas(width_dots)
    inner = width_dots - 2 * MARGIN
    c.y = 8
    c.text("受理回执", fit_font("受理回执", fonts.bold, 48, inner), center=True, gap=0)
    c.text("Application receipt · sent to manual review", _font(str(fonts.regular), 20), center=True)
    c.rule(3)
    c.text("受理编号  Tracking number", _font(str(fonts.regular), 20))
    tn = decision.tracking_number
    c.text(tn, fit_font(tn, fonts.bold, 44, inner), center=True)
    c.rule(2)
    small = _font(str(fonts.regular), 22)
    for line in wrap("请保留此回执。工作人员将审核您的申请，请凭受理编号查询办理进度。", small, inner):
        c.text(line, small)
    en = _font(str(fonts.regular), 18)
    for line in wrap("Keep this receipt. Staff will check your application; ask about it with the "
                     "tracking number.", en, inner):  # fmt: skip
        c.text(line, en, gap=2)
    c.rule(1)
    c.text("咨询  Where to ask", _font(str(fonts.regular), 20))
    bold = _font(str(fonts.bold), 22)
    for line in wrap(enquiries or "本大厅登记窗口  The registration counter in this hall", bold, inner):
        c.text(line, bold)
    c.rule(1)
    c.text(now.strftime("%Y-%m-%d %H:%M"), en)
    if decision.reasons:
        c.text("原因代码 Reasons: " + ", ".join(decision.reasons), en)
    return c.finish(bottom=16)


def render_test_page(width_dots: int = 576, lines: tuple[str, ...] = (), fonts: Fonts | None = None) -> Image.Image:
    """Technician's test page: fonts (incl. Extension A/B), a dot ruler, solid blocks, a QR."""
    fonts = fonts or Fonts.default()
    c = _Canvas(width_dots)
    inner = width_dots - 2 * MARGIN
    c.y = 8
    c.text("打印测试  Test page", fit_font("打印测试  Test page", fonts.bold, 40, inner), center=True)
    c.text("中文 简体 𠮷 䶮 经营范围 ABC abc 0123456789", _font(str(fonts.regular), 26))
    for line in lines:
        c.text(line, _font(str(fonts.regular), 20))
    c.rule(2)
    c._grow(60)
    for x in range(0, width_dots, 8):  # ruler: a tick every 8 dots, longer every 64
        h = 40 if x % 64 == 0 else 16
        c.draw.rectangle([x, c.y, x, c.y + h], fill=0)
    c.y += 48
    c._grow(40)
    c.draw.rectangle([0, c.y, width_dots - 1, c.y + 31], fill=0)  # full-width black: head check
    c.y += 40
    c.paste(qr_image("KIOSK PRINTER TEST", min(inner, 240)))
    return c.finish(bottom=16)
