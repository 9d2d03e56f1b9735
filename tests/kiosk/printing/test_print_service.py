"""PrintService against the virtual printer over TCP: every injected fault -> typed error,
journal state (a document whose print failed is held for staff), and exactly one whole licence
after staff reprint it; never a second copy by itself."""

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
from PIL import Image
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
from kiosk.printing.layout import LayoutError, render_licence, render_referral
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
    vprint.virtual.set_cutter_error()
    with pytest.raises(PrinterCutterError):
        svc.print_licence("T1", make_licence())
    job = svc.journal.find("T1", "licence")
    assert job is not None and (job.state, job.flag, job.attempts) == ("held", "not_printed", 0)
    stored = svc.journal.data(job.job_id)
    vprint.virtual.set_cutter_error(False)
    vprint.virtual.raw_log = bytearray()
    assert svc.reprint(job.job_id) == job.job_id
    log = bytes(vprint.virtual.raw_log)
    assert log.count(stored) == 1  # the stored job, byte for byte, once
    rest = log.replace(stored, b"")
    assert b"\x1dv0" not in rest  # nothing else printed: only status queries and the process ID
    assert whole_licences(vprint) == 1
    assert svc.journal.get(job.job_id).attempts == 1
    assert svc.journal.events(job.job_id)[-3:] == [("sending", "reprint:staff"), ("sent", ""), ("confirmed", "")]


def test_a_printed_licence_is_never_reprinted(svc: PrintService, vprint: EscposPrinter) -> None:
    job = svc.print_licence("T1", make_licence())
    with pytest.raises(PrinterJobError, match="confirmed: only a held job"):
        svc.reprint(job)
    for action in (svc.void, svc.confirm_printed):
        with pytest.raises(PrinterJobError, match="is confirmed, not held"):
            action(job)
    assert whole_licences(vprint) == 1 and svc.journal.get(job).state == "confirmed"


