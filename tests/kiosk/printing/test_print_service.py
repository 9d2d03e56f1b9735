"""PrintService against the virtual printer over TCP: every injected fault -> typed error,
journal state, and exactly one whole licence after the fix; never a second copy."""

from __future__ import annotations

import functools
import socket
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from printing_testutil import PAYLOAD, make_licence, make_referral

from drivers.errors import (
    PrinterCoverOpen,
    PrinterCutterError,
    PrinterError,
    PrinterJobError,
    PrinterOffline,
    PrinterPaperOut,
)
from drivers.printer.escpos_printer import EscposPrinter
from kiosk.printing.layout import LayoutError, render_licence
from kiosk.printing.service import PrintService


@functools.lru_cache(maxsize=1)
def _reference() -> np.ndarray:
    return np.asarray(render_licence(make_licence()))


def whole_licences(printer: EscposPrinter) -> int:
    """Printouts that are the complete licence (pixel-exact, followed by blank feed only) with a
    readable QR. Scraps from a resync are separate pieces and do not count."""
    ref = _reference()
    n = 0
    for out in printer.virtual.printouts:
        a = np.asarray(out.piece.image)
        if a.shape[0] >= ref.shape[0] and np.array_equal(a[: ref.shape[0]], ref):
            assert a[ref.shape[0] :].all()
            codes = zxingcpp.read_barcodes(out.piece.image.convert("L"))
            assert [c.text for c in codes] == [PAYLOAD]
            n += 1
    return n


