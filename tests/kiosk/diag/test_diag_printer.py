"""Documents held for staff in diagnostics: a fault that does not stop the kiosk, settled from
`diag printer` (the journal-only actions even beside a running kiosk)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from drivers.errors import PrinterCoverOpen
from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.factory import VirtualPrinterOptions, create_virtual
from drivers.registry.models import Decision
from kiosk import cli
from kiosk.diag import checks, summary
from kiosk.instance_lock import InstanceLock
from kiosk.printing.service import PrintService
from tests.conftest import write_config


@pytest.fixture
def vprint(tmp_path: Path) -> Iterator[EscposPrinter]:
    p = create_virtual(VirtualPrinterOptions(out_dir=str(tmp_path / "vp-prints")), tmp_path)
    yield p
    p.close()


def hold_one(svc: PrintService, printer: EscposPrinter, txn: str = "T1") -> str:
    """A referral receipt whose print failed (cover open): held for staff. Returns its job id."""
    before = {j.job_id for j in svc.held_jobs()}
    printer.virtual.open_cover()
    with pytest.raises(PrinterCoverOpen):
        svc.print_referral(txn, Decision("manual_review", f"APP-{txn}", (), f"MR-2026-{txn}"))
    printer.virtual.open_cover(False)
    (job,) = [j.job_id for j in svc.held_jobs() if j.job_id not in before]
    return job


def test_a_held_document_is_a_fault_that_keeps_the_kiosk_serving(vprint: EscposPrinter, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    svc = PrintService(vprint, tmp_path / "journal.db")
    devices = SimpleNamespace(printer=vprint, print_service=svc)
    job = hold_one(svc, vprint)
    result = checks.check_printer(devices)
    assert (result.status, result.reason) == ("fault", "printer_jobs_held")
    assert result.details["held_jobs"] == 1 and result.details["held_outcome_unknown"] == 0
    assert checks.first_fault([result]) == "", "a working printer still serves the next applicant"
    assert summary.emit([result], as_json=True) == 1, "`main.py diag` exits 1: a technician must act"
    capsys.readouterr()
    vprint.virtual.open_cover()  # a hardware fault names itself first and does stop the kiosk
    assert checks.first_fault([checks.check_printer(devices)]) == "printer_cover_open"
    vprint.virtual.open_cover(False)
    svc.void(job)
    result = checks.check_printer(devices)
    assert (result.status, result.details["held_jobs"]) == ("ok", 0)


def run_cli(cfg: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = cli.main(["--config", str(cfg), "diag", "printer", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_journal_only_actions_run_beside_the_kiosk(tmp_path: Path, vprint: EscposPrinter,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cfg = write_config(tmp_path)
    svc = PrintService(vprint, tmp_path / "journal.db")
    first, second = hold_one(svc, vprint, "T1"), hold_one(svc, vprint, "T2")
    with InstanceLock(tmp_path):  # "the kiosk is running": it owns the printer
        code, report = run_cli(cfg, capsys, "--held")
        assert code == 1 and {j["job_id"] for j in report["held"]} == {first, second}
        assert set(report["held"][0]) == {"job_id", "kind", "state", "flag", "error", "attempts", "age_s"}
        assert cli.main(["--config", str(cfg), "diag", "printer", "--reprint", first]) == 2
        assert "owns the printer" in capsys.readouterr().err
        code, report = run_cli(cfg, capsys, "--void", first[:8])
        assert code == 0 and report["action"] == {"void": first, "result": "voided"}
        code, report = run_cli(cfg, capsys, "--confirm-printed", first)
        assert (code, report["error"]) == (2, "printer_job_error") and "is voided, not held" in report["detail"]
        code, report = run_cli(cfg, capsys, "--void", "zz")
        assert code == 2 and "hexadecimal" in report["detail"]
    assert vprint.virtual.printouts == []
    audit = [json.loads(line) for line in (tmp_path / "logs" / "audit.log").read_text().splitlines()]
    assert {"event": "void", "detail": first, "source": "diag printer"}.items() <= audit[-1].items()
    code, report = run_cli(cfg, capsys, "--reprint", second[:8])  # the kiosk is stopped: the printer is free
    assert code == 0 and report["action"] == {"reprint": second, "result": "confirmed"}
    assert report["held"] == [] and len(list((tmp_path / "prints").glob("print-*.png"))) == 1
    code, report = run_cli(cfg, capsys, "--reprint", second)
    assert code == 2 and "confirmed: only a held job" in report["detail"], "never a second copy"


def test_an_unknown_recovered_print_policy_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = write_config(tmp_path, replace={"max_attempts = 3": 'max_attempts = 3\nrecovered_print = "auto"'})
    assert cli.main(["--config", str(cfg), "diag"]) == 2
    err = capsys.readouterr().err
    assert "policy.recovered_print" in err and "expected one of 'hold' or 'print', got 'auto'" in err
