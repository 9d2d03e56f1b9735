"""The print service with a sheet printer (the simulated IPP printer, driven directly): one
licence set per transaction, faults found before anything prints, jobs cancelled and held on
a fault mid-job, whole reprints from the stored PDF, and the crash rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.errors import PrinterCoverOpen, PrinterJobError, PrinterMediaJam, PrinterPaperOut, PrinterTonerEmpty
from drivers.sheetprinter.factory import create_virtual
from drivers.sheetprinter.options import VirtualSheetPrinterOptions
from kiosk.printing.service import PrintService
from kiosk.printing.sheet_layout import LAYOUT_DIR, load_layout

FUBEN = load_layout(LAYOUT_DIR / "licence-fuben-a4.toml")
ZHENGBEN = load_layout(LAYOUT_DIR / "licence-zhengben-a3.toml")


@pytest.fixture
def sheet(tmp_path: Path) -> Iterator:
    p = create_virtual(VirtualSheetPrinterOptions(page_s=0.05, job_timeout_s=5.0, poll_s=0.02), tmp_path)
    yield p
    p.close()


def service(tmp_path: Path, vprint, sheet, outputs: str = "sheet+receipt", layouts=(FUBEN,)) -> PrintService:
    return PrintService(vprint, tmp_path / "journal.db", poll_interval_s=0.02, sheet=sheet, outputs=outputs,
                        layouts=layouts)


def test_licence_on_stock_and_receipt_on_thermal(tmp_path, vprint, sheet, licence) -> None:
    svc = service(tmp_path, vprint, sheet, layouts=(FUBEN, ZHENGBEN))
    first = svc.print_licence("txn-1", licence)
    kinds = {j.kind: j for j in svc.recent_jobs()}
    assert set(kinds) == {"licence_fuben", "licence_zhengben", "receipt"}
    assert first == kinds["licence_fuben"].job_id
    assert all(j.state == "confirmed" for j in kinds.values())
    assert [p.read_bytes() for p in sheet.virtual.printouts] == [svc.journal.data(kinds["licence_fuben"].job_id),
                                                               svc.journal.data(kinds["licence_zhengben"].job_id)]
    assert len(vprint.virtual.printouts) == 1  # the 回执
    # once per transaction: a second call prints nothing
    assert svc.print_licence("txn-1", licence) == first
    assert len(sheet.virtual.printouts) == 2 and len(vprint.virtual.printouts) == 1
    svc.close()


def test_sheet_only_prints_no_receipt(tmp_path, vprint, sheet, licence) -> None:
    svc = service(tmp_path, vprint, sheet, outputs="sheet")
    svc.print_licence("txn-1", licence)
    assert [j.kind for j in svc.recent_jobs()] == ["licence_fuben"]
    assert vprint.virtual.printouts == []
    svc.close()


@pytest.mark.parametrize(("reason", "error"), [("media-empty", PrinterPaperOut), ("media-jam", PrinterMediaJam),
                                               ("door-open", PrinterCoverOpen), ("toner-empty", PrinterTonerEmpty)])
def test_fault_before_the_job_prints_nothing_and_holds_the_set(tmp_path, vprint, sheet, licence, reason,
                                                                error) -> None:
    sheet.virtual.set_fault(reason)
    svc = service(tmp_path, vprint, sheet)
    with pytest.raises(error):
        svc.print_licence("txn-1", licence)
    jobs = {j.kind: j for j in svc.recent_jobs()}
    assert {k: (j.state, j.flag, j.attempts) for k, j in jobs.items()} == {
        "licence_fuben": ("held", "not_printed", 0), "receipt": ("held", "not_printed", 0)}
    assert sheet.virtual.jobs == {} and vprint.virtual.printouts == []  # nothing reached either printer
    sheet.virtual.clear_fault()
    for job in svc.held_jobs():
        svc.reprint(job.job_id)
    assert len(sheet.virtual.printouts) == 1 and len(vprint.virtual.printouts) == 1
    assert svc.held_jobs() == []
    svc.close()


def test_jam_mid_job_cancels_it_and_reprint_is_one_whole_licence(tmp_path, vprint, sheet, licence) -> None:
    sheet.virtual.fault_on_next_job = "media-jam"
    svc = service(tmp_path, vprint, sheet)
    with pytest.raises(PrinterMediaJam):
        svc.print_licence("txn-1", licence)
    fuben = svc.journal.find("txn-1", "licence_fuben")
    assert (fuben.state, fuben.flag, fuben.error) == ("held", "print_failed", "printer_media_jam")
    device_job = sheet.virtual.jobs[int(fuben.device_job)]
    assert device_job.state == 7  # cancelled at the printer: clearing the jam cannot print it later
    assert svc.journal.find("txn-1", "receipt").state == "held"  # no receipt for a licence not printed
    sheet.virtual.clear_fault()
    svc.reprint(fuben.job_id)
    assert len(sheet.virtual.printouts) == 1
    assert sheet.virtual.printouts[0].read_bytes() == svc.journal.data(fuben.job_id)
    with pytest.raises(PrinterJobError):  # printed: never a second copy
        svc.reprint(fuben.job_id)
    svc.close()


def test_job_that_never_completes_is_cancelled_at_the_deadline(tmp_path, vprint, licence) -> None:
    sheet = create_virtual(VirtualSheetPrinterOptions(page_s=0.05, job_timeout_s=5.0, poll_s=0.02), tmp_path)
    sheet.job_timeout_s = 0.3  # the options' floor is 5 s; the deadline logic is what is tested
    sheet.virtual.stall = True
    svc = service(tmp_path, vprint, sheet, outputs="sheet")
    try:
        from drivers.errors import PrinterJobTimeout

        with pytest.raises(PrinterJobTimeout):
            svc.print_licence("txn-1", licence)
        job = svc.journal.find("txn-1", "licence_fuben")
        assert (job.state, job.flag) == ("held", "outcome_unknown")  # it was on its way: staff look first
        assert sheet.virtual.jobs[int(job.device_job)].state == 7
        sheet.virtual.release()
        assert sheet.virtual.printouts == []
    finally:
        svc.close()
        sheet.close()


def test_restart_with_a_job_in_the_print_system_cancels_it_and_holds(tmp_path, vprint, sheet, licence) -> None:
    svc = service(tmp_path, vprint, sheet, outputs="sheet")
    job_id = svc.store_licence("txn-1", licence)
    sheet.virtual.stall = True  # the kiosk dies while the printer holds the job
    device_job = sheet.submit(svc.journal.data(job_id), svc._job_name(job_id), "iso_a4_210x297mm")
    svc.journal.set_state(job_id, "sending", attempt=True)
    svc.journal.set_state(job_id, "sent", device_job=str(device_job))
    svc.close()
    svc = service(tmp_path, vprint, sheet, outputs="sheet")
    assert svc.recover_jobs() == [(job_id, "held:outcome_unknown")]
    assert sheet.virtual.jobs[device_job].state == 7
    sheet.virtual.release()
    assert sheet.virtual.printouts == []
    svc.close()


def test_restart_finds_a_job_whose_id_was_lost_by_its_name(tmp_path, vprint, sheet, licence) -> None:
    svc = service(tmp_path, vprint, sheet, outputs="sheet")
    job_id = svc.store_licence("txn-1", licence)
    sheet.virtual.set_fault("media-empty")  # queued at the printer, not started
    device_job = sheet.submit(svc.journal.data(job_id), svc._job_name(job_id), "iso_a4_210x297mm")
    svc.journal.set_state(job_id, "sending", attempt=True)  # crash before the job id was stored
    svc.close()
    svc = service(tmp_path, vprint, sheet, outputs="sheet")
    assert svc.recover_jobs() == [(job_id, "held:not_printed")]
    assert sheet.virtual.jobs[device_job].state == 7
    svc.close()


def test_restart_after_the_sheet_came_out_confirms_it(tmp_path, vprint, sheet, licence) -> None:
    svc = service(tmp_path, vprint, sheet, outputs="sheet")
    job_id = svc.store_licence("txn-1", licence)
    device_job = sheet.submit(svc.journal.data(job_id), svc._job_name(job_id), "iso_a4_210x297mm")
    from drivers.sheetprinter.tracking import wait_until_done

    wait_until_done(sheet, device_job, 5.0, 0.02)
    svc.journal.set_state(job_id, "sending", attempt=True)
    svc.journal.set_state(job_id, "sent", device_job=str(device_job))
    assert svc.settle(job_id) == "printed"
    assert svc.journal.get(job_id).state == "confirmed"
    svc.close()


def test_a_receipt_printer_fault_stops_the_set_before_the_licence_prints(tmp_path, vprint, sheet,
                                                                          licence) -> None:
    from drivers.errors import PrinterCoverOpen

    vprint.virtual.open_cover()
    svc = service(tmp_path, vprint, sheet)
    with pytest.raises(PrinterCoverOpen):
        svc.print_licence("txn-1", licence)
    assert sheet.virtual.jobs == {}  # no licence in the tray without the 回执 that says where it is
    assert {j.kind: j.flag for j in svc.held_jobs()} == {"licence_fuben": "not_printed", "receipt": "not_printed"}
    svc.close()