def wait_for(pred, timeout: float = 3.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


@pytest.fixture
def svc(vprint: EscposPrinter, tmp_path: Path) -> PrintService:
    return PrintService(vprint, tmp_path / "journal.db", poll_interval_s=0.01)


def test_print_once_and_idempotent(svc: PrintService, vprint: EscposPrinter) -> None:
    lic = make_licence()
    job = svc.print_licence("T1", lic)
    assert svc.journal.get(job).state == "confirmed"
    assert svc.print_licence("T1", lic) == job  # confirmed: not printed again
    assert whole_licences(vprint) == 1 and len(vprint.virtual.printouts) == 1
    assert svc.pending_jobs() == []


def test_reprint_sends_the_stored_bytes(svc: PrintService, vprint: EscposPrinter) -> None:
    job = svc.print_licence("T1", make_licence())
    stored = svc.journal.data(job)
    vprint.virtual.raw_log = bytearray()
    assert svc.reprint(job) == job
    log = bytes(vprint.virtual.raw_log)
    assert log.count(stored) == 1  # the stored job, byte for byte, once
    rest = log.replace(stored, b"")
    assert b"\x1dv0" not in rest  # nothing else printed: only status queries and the process ID
    assert whole_licences(vprint) == 2
    assert svc.journal.get(job).attempts == 2


def test_paper_out_mid_job(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.set_paper(500)
    with pytest.raises(PrinterPaperOut):
        svc.print_licence("T1", make_licence())
    (job,) = svc.pending_jobs()
    assert (job.state, job.error) == ("failed", "printer_paper_out")
    assert whole_licences(vprint) == 0
    with pytest.raises(PrinterPaperOut):  # still empty: checked before sending anything
        svc.print_licence("T1", make_licence())
    vprint.virtual.load_paper()
    assert len(vprint.virtual.torn) == 1 and vprint.virtual.torn[0].piece.image.height == 500
    assert svc.print_licence("T1", make_licence()) == job.job_id
    assert whole_licences(vprint) == 1
    assert svc.journal.get(job.job_id).state == "confirmed"
    assert svc.print_licence("T1", make_licence()) == job.job_id
    assert whole_licences(vprint) == 1


def test_cover_open_before_the_job_sends_nothing(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.open_cover()
    with pytest.raises(PrinterCoverOpen):
        svc.print_licence("T1", make_licence())
    assert vprint.virtual.bytes_received == 12  # only the status query
    job = svc.journal.find("T1", "licence")
    assert job is not None and (job.state, job.attempts) == ("failed", 0)
    vprint.virtual.open_cover(False)
    svc.reprint(job.job_id)
    assert whole_licences(vprint) == 1


def test_cutter_error(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.set_cutter_error()
    with pytest.raises(PrinterCutterError):
        svc.print_licence("T1", make_licence())
    vprint.virtual.set_cutter_error(False)
    svc.print_licence("T1", make_licence())
    assert whole_licences(vprint) == 1


def test_printer_stops_reading(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.set_stop_reading()
    with pytest.raises(PrinterOffline):
        svc.print_licence("T1", make_licence())
    assert svc.journal.find("T1", "licence").state == "failed"  # type: ignore[union-attr]
    vprint.virtual.set_stop_reading(False)
    svc.print_licence("T1", make_licence())
    assert whole_licences(vprint) == 1


@pytest.mark.parametrize("sndbuf", [0, 8192])
def test_printer_stops_reading_mid_job(svc: PrintService, vprint: EscposPrinter, sndbuf: int) -> None:
    """Status fine, then the printer wedges: a send that "succeeds" proves nothing."""
    vp = vprint.virtual
    orig = vp._realtime

    def wedge_after_first_query(cmd: str, arg: int) -> None:
        orig(cmd, arg)
        if cmd == "status" and arg == 4:
            vp.stop_reading = True

    assert vprint.status().ready
    if sndbuf:  # our kernel's send buffer decides whether the whole job can be handed over
        vprint.link.escpos.device.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    vp.decoder.on_realtime = wedge_after_first_query
    # the write times out, or (if kernel buffers swallowed the job) the post-job query does
    with pytest.raises(PrinterOffline, match="stopped reading|no reply"):
        svc.print_licence("T1", make_licence())
    job = svc.journal.find("T1", "licence")
    assert job is not None and job.state == "failed" and job.error == "printer_offline"
    assert vp.printouts == []
    vp.decoder.on_realtime = orig
    assert job.flag == ("" if sndbuf else "outcome_unknown")
    if job.flag == "outcome_unknown":  # the whole job was handed over before the silence
        with pytest.raises(PrinterJobError, match="outcome unknown"):
            svc.print_licence("T1", make_licence())  # no automatic second copy
        vp.set_stop_reading(False)
        assert wait_for(lambda: whole_licences(vprint) == 1)  # the printer wakes, prints it
        svc.confirm_printed(job.job_id)  # the technician saw it
    else:  # the write timed out: the printer can only hold a part of it
        vp.set_stop_reading(False)
        svc.print_licence("T1", make_licence())
    assert svc.print_licence("T1", make_licence()) == job.job_id
    assert whole_licences(vprint) == 1
    assert svc.journal.get(job.job_id).state == "confirmed"


def test_connection_dropped_mid_job(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.drop_connection_after(12 + 30_000)  # status query, then 30 KB of the job
    with pytest.raises(PrinterOffline, match="connection lost|write failed"):
        svc.print_licence("T1", make_licence())
    job = svc.journal.find("T1", "licence")
    assert job is not None and job.state == "failed"
    assert svc.print_licence("T1", make_licence()) == job.job_id
    assert whole_licences(vprint) == 1
    assert vprint.virtual.decode_errors == []


def test_near_end_warns_and_prints(svc: PrintService, vprint: EscposPrinter) -> None:
    seen: list[str] = []
    svc.on_warning = seen.append
    vprint.virtual.set_near_end()
    job = svc.print_licence("T1", make_licence())
    assert seen == ["printer_paper_near_end"]
    info = svc.journal.get(job)
    assert (info.state, info.warning) == ("confirmed", "printer_paper_near_end")
    assert whole_licences(vprint) == 1


def test_referral_receipt(svc: PrintService, vprint: EscposPrinter) -> None:
    job = svc.print_referral("T9", make_referral())
    assert svc.print_referral("T9", make_referral()) == job
    assert len(vprint.virtual.printouts) == 1
    assert svc.journal.get(job).kind == "referral"


def test_layout_error_journals_nothing(svc: PrintService) -> None:
    with pytest.raises(LayoutError):
        svc.print_licence("T1", make_licence(name="\U000f0000"))
    assert svc.journal.find("T1", "licence") is None


def test_voided_job_is_never_printed(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.open_cover()
    with pytest.raises(PrinterCoverOpen):
        svc.print_licence("T1", make_licence())
    job = svc.journal.find("T1", "licence")
    assert job is not None
    svc.void(job.job_id)
    vprint.virtual.open_cover(False)
    for call in (lambda: svc.print_licence("T1", make_licence()), lambda: svc.reprint(job.job_id)):
        with pytest.raises(PrinterJobError, match="voided"):
            call()
    assert vprint.virtual.printouts == []


def _crash_in(db: Path, txn: str, state: str, age_s: float = 0) -> None:
    con = sqlite3.connect(db)
    con.execute("UPDATE print_jobs SET state=?, created=created-? WHERE txn_id=?", (state, age_s, txn))
    con.commit()
    con.close()


def test_restart_resumes_or_flags(vprint: EscposPrinter, tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    svc = PrintService(vprint, db, poll_interval_s=0.01)
    vprint.virtual.open_cover()
    for txn in ("queued", "sending", "sent", "old"):
        with pytest.raises(PrinterCoverOpen):
            svc.print_licence(txn, make_licence())
    svc.close()
    for txn in ("queued", "sending", "sent"):
        _crash_in(db, txn, txn)
    _crash_in(db, "old", "queued", age_s=3600)
    vprint.virtual.open_cover(False)

    svc = PrintService(vprint, db, poll_interval_s=0.01)  # "after the restart"
    actions = dict(svc.resume_unfinished())
    by_txn = {j.txn_id: j for j in svc.journal.jobs()}
    assert actions[by_txn["queued"].job_id] == "resumed"
    assert actions[by_txn["sending"].job_id] == "resumed"
    assert actions[by_txn["sent"].job_id] == "flagged:outcome_unknown"
    assert actions[by_txn["old"].job_id] == "flagged:stale_after_restart"
    assert whole_licences(vprint) == 2
    assert by_txn["sent"].flag == "outcome_unknown"
    with pytest.raises(PrinterJobError, match="outcome unknown"):
        svc.print_licence("sent", make_licence())  # never a silent second copy
    assert {j.txn_id for j in svc.pending_jobs()} == {"sent", "old"}
    svc.reprint(by_txn["sent"].job_id)  # technician's decision
    assert whole_licences(vprint) == 3
    assert svc.resume_unfinished() == []


def test_resume_with_printer_still_broken(vprint: EscposPrinter, tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    svc = PrintService(vprint, db)
    vprint.virtual.set_paper(0)
    with pytest.raises(PrinterPaperOut):
        svc.print_licence("T1", make_licence())
    _crash_in(db, "T1", "sending")
    assert [a for _, a in svc.resume_unfinished()] == ["failed:printer_paper_out"]
    assert svc.journal.find("T1", "licence").state == "failed"  # type: ignore[union-attr]


def test_confirmation_by_process_id(svc: PrintService, vprint: EscposPrinter) -> None:
    assert vprint.confirm_by_process_id
    job = svc.print_licence("T1", make_licence())
    assert svc.journal.get(job).state == "confirmed"
    assert len(vprint.virtual.process_ids) == 1 and vprint.virtual.process_ids[0].isdigit()


def test_missing_process_id_response_is_outcome_unknown(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.answer_process_id = False  # configured for a model that lacks GS ( H
    with pytest.raises(PrinterOffline, match="process-ID"):
        svc.print_licence("T1", make_licence())
    job = svc.journal.find("T1", "licence")
    assert job is not None and (job.state, job.flag) == ("failed", "outcome_unknown")
    assert whole_licences(vprint) == 1  # it did print: hence no automatic second copy
    with pytest.raises(PrinterJobError, match="outcome unknown"):
        svc.print_licence("T1", make_licence())


class _VirtualTime:
    """The print service's clock: sleeping moves it on instead of waiting, so the number of
    status polls in the wait does not depend on how fast the machine answers them."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    @staticmethod
    def time() -> float:
        return time.time()


def test_confirmation_waits_for_the_mechanism(
    vprint: EscposPrinter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.printing import service as service_module

    clock = _VirtualTime()
    monkeypatch.setattr(service_module, "time", clock)
    vprint.confirm_by_process_id = False  # models without GS ( H: wait for the estimated time
    vprint.confirm_wait_s = 0.3
    svc = PrintService(vprint, tmp_path / "j.db", poll_interval_s=0.05)
    svc.print_licence("T1", make_licence())
    assert clock.now >= 0.3
    assert vprint.virtual.status_queries >= 4 * 4  # before, and polled while printing


FAULTS = st.sampled_from(["none", "paper", "cover", "cutter", "drop"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    faults=st.lists(st.tuples(FAULTS, st.integers(1, 2500)), min_size=1, max_size=4),
)
def test_property_one_whole_licence_per_transaction(
    tmp_path_factory: pytest.TempPathFactory, faults: list[tuple[str, int]]
) -> None:
    """Any sequence of faults, each fixed before the next try: per transaction exactly one whole
    licence comes out, and the journal ends confirmed."""
    from drivers.printer.factory import VirtualPrinterOptions, create_virtual

    var = tmp_path_factory.mktemp("prop")
    opts = VirtualPrinterOptions(status_timeout_s=1.0, write_timeout_s=1.0, confirm_wait_s=0.0)
    printer = create_virtual(opts, var)
    vp = printer.virtual
    svc = PrintService(printer, var / "journal.db", poll_interval_s=0.01)
    try:
        for k, (fault, n) in enumerate(faults):
            txn = f"T{k}"
            if fault == "paper":
                vp.set_paper(n)
            elif fault == "cover":
                vp.open_cover()
            elif fault == "cutter":
                vp.set_cutter_error()
            elif fault == "drop":
                vp.drop_connection_after(n * 40)
            try:
                svc.print_licence(txn, make_licence())
            except PrinterError:
                vp.load_paper()
                vp.open_cover(False)
                vp.set_cutter_error(False)
                vp.drop_connection_after(None)
                svc.print_licence(txn, make_licence())
            svc.print_licence(txn, make_licence())  # idempotent
            assert svc.journal.find(txn, "licence").state == "confirmed"  # type: ignore[union-attr]
            assert whole_licences(printer) == k + 1
        assert vp.decode_errors == []
    finally:
        svc.close()
        printer.close()
