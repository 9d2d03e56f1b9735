"""The licence PDF for sheet stock, measured: every field within 1 mm of its layout box, the QR
code readable where the layout puts it, the text extractable, the font subset embedded; wrapping,
shrinking and refusing; plain-paper mode."""

from __future__ import annotations

import dataclasses

import pytest
from printing_testutil import PAYLOAD, make_licence
from sheet_measure import check_fields, ink_box, need_poppler, pdf_fonts, pdf_text, read_qr, render, squeeze

from drivers.registry.models import Licence
from kiosk.printing.layout import LayoutError
from kiosk.printing.sheet_layout import LAYOUT_DIR, load_layout
from kiosk.printing.sheet_pdf import RenderedSheet, field_values, render_sheet

FUBEN = load_layout(LAYOUT_DIR / "licence-fuben-a4.toml")
ZHENGBEN = load_layout(LAYOUT_DIR / "licence-zhengben-a3.toml")
DPI = 150


@pytest.fixture(scope="module")
def fuben() -> RenderedSheet:
    need_poppler()
    return render_sheet(make_licence(), FUBEN)


def test_every_field_is_within_1_mm_of_its_box(fuben: RenderedSheet) -> None:
    check_fields(render(fuben.pdf, DPI, FUBEN), DPI, FUBEN)


def test_the_qr_code_reads_back_where_the_layout_puts_it(fuben: RenderedSheet) -> None:
    text, (x, y) = read_qr(render(fuben.pdf, DPI, FUBEN), DPI)
    assert text == PAYLOAD
    quiet = 4 * fuben.qr_module_mm  # the symbol starts inside its quiet zone
    assert abs(x - (FUBEN.qr.x_mm + quiet)) <= 1.0 and abs(y - (FUBEN.qr.y_mm + quiet)) <= 1.0


def test_the_text_is_extractable_and_the_font_subset_embedded(fuben: RenderedSheet) -> None:
    text = squeeze(pdf_text(fuben.pdf))
    for name, value in field_values(make_licence()).items():
        assert squeeze(value) in text, name
    fonts = pdf_fonts(fuben.pdf)
    assert fonts and all(row[0].split("+")[0].isupper() and row[-5:-2] == ["yes", "yes", "yes"] for row in fonts)


def test_stock_mode_leaves_the_stocks_artwork_blank(fuben: RenderedSheet) -> None:
    pixels = render(fuben.pdf, DPI, FUBEN)
    assert ink_box(pixels, DPI, 100, 40, 97, 30, margin=0) is None  # title 营业执照 is on the stock
    assert ink_box(pixels, DPI, 8, 8, 281, 0.5, margin=0) is None  # so is the frame


def test_plain_paper_draws_the_frame_title_and_emblem_outline() -> None:
    need_poppler()
    sheet = render_sheet(make_licence(), FUBEN, plain=True)
    pixels = render(sheet.pdf, DPI, FUBEN)
    assert ink_box(pixels, DPI, 100, 44, 97, 16, margin=0) is not None
    assert ink_box(pixels, DPI, 7.5, 100, 1, 10, margin=0) is not None  # outer frame's left edge
    assert "营业执照" in squeeze(pdf_text(sheet.pdf)).replace("营业执照（副本）", "")
    assert "国家企业信用信息公示系统网址" in pdf_text(sheet.pdf)
    # the fields do not move on plain paper (the seal's dashed circle crosses the authority's box)
    check_fields(pixels, DPI, FUBEN, skip=("authority", "issue_date"))


def test_the_a3_original_is_laid_out_on_its_own_stock() -> None:
    need_poppler()
    sheet = render_sheet(make_licence(), ZHENGBEN)
    pixels = render(sheet.pdf, 100, ZHENGBEN)
    assert pixels.shape[0] == pytest.approx(297 / 25.4 * 100, abs=1)  # A3 landscape
    assert pixels.shape[1] == pytest.approx(420 / 25.4 * 100, abs=1)
    check_fields(pixels, 100, ZHENGBEN)
    assert read_qr(pixels, 100)[0] == PAYLOAD


def test_calibration_offsets_move_everything(fuben: RenderedSheet) -> None:
    need_poppler()
    moved = dataclasses.replace(FUBEN, stock=dataclasses.replace(FUBEN.stock, offset_x_mm=3.0, offset_y_mm=-2.0))
    sheet = render_sheet(make_licence(), moved)
    check_fields(render(sheet.pdf, DPI, moved), DPI, moved)
    assert sheet.placed["uscc"].boxes[0][:2] == pytest.approx((FUBEN.fields["uscc"].x_mm + 3.0,
                                                               FUBEN.fields["uscc"].y_mm - 2.0))


def test_a_long_name_is_set_smaller_and_a_longer_one_wraps() -> None:
    long_name = "南宁市青秀区" + "金湖广场东南角" * 3 + "特色风味小吃店"
    sheet = render_sheet(make_licence(name=long_name), FUBEN)
    placed = sheet.placed["name"]
    assert len(placed.lines) <= 2 and "".join(placed.lines) == long_name
    assert placed.size_pt <= FUBEN.fields["name"].size_pt


def test_a_scope_that_cannot_fit_is_refused_never_cut() -> None:
    with pytest.raises(LayoutError, match="does not fit"):
        render_sheet(make_licence(scope="食品销售；" * 400), FUBEN)


def test_a_character_the_font_lacks_is_refused() -> None:
    with pytest.raises(LayoutError, match="U\\+E000"):
        render_sheet(make_licence(name="南宁市\ue000小吃店"), FUBEN)


def test_a_qr_code_too_dense_for_its_square_is_refused() -> None:
    small = dataclasses.replace(FUBEN, qr=dataclasses.replace(FUBEN.qr, size_mm=12.0))
    with pytest.raises(LayoutError, match="QR code needs"):
        render_sheet(make_licence(), small)


def test_a_bad_date_and_a_missing_uscc_are_refused() -> None:
    with pytest.raises(LayoutError):
        render_sheet(dataclasses.replace(make_licence(), registration_date="27/11/2026"), FUBEN)
    with pytest.raises(LayoutError):
        render_sheet(Licence(**{**dataclasses.asdict(make_licence()), "uscc": ""}), FUBEN)