def test_paper_out_mid_job(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.set_paper(500)
    with pytest.raises(PrinterPaperOut):
        svc.print_licence("T1", make_licence())
    (job,) = svc.pending_jobs()
    assert (job.state, job.error, job.flag) == ("held", "printer_paper_out", "print_failed")
    assert svc.held_jobs() == [job]
    assert whole_licences(vprint) == 0
    with pytest.raises(PrinterJobError, match="held for staff"):  # the flow never prints it again
        svc.print_licence("T1", make_licence())
    with pytest.raises(PrinterPaperOut):  # still empty: checked before sending anything
        svc.reprint(job.job_id)
    assert (svc.journal.get(job.job_id).state, svc.journal.get(job.job_id).flag) == ("held", "print_failed")
    vprint.virtual.load_paper()
    assert len(vprint.virtual.torn) == 1 and vprint.virtual.torn[0].piece.image.height == 500
    assert svc.reprint(job.job_id) == job.job_id  # staff, with the applicant in front of them
    assert whole_licences(vprint) == 1
    assert svc.journal.get(job.job_id).state == "confirmed" and svc.held_jobs() == []
    assert svc.print_licence("T1", make_licence()) == job.job_id
    assert whole_licences(vprint) == 1


def test_cover_open_before_the_job_sends_nothing(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.open_cover()
    with pytest.raises(PrinterCoverOpen):
        svc.print_licence("T1", make_licence())
    assert vprint.virtual.bytes_received == 12  # only the status query
    job = svc.journal.find("T1", "licence")
    assert job is not None and (job.state, job.attempts, job.flag) == ("held", 0, "not_printed")
    vprint.virtual.open_cover(False)
    svc.reprint(job.job_id)
    assert whole_licences(vprint) == 1


def test_cutter_error(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.set_cutter_error()
    with pytest.raises(PrinterCutterError):
        svc.print_licence("T1", make_licence())
    vprint.virtual.set_cutter_error(False)
    svc.reprint(svc.held_jobs()[0].job_id)
    assert whole_licences(vprint) == 1


def test_printer_stops_reading(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.set_stop_reading()
    with pytest.raises(PrinterOffline):
        svc.print_licence("T1", make_licence())
    job = svc.journal.find("T1", "licence")
    assert job is not None and job.state == "held"
    vprint.virtual.set_stop_reading(False)
    svc.reprint(job.job_id)
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
    assert job is not None and job.state == "held" and job.error == "printer_offline"
    assert vp.printouts == []
    vp.decoder.on_realtime = orig
    assert job.flag == ("print_failed" if sndbuf else "outcome_unknown")
    with pytest.raises(PrinterJobError, match="held for staff"):
        svc.print_licence("T1", make_licence())  # no automatic second copy
    if job.flag == "outcome_unknown":  # the whole job was handed over before the silence
        vp.set_stop_reading(False)
        assert wait_for(lambda: whole_licences(vprint) == 1)  # the printer wakes, prints it
        svc.confirm_printed(job.job_id)  # staff found it in the tray
    else:  # the write timed out: the printer can only hold a part of it
        vp.set_stop_reading(False)
        svc.reprint(job.job_id)
    assert svc.print_licence("T1", make_licence()) == job.job_id
    assert whole_licences(vprint) == 1
    assert svc.journal.get(job.job_id).state == "confirmed"


def test_connection_dropped_mid_job(svc: PrintService, vprint: EscposPrinter) -> None:
    vprint.virtual.drop_connection_after(12 + 30_000)  # status query, then 30 KB of the job
    with pytest.raises(PrinterOffline, match="connection lost|write failed"):
        svc.print_licence("T1", make_licence())
    job = svc.journal.find("T1", "licence")
    assert job is not None and (job.state, job.flag) == ("held", "print_failed")
    assert svc.reprint(job.job_id) == job.job_id
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


def test_referral_receipt_carries_the_configured_place_to_ask(vprint: EscposPrinter, tmp_path: Path) -> None:
    where = "南山区市场监督管理局 3号窗口  电话 0755-12345678 周一至周五 9:00-17:00"  # two lines on paper
    svc = PrintService(vprint, tmp_path / "journal.db", poll_interval_s=0.01, enquiries=where)
    job = svc.journal.get(svc.print_referral("T9", make_referral()))
    assert job.rows == render_referral(make_referral(), enquiries=where).height
    assert job.rows > render_referral(make_referral()).height


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


def _journal_jobs_as_a_crash_left_them(vprint: EscposPrinter, db: Path) -> None:
    svc = PrintService(vprint, db, poll_interval_s=0.01)
    vprint.virtual.open_cover()
    for txn in ("queued", "sending", "sent", "old"):
        with pytest.raises(PrinterCoverOpen):
            svc.print_licence(txn, make_licence())
    with pytest.raises(PrinterCoverOpen):
        svc.print_image("test-1", "test", Image.new("1", (576, 40), 1))
    svc.close()
    for txn in ("queued", "sending", "sent"):
        _crash_in(db, txn, txn)
    _crash_in(db, "old", "queued", age_s=3600)
    _crash_in(db, "test-1", "sending")
    vprint.virtual.open_cover(False)


def test_restart_holds_every_unprinted_document(vprint: EscposPrinter, tmp_path: Path) -> None:
    """Nobody may be at the kiosk after a restart: nothing is printed into an unwatched tray."""
    db = tmp_path / "journal.db"
    _journal_jobs_as_a_crash_left_them(vprint, db)
    svc = PrintService(vprint, db, poll_interval_s=0.01)  # "after the restart"
    actions = dict(svc.recover_jobs())
    by_txn = {j.txn_id: j for j in svc.journal.jobs()}
    assert {txn: actions[j.job_id] for txn, j in by_txn.items()} == {
        "queued": "held:not_printed", "sending": "held:outcome_unknown", "sent": "held:outcome_unknown",
        "old": "held:not_printed", "test-1": "voided"}
    assert vprint.virtual.printouts == []
    assert {j.txn_id for j in svc.held_jobs()} == {"queued", "sending", "sent", "old"}
    with pytest.raises(PrinterJobError, match="held for staff"):
        svc.print_licence("sent", make_licence())  # never a silent second copy
    svc.reprint(by_txn["queued"].job_id)  # staff, with the applicant
    svc.confirm_printed(by_txn["sent"].job_id)  # staff found it in the tray
    svc.void(by_txn["old"].job_id)
    assert whole_licences(vprint) == 1
    assert svc.recover_jobs() == []  # held stays held: the next restart changes nothing
    assert [j.txn_id for j in svc.held_jobs()] == ["sending"]
    assert svc.journal.events(by_txn["old"].job_id)[-2:] == [("held", "not_printed after_restart"),
                                                            ("voided", "voided:staff")]


def test_policy_print_resumes_recent_jobs_that_cannot_have_printed(vprint: EscposPrinter, tmp_path: Path) -> None:
    """A bureau whose staff watch the tray: a recent job that cannot have come out whole is
    printed when the kiosk is back; one that may have come out never is."""
    db = tmp_path / "journal.db"
    _journal_jobs_as_a_crash_left_them(vprint, db)
    svc = PrintService(vprint, db, poll_interval_s=0.01, recovered_print="print")
    actions = dict(svc.recover_jobs())
    by_txn = {j.txn_id: j for j in svc.journal.jobs()}
    assert {txn: actions[j.job_id] for txn, j in by_txn.items()} == {
        "queued": "printed", "sending": "held:outcome_unknown", "sent": "held:outcome_unknown",
        "old": "held:not_printed", "test-1": "voided"}
    assert whole_licences(vprint) == 1
    assert svc.recover_jobs() == []


def test_policy_print_with_the_printer_still_broken(vprint: EscposPrinter, tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    svc = PrintService(vprint, db, recovered_print="print")
    vprint.virtual.set_paper(0)
    with pytest.raises(PrinterPaperOut):
        svc.print_licence("T1", make_licence())
    _crash_in(db, "T1", "queued")
    assert [a for _, a in svc.recover_jobs()] == ["held:not_printed"]
    job = svc.journal.find("T1", "licence")
    assert job is not None and (job.state, job.error) == ("held", "printer_paper_out")
    vprint.virtual.load_paper()
    assert [a for _, a in svc.recover_jobs()] == ["printed"]  # the next healthy probe
    assert whole_licences(vprint) == 1


def test_a_held_job_stays_visible_behind_many_printed_ones(svc: PrintService, vprint: EscposPrinter,
                                                           tmp_path: Path) -> None:
    vprint.virtual.open_cover()
    with pytest.raises(PrinterCoverOpen):
        svc.print_licence("T-old", make_licence())
    con = sqlite3.connect(tmp_path / "journal.db")  # a busy kiosk's next 2,000 printed licences
    con.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                "INSERT INTO print_jobs (job_id, txn_id, kind, state, rows, nbytes, payload, created, updated) "
                "SELECT printf('%032x', i), 'T' || i, 'licence', 'confirmed', 1, 1, x'00', 2e9 + i, 2e9 + i FROM n")
    con.commit()
    con.close()
    assert [j.txn_id for j in svc.held_jobs()] == ["T-old"]


def test_an_unknown_policy_is_refused(vprint: EscposPrinter, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="recovered_print must be one of hold, print, not 'auto'"):
        PrintService(vprint, tmp_path / "j.db", recovered_print="auto")


def test_staff_actions_from_two_processes_never_both_win(vprint: EscposPrinter, tmp_path: Path) -> None:
    """The kiosk's screen and `diag printer` share the journal: whoever acts first wins, the
    other is refused instead of printing a voided licence or voiding a printed one."""
    db = tmp_path / "journal.db"
    kiosk = PrintService(vprint, db, poll_interval_s=0.01)
    vprint.virtual.open_cover()
    with pytest.raises(PrinterCoverOpen):
        kiosk.print_licence("T1", make_licence())
    vprint.virtual.open_cover(False)
    (job,) = kiosk.held_jobs()
    technician = PrintService(vprint, db, poll_interval_s=0.01)  # another process, same files
    technician.void(job.job_id, by="cli")
    with pytest.raises(PrinterJobError, match="voided"):
        kiosk.reprint(job.job_id)
    with pytest.raises(PrinterJobError, match="is voided, not held"):
        kiosk.confirm_printed(job.job_id)
    assert vprint.virtual.printouts == []
    claimed_meanwhile = kiosk.journal.set_state  # the other process claims between our read and our claim

    def racing_set_state(job_id: str, state: str, **kw: object) -> None:
        if state == "sending":
            _crash_in(db, "T2", "voided")
        claimed_meanwhile(job_id, state, **kw)  # type: ignore[arg-type]

    vprint.virtual.open_cover()
    with pytest.raises(PrinterCoverOpen):
        kiosk.print_licence("T2", make_licence())
    vprint.virtual.open_cover(False)
    kiosk.journal.set_state = racing_set_state  # type: ignore[method-assign]
    with pytest.raises(PrinterJobError, match="is voided, not held"):
        kiosk.reprint(kiosk.journal.find("T2", "licence").job_id)  # type: ignore[union-attr]
    assert vprint.virtual.printouts == []


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
    assert job is not None and (job.state, job.flag) == ("held", "outcome_unknown")
    assert whole_licences(vprint) == 1  # it did print: hence no automatic second copy
    with pytest.raises(PrinterJobError, match="held for staff"):
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
    """Any sequence of faults, each fixed before staff print the held licence again: per
    transaction exactly one whole licence comes out, and the journal ends confirmed."""
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
                (held,) = svc.held_jobs()
                svc.reprint(held.job_id)
            svc.print_licence(txn, make_licence())  # idempotent
            assert svc.journal.find(txn, "licence").state == "confirmed"  # type: ignore[union-attr]
            assert whole_licences(printer) == k + 1
        assert vp.decode_errors == []
    finally:
        svc.close()
        printer.close()
