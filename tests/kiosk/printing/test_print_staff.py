"""The diagnostics screen's decisions on a held document: each acts once, a refusal is reported."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from printing_testutil import make_licence

from drivers.errors import PrinterCoverOpen
from drivers.printer.escpos_printer import EscposPrinter
from kiosk.printing.service import PrintService
from kiosk.printing.staff import act_on_held_job


@pytest.fixture
def held(vprint: EscposPrinter, tmp_path: Path) -> tuple[PrintService, str]:
    svc = PrintService(vprint, tmp_path / "journal.db", poll_interval_s=0.01)
    vprint.virtual.open_cover()
    with pytest.raises(PrinterCoverOpen):
        svc.print_licence("T1", make_licence())
    vprint.virtual.open_cover(False)
    (job,) = svc.held_jobs()
    return svc, job.job_id


def test_a_double_tap_on_print_prints_once(held: tuple[PrintService, str], vprint: EscposPrinter) -> None:
    svc, job = held
    results: list[bool] = []
    taps = [threading.Thread(target=lambda: results.append(act_on_held_job(svc, f"reprint:{job}")))
            for _ in range(2)]  # two diag_action workers, as two quick taps start them
    for t in taps:
        t.start()
    for t in taps:
        t.join()
    assert sorted(results) == [False, True]
    assert len(vprint.virtual.printouts) == 1 and svc.journal.get(job).state == "confirmed"


@pytest.mark.parametrize(("verb", "state"), [("confirm_printed", "confirmed"), ("void", "voided")])
def test_decisions_without_printing(held: tuple[PrintService, str], vprint: EscposPrinter, verb: str,
                                    state: str) -> None:
    svc, job = held
    assert act_on_held_job(svc, f"{verb}:{job}")
    assert svc.journal.get(job).state == state and vprint.virtual.printouts == []
    assert svc.journal.events(job)[-1] == (state, f"{state}:screen")
    assert not act_on_held_job(svc, f"reprint:{job}"), "decided: never printed afterwards"
    assert vprint.virtual.printouts == []
    with pytest.raises(ValueError, match="unknown print job action"):
        act_on_held_job(svc, f"print:{job}")
