"""Licence and receipt layout: 1-bit, paper width, every field, rare characters, QR."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont
from printing_testutil import PAYLOAD, make_licence, make_referral

from kiosk.fonts import cjk_font_path
from kiosk.printing.layout import (
    LayoutError,
    qr_image,
    render_licence,
    render_referral,
    wrap,
)

GOLDEN = Path(__file__).parent / "golden"
ENQUIRIES = "南山区市场监督管理局 3号窗口  电话 0755-12345678"
# Goldens were drawn with these exact font files (Debian fonts-noto-cjk 1:20220127, SC face
# extracted by kiosk.fonts with fontTools 4.60.1, timestamp kept). Another font build moves pixels.
FONT_SHA256 = {
    "Regular": "fb3b8d574150df2fb21d13554d20aae3dc316062e24d34fe3d1ae136d7b4f71f",
    "Bold": "9023d55873ce84a6fcbc8d5ade547ab571563091654a5e854c64e04e0a44f8c5",
}


@pytest.mark.parametrize("width", [576, 512])
def test_licence_is_1bit_at_paper_width(width: int) -> None:
    img = render_licence(make_licence(), width)
    assert img.mode == "1" and img.width == width
    values = set(np.unique(np.asarray(img.convert("L"))))
    assert values == {0, 255}  # thresholded, two levels only


def test_long_scope_wraps_over_more_lines() -> None:
    short = render_licence(make_licence(scope="日用百货销售"))
    long = render_licence(make_licence())
    assert long.height > short.height + 400


@pytest.mark.parametrize("ch", ["𠮷", "䶮"])
def test_rare_name_characters_have_real_glyphs(ch: str) -> None:
    path = cjk_font_path("Regular")
    with TTFont(path, lazy=True) as f:
        glyph = f.getBestCmap().get(ord(ch))
    assert glyph is not None and glyph != ".notdef"
    font = ImageFont.truetype(str(path), 48)

    def draw(c: str) -> np.ndarray:
        im = Image.new("L", (60, 70), 255)
        ImageDraw.Draw(im).text((4, 4), c, font=font, fill=0)
        return np.asarray(im)

    notdef = draw("\U000f0000")  # a private-use plane code point no CJK font covers
    assert not np.array_equal(draw(ch), notdef)
    assert (draw(ch) < 128).sum() > 50


def test_rare_characters_change_the_printed_name() -> None:
    a = render_licence(make_licence(name="南宁市青秀区𠮷䶮小吃店"))
    b = render_licence(make_licence(name="南宁市青秀区吉龑小吃店"))
    assert a.size == b.size and not np.array_equal(np.asarray(a), np.asarray(b))


def test_uncovered_character_is_refused_not_boxed() -> None:
    with pytest.raises(LayoutError, match="U\\+F0000"):
        render_licence(make_licence(name="小吃店\U000f0000"))


def test_qr_decodes_to_exactly_the_payload() -> None:
    img = render_licence(make_licence())
    found = zxingcpp.read_barcodes(img.convert("L"))
    assert [r.text for r in found] == [PAYLOAD]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode


def test_qr_uses_alphanumeric_mode() -> None:
    import qrcode
    from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

    def version(mode: int) -> int:
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
        qr.add_data(QRData(PAYLOAD, mode=mode))
        qr.make(fit=True)
        return qr.version

    alnum = version(MODE_ALPHA_NUM)
    assert alnum < version(MODE_8BIT_BYTE)
    q = qr_image(PAYLOAD, 400)
    modules = 17 + 4 * alnum + 8  # symbol + 4-module quiet zone each side
    assert q.width % modules == 0 and q.width // modules >= 3 and q.width <= 400


@pytest.mark.parametrize("payload", ["", "lowercase", "HC1:ÄÖ"])
def test_bad_qr_payload(payload: str) -> None:
    with pytest.raises(LayoutError):
        render_licence(make_licence().__class__(**{**make_licence().__dict__,
                                                   "qr_payload": payload}))  # fmt: skip


def test_qr_too_large_for_paper() -> None:
    with pytest.raises(LayoutError, match="too large"):
        qr_image("A" * 4000, 400)


def test_bad_date_and_missing_code() -> None:
    lic = make_licence()
    with pytest.raises(LayoutError):
        render_licence(lic.__class__(**{**lic.__dict__, "registration_date": "27/11/2026"}))
    with pytest.raises(LayoutError):
        render_licence(lic.__class__(**{**lic.__dict__, "uscc": ""}))


def test_wrap_keeps_punctuation_off_line_starts() -> None:
    font = ImageFont.truetype(str(cjk_font_path("Regular")), 24)
    lines = wrap("餐饮服务、食品销售、日用百货销售、烟草制品零售、酒类经营。" * 4, font, 200)
    assert len(lines) > 4
    assert all(font.getlength(line) <= 200 + 24 for line in lines)
    assert not any(line[0] in "、。，" for line in lines)
    assert "".join(lines) == "餐饮服务、食品销售、日用百货销售、烟草制品零售、酒类经营。" * 4


def test_wrap_does_not_split_numbers() -> None:
    font = ImageFont.truetype(str(cjk_font_path("Regular")), 24)
    lines = wrap("民族大道民族大道民族大道1000号", font, 300)
    assert any(line.startswith("1000") for line in lines) or any("1000" in x for x in lines)


def test_referral_receipt() -> None:
    img = render_referral(make_referral())
    assert img.mode == "1" and img.width == 576 and img.height < 800
    asked = render_referral(make_referral(), enquiries=ENQUIRIES * 2)
    assert asked.height > img.height + 20, "the configured place to ask is printed (here on two lines)"
    with pytest.raises(LayoutError, match="U\\+E000"):  # a character the font lacks is refused, not boxed
        render_referral(make_referral(), enquiries="窗口\ue000")
    with pytest.raises(LayoutError):
        render_referral(make_referral().__class__("manual_review", "A", (), ""))


def _golden(name: str, img: Image.Image) -> None:
    for weight, digest in FONT_SHA256.items():
        actual = hashlib.sha256(cjk_font_path(weight).read_bytes()).hexdigest()
        assert actual == digest, (
            f"font {weight} changed ({actual}): golden images are pinned to the old font; "
            "check the new rendering by eye, then regenerate with KIOSK_REGEN_GOLDEN=1"
        )
    path = GOLDEN / name
    if os.environ.get("KIOSK_REGEN_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        img.save(path)
    expected = Image.open(path).convert("1")
    assert expected.size == img.size
    diff = np.asarray(expected) != np.asarray(img)
    assert not diff.any(), f"{diff.sum()} pixels differ from {path.name}"


def test_golden_licence() -> None:
    _golden("licence-576.png", render_licence(make_licence()))


def test_golden_licence_512() -> None:
    _golden("licence-512.png", render_licence(make_licence(scope="日用百货销售"), 512))


def test_golden_referral() -> None:
    import datetime as dt

    _golden("referral-576.png", render_referral(make_referral(), now=dt.datetime(2026, 11, 27, 9, 30),
                                                enquiries=ENQUIRIES))


@settings(max_examples=50, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("餐饮服务食品销售、，。（）ABC abc 0123456789号𠮷")),
        max_size=120,
    ),
    st.integers(60, 500),
)
def test_wrap_loses_nothing_and_fits(text: str, width: int) -> None:
    font = ImageFont.truetype(str(cjk_font_path("Regular")), 24)
    lines = wrap(text, font, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:  # a line may overflow only by the kept-together punctuation mark
        assert font.getlength(line) <= width or len(line) <= 2 or line[-1] in "、，。）"


def test_layout_error_is_a_typed_printer_job_error() -> None:
    from drivers.errors import PrinterJobError

    assert issubclass(LayoutError, PrinterJobError) and LayoutError.code == "printer_layout_error"
    assert LayoutError.fault is False
