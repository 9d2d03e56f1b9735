"""The whole path on a real CUPS scheduler: the print service sends the 副本 and the 正本 to a
cups-pdf queue (pdftopdf and Ghostscript as for a real printer) and the 回执 to the thermal
printer; what comes out is measured field by field."""

from __future__ import annotations

import numpy as np
import pytest
from cups_testutil import CupsQueues, pdfs_from
from PIL import Image
from printing_testutil import PAYLOAD, make_licence
from sheet_measure import check_fields, need_poppler, pdf_text, read_qr, render, squeeze

from drivers.sheetprinter.factory import create_cups
from drivers.sheetprinter.options import CupsSheetPrinterOptions
from kiosk.printing.layout import qr_matrix
from kiosk.printing.service import PrintService
from kiosk.printing.sheet_layout import LAYOUT_DIR, load_layout
from kiosk.printing.sheet_pdf import field_values

FUBEN = load_layout(LAYOUT_DIR / "licence-fuben-a4.toml")
ZHENGBEN = load_layout(LAYOUT_DIR / "licence-zhengben-a3.toml")
DPI = 150


def test_licence_copies_through_cups_land_where_the_layouts_say(cups: CupsQueues, vprint, tmp_path) -> None:
    need_poppler()
    q = cups.pdf_queue()
    sheet = create_cups(CupsSheetPrinterOptions(queue=q.name, job_timeout_s=120, poll_s=0.1), tmp_path)
    svc = PrintService(vprint, tmp_path / "journal.db", poll_interval_s=0.02, sheet=sheet, outputs="sheet+receipt",
                       layouts=(FUBEN, ZHENGBEN))
    try:
        svc.print_licence("txn-cups", make_licence())
        jobs = {j.kind: j for j in svc.recent_jobs()}
        assert {k: j.state for k, j in jobs.items()} == {
            "licence_fuben": "confirmed", "licence_zhengben": "confirmed", "receipt": "confirmed"}
        stored = [svc.journal.data(jobs[k].job_id) for k in ("licence_fuben", "licence_zhengben")]
    finally:
        svc.close()
    fuben, zhengben = pdfs_from(q, 2)
    values = field_values(make_licence())
    for pdf, layout in ((fuben, FUBEN), (zhengben, ZHENGBEN)):
        pixels = render(pdf, DPI, layout)
        # on the layout's media, unscaled (Ghostscript rounds the page to whole points)
        assert pixels.shape[1] == pytest.approx(layout.stock.width_mm / 25.4 * DPI, abs=2)
        assert pixels.shape[0] == pytest.approx(layout.stock.height_mm / 25.4 * DPI, abs=2)
        check_fields(pixels, DPI, layout)
        text, (x, y) = read_qr(pixels, DPI)
        module = layout.qr.size_mm / len(qr_matrix(PAYLOAD))
        assert text == PAYLOAD
        assert abs(x - (layout.qr.x_mm + 4 * module)) <= 1.0 and abs(y - (layout.qr.y_mm + 4 * module)) <= 1.0
    # cups-pdf goes through PostScript and Ghostscript outlines the glyphs: the text is read from
    # the PDF the journal stored and sent
    for pdf in stored:
        printed = squeeze(pdf_text(pdf))
        assert all(squeeze(v) in printed for v in values.values())
    receipt = Image.open(vprint.virtual.printouts[0].path).convert("L")
    assert read_qr(np.asarray(receipt), 203)[0] == PAYLOAD  # the 回执 carries the verification code too
