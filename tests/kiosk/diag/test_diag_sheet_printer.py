"""Diagnostics cover the sheet printer: `diag printer` reports it beside the thermal one and
prints a plain-paper specimen on it; the health check (idle probe, `diag`) names its faults."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from drivers.printer.factory import VirtualPrinterOptions
from drivers.printer.factory import create_virtual as create_thermal
from drivers.sheetprinter.factory import create_virtual
from drivers.sheetprinter.options import VirtualSheetPrinterOptions
from kiosk import cli, recovery
from kiosk.diag import checks
from kiosk.printing.service import PrintService
from kiosk.printing.sheet_layout import LAYOUT_DIR, load_layout
from tests.conftest import write_config

SHEET = '\n[printing]\noutputs = "sheet+receipt"\n[sheet_printer]\nkind = "virtual"\npage_s = 0.01\n'


def run_cli(cfg: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = cli.main(["--config", str(cfg), "diag", "printer", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_diag_printer_reports_both_printers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_cli(write_config(tmp_path, extra=SHEET), capsys)
    assert code == 0 and report["sheet_printer"]["ready"] and report["status"]["ready"]
    code, report = run_cli(write_config(tmp_path, extra=SHEET + "media_jam = true\n"), capsys)
    assert code == 1 and report["sheet_printer"]["error"] == "printer_media_jam"
    assert report["status"]["ready"]  # the thermal printer is fine: the fault is named where it is


def test_sheet_test_page_prints_the_plain_paper_specimen(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    cfg = write_config(tmp_path, extra=SHEET)
    code, report = run_cli(cfg, capsys, "--sheet-test-page")
    assert code == 0 and report["sheet_test_page"]["state"] == "confirmed"
    (pdf,) = (tmp_path / "sheets").glob("*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_mode & 0o077 == 0
    code, report = run_cli(write_config(tmp_path), capsys, "--sheet-test-page")
    assert code == 2 and report["detail"] == "no sheet printer configured"


def test_the_health_check_and_idle_probe_name_the_sheet_printers_fault(tmp_path: Path) -> None:
    sheet = create_virtual(VirtualSheetPrinterOptions(page_s=0.01), tmp_path)
    thermal = create_thermal(VirtualPrinterOptions(out_dir=str(tmp_path / "prints")), tmp_path)
    svc = PrintService(thermal, tmp_path / "journal.db", sheet=sheet, outputs="sheet",
                       layouts=(load_layout(LAYOUT_DIR / "licence-fuben-a4.toml"),))
    devices = SimpleNamespace(printer=thermal, sheet_printer=sheet, print_service=svc)
    try:
        result = checks.check_sheet_printer(devices)
        assert result is not None and (result.status, result.reason) == ("ok", "")
        sheet.virtual.set_fault("toner-low")
        assert checks.check_sheet_printer(devices).reason == "printer_supplies_low"
        sheet.virtual.set_fault("media-empty")
        result = checks.check_sheet_printer(devices)
        assert (result.status, result.reason) == ("fault", "printer_paper_out")
        devices.registry = SimpleNamespace(heartbeat=lambda: None)
        devices.camera = SimpleNamespace(latest=lambda: None, resolution=(640, 480))
        devices.reader = SimpleNamespace(card_present=lambda: False, name="r")
        assert checks.first_fault(recovery.probe_results(devices)) == "printer_paper_out"
        assert checks.check_sheet_printer(SimpleNamespace(sheet_printer=None)) is None
    finally:
        svc.close()
        thermal.close()
        sheet.close()
