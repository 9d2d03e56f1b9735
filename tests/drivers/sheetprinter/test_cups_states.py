"""The sheet-printer driver against the real CUPS scheduler, with the simulated IPP printer as the
queue's device: states before a job, faults in the middle of one, cancel, and the deadline."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cups_testutil import CUPS_SOCKET, CupsQueues, poll

from drivers.errors import (
    PrinterCoverOpen,
    PrinterJobTimeout,
    PrinterMediaJam,
    PrinterOffline,
    PrinterPaperOut,
    PrinterQueueStopped,
    PrinterTonerEmpty,
)
from drivers.sheetprinter import ipp
from drivers.sheetprinter.ipp_printer import IppSheetPrinter
from drivers.sheetprinter.sim.ipp_printer import SimIppPrinter
from drivers.sheetprinter.status import fault_for, raise_for_status
from drivers.sheetprinter.tracking import wait_until_done

PDF = b"%PDF-1.4\n% test document\n%%EOF\n"


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimIppPrinter]:
    printer = SimIppPrinter(tmp_path / "sim", page_s=0.1).start()
    yield printer
    printer.stop()


@pytest.fixture
def queued(cups: CupsQueues, sim: SimIppPrinter) -> IppSheetPrinter:
    q = cups.ipp_queue(sim.uri)
    return IppSheetPrinter(CUPS_SOCKET, q.path, timeout_s=5.0, device_timeout_s=1.0)


def test_an_idle_queue_and_printer_are_ready(queued: IppSheetPrinter) -> None:
    st = queued.status()
    assert st.ready and st.accepting and st.device_state == ipp.PRINTER_IDLE and st.reasons == ()


@pytest.mark.parametrize(("reason", "error"), [
    ("media-empty", PrinterPaperOut), ("media-jam", PrinterMediaJam), ("door-open", PrinterCoverOpen),
    ("toner-empty", PrinterTonerEmpty)])  # fmt: skip
def test_a_printer_fault_is_seen_before_any_job(queued: IppSheetPrinter, sim: SimIppPrinter, reason: str,
                                                error: type) -> None:
    sim.set_fault(reason)
    with pytest.raises(error):
        raise_for_status(queued.status())
    assert sim.jobs == {}
    sim.clear_fault()
    assert queued.status().ready


def test_low_supplies_are_no_fault(queued: IppSheetPrinter, sim: SimIppPrinter) -> None:
    sim.set_fault("toner-low")
    st = queued.status()
    assert st.ready and "toner-low-warning" in st.reasons


def test_a_printer_that_is_switched_off_is_offline(queued: IppSheetPrinter, sim: SimIppPrinter) -> None:
    sim.go_offline()
    with pytest.raises(PrinterOffline):
        queued.status()
    sim.go_online()
    assert queued.status().ready


def test_a_stopped_or_rejecting_queue_is_named(cups: CupsQueues, queued: IppSheetPrinter) -> None:
    name = queued.name
    subprocess.run(["cupsdisable", name], check=True, timeout=30)
    assert isinstance(fault_for(queued.status()), PrinterQueueStopped)
    subprocess.run(["cupsenable", name], check=True, timeout=30)
    subprocess.run(["cupsreject", name], check=True, timeout=30)
    with pytest.raises(PrinterQueueStopped):
        raise_for_status(queued.status())
    with pytest.raises(PrinterQueueStopped):
        queued.submit(PDF, "kiosk-test", "iso_a4_210x297mm")


def test_a_missing_queue_is_named() -> None:
    printer = IppSheetPrinter(CUPS_SOCKET, "/printers/kiosk-test-no-such-queue", timeout_s=5.0)
    with pytest.raises(PrinterQueueStopped, match="no print queue"):
        printer.status()


def test_no_scheduler_is_offline(tmp_path: Path) -> None:
    printer = IppSheetPrinter(str(tmp_path / "no.sock"), "/printers/x", timeout_s=1.0)
    with pytest.raises(PrinterOffline):
        printer.status()


def test_a_job_goes_through_cups_to_the_printer_unchanged(queued: IppSheetPrinter, sim: SimIppPrinter) -> None:
    job_id = queued.submit(PDF, "kiosk-0123456789ab", "iso_a4_210x297mm")
    done = wait_until_done(queued, job_id, 60.0, 0.05)
    assert done.state == ipp.JOB_COMPLETED
    assert [p.read_bytes() for p in sim.printouts] == [PDF]
    assert sim.printouts[0].name.endswith("kiosk-0123456789ab.pdf")  # the name CUPS keeps: no personal data


def test_a_jam_mid_job_stops_tracking_and_cancel_reaches_the_printer(queued: IppSheetPrinter,
                                                                     sim: SimIppPrinter) -> None:
    sim.fault_on_next_job = "media-jam"
    job_id = queued.submit(PDF, "kiosk-jam", "iso_a4_210x297mm")
    with pytest.raises(PrinterMediaJam) as caught:
        wait_until_done(queued, job_id, 60.0, 0.05)
    assert caught.value.started  # type: ignore[attr-defined]
    assert queued.cancel(job_id)
    poll(lambda: queued.job(job_id).state == ipp.JOB_CANCELED, 30, "the CUPS job cancelled")
    poll(lambda: all(j.state == ipp.JOB_CANCELED for j in sim.jobs.values()), 30, "the printer's job cancelled")
    sim.clear_fault()
    assert sim.printouts == []


def test_a_job_that_never_completes_times_out_and_is_cancelled(queued: IppSheetPrinter, sim: SimIppPrinter) -> None:
    sim.stall = True
    job_id = queued.submit(PDF, "kiosk-stall", "iso_a4_210x297mm")
    with pytest.raises(PrinterJobTimeout):
        wait_until_done(queued, job_id, 1.5, 0.05)
    assert queued.cancel(job_id)
    poll(lambda: queued.job(job_id).final, 30, "the CUPS job finished after cancel")
    assert queued.active_jobs("kiosk-stall") == []
    sim.release()
    assert sim.printouts == []


def test_active_jobs_are_found_by_name(queued: IppSheetPrinter, sim: SimIppPrinter) -> None:
    sim.set_fault("media-empty")
    job_id = queued.submit(PDF, "kiosk-find-me", "iso_a4_210x297mm")
    assert queued.active_jobs("kiosk-find-me") == [job_id]
    assert queued.active_jobs("kiosk-other") == []
    assert queued.cancel(job_id)
