"""What the kiosk flow calls to print: journaled, status-checked, printed at most once by itself.

Each job: render once -> store the bytes (encrypted) -> check status -> send -> wait for the
mechanism while polling status -> confirmed. The service prints a document (licence, referral
receipt) only while its applicant is known to stand at the kiosk: the flow's one attempt. When
that attempt fails, or a crash interrupts it, the document is *held*: kept, never printed to a tray
nobody watches, and printed again only by staff (``reprint``) unless the bureau's policy
``recovered_print = "print"`` says its tray is supervised. Staff can also ``confirm_printed`` (it
did come out) or ``void`` it. Test pages are simply ``failed``.
With a sheet printer (``outputs`` "sheet" or "sheet+receipt") the licence is one PDF job per copy
on the stock, followed in the print system (CUPS) to "completed" and cancelled there when it
stops, plus the 回执 on the thermal printer.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drivers.errors import PrinterError, PrinterJobError, PrinterNoReply, PrinterOffline
from drivers.printer.base import Printer
from drivers.printer.profiles import PrinterProfile
from drivers.printer.status import raise_for_status
from drivers.registry.models import Decision, Licence
from kiosk.printing.journal import (
    FINAL,
    SHEET_PREFIX,
    SHEET_TEST,
    STATES,
    JobInfo,
    PrintJournal,
    is_document,
    is_sheet,
)
from kiosk.printing.layout import Fonts, render_licence, render_receipt, render_referral
from kiosk.printing.raster import build_job

log = logging.getLogger(__name__)

NEAR_END = "printer_paper_near_end"
RECOVERED_PRINT = ("hold", "print")  # policy.recovered_print
OUTPUTS = ("thermal", "sheet", "sheet+receipt")  # printing.outputs: where the licence goes
# Why a document is held, for the staff member who decides what to do with it:
NOT_PRINTED = "not_printed"  # nothing of it left the kiosk: print it
PRINT_FAILED = "print_failed"  # printing started and failed: at most a torn part came out
OUTCOME_UNKNOWN = "outcome_unknown"  # it may have come out whole: look in the tray first
REPRINTABLE = (NOT_PRINTED, PRINT_FAILED)  # what "print" policy may print again by itself


def specimen_licence() -> Licence:
    """A made-up licence for test pages and previews (no real person)."""
    return Licence(
        uscc="92450100MA5XXXXX0A", name="示例市示例区样本小吃店", entity_type="个体工商户", operator="样本",
        composition="个人经营", premises="示例省示例市示例区示例路1号",
        scope="一般项目：餐饮管理；食品销售（仅销售预包装食品）（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
        registration_date="2019-01-01", authority="示例市示例区市场监督管理局", qr_payload="KIOSK SHEET PRINTER TEST")


def held_jobs(journal: PrintJournal) -> list[JobInfo]:
    """Documents waiting for staff, newest first: held, or left unfinished by a crash that
    recovery has not settled yet (what `diag printer` sees while the kiosk is stopped)."""
    unfinished = tuple(state for state in STATES if state not in FINAL)
    return [j for j in journal.jobs(unfinished, limit=10_000) if is_document(j.kind)]


class PrintService:
    def __init__(
        self,
        printer: Printer,
        db_path: Path | str,
        *,
        key_path: Path | None = None,
        on_warning: Callable[[str], None] | None = None,
        fonts: Fonts | None = None,
        poll_interval_s: float = 0.2,
        resume_max_age_s: float = 300.0,
        recovered_print: str = "hold",
        sheet: Any = None,
        outputs: str = "thermal",
        layouts: tuple[Any, ...] = (),
        collect_at: str = "",
        enquiries: str = "",
    ) -> None:
        """``sheet`` (a drivers.sheetprinter SheetPrinter) and ``layouts`` (one
        kiosk.printing.sheet_layout.Layout per copy, 副本 first) are needed unless ``outputs`` is
        "thermal"; ``collect_at`` is the receipt's line on where the licence is collected,
        ``enquiries`` the referral receipt's line on where to ask ([registry] enquiries)."""
        if outputs not in OUTPUTS:
            raise ValueError(f"printing.outputs must be one of {', '.join(OUTPUTS)}, not {outputs!r}")
        if outputs != "thermal" and (sheet is None or not layouts):
            raise ValueError(f"printing.outputs {outputs!r} needs a sheet printer and at least one layout")
        if recovered_print not in RECOVERED_PRINT:
            raise ValueError(f"policy.recovered_print must be one of {', '.join(RECOVERED_PRINT)}, "
                             f"not {recovered_print!r}")
        self.printer = printer
        self.journal = PrintJournal(Path(db_path), key_path)
        self.on_warning = on_warning
        self.fonts = fonts
        self.poll_interval_s = poll_interval_s
        self.resume_max_age_s = resume_max_age_s
        self.recovered_print = recovered_print
        self.profile: PrinterProfile = getattr(printer, "profile", None) or PrinterProfile(
            "generic", printer.width_dots, 203, 200.0, 120
        )
        self.sheet = sheet
        self.outputs = outputs
        self.layouts = {f"{SHEET_PREFIX}{layout.stock.name}": layout for layout in layouts}
        self.collect_at = collect_at or "请在本机出纸口取走营业执照。 Collect your licence from the kiosk's paper tray."
        self.enquiries = enquiries
        self.warnings: set[str] = set()
        self._lock = threading.RLock()
        self._active: str | None = None  # the job being printed right now, not "held"

    def close(self) -> None:
        self.journal.close()

    # --- API for the flow --------------------------------------------------------------------
    def print_licence(self, txn_id: str, licence: Licence) -> str:
        """Job id of the printed licence for this transaction. Raises typed printer errors; a
        failed attempt leaves the licence held for staff."""
        with self._lock:
            first = self.store_licence(txn_id, licence)
            if self.outputs == "thermal":
                return self._ensure_printed(first)
            return self._print_set(txn_id)

    def print_referral(self, txn_id: str, decision: Decision) -> str:
        """Receipt with the tracking number for an application sent to manual review."""
        with self._lock:
            return self._ensure_printed(self.store_referral(txn_id, decision))

    def store_licence(self, txn_id: str, licence: Licence) -> str:
        """Journal the licence without printing it (recovery: nobody may be at the kiosk).
        On sheet stock: one PDF job per copy (副本 first) and the thermal 回执 if configured;
        returns the first copy's job id."""
        with self._lock:
            if self.outputs == "thermal":
                job = self.journal.find(txn_id, "licence")
                if job is not None:
                    return job.job_id
                img = render_licence(licence, self.profile.width_dots, self.fonts)
                return self.journal.add(txn_id, "licence", build_job(img, self.profile), img.height)
            from kiosk.printing.sheet_pdf import render_sheet

            ids = []
            for kind, layout in self.layouts.items():
                job = self.journal.find(txn_id, kind)
                if job is None:
                    pdf = render_sheet(licence, layout).pdf
                    ids.append(self.journal.add(txn_id, kind, pdf, 1))
                else:
                    ids.append(job.job_id)
            if self.outputs == "sheet+receipt" and self.journal.find(txn_id, "receipt") is None:
                img = render_receipt(licence, txn_id[:12].upper(), self.collect_at, self.profile.width_dots,
                                     self.fonts)
                self.journal.add(txn_id, "receipt", build_job(img, self.profile), img.height)
            return ids[0]

    def _set_jobs(self, txn_id: str) -> list[JobInfo]:
        """The transaction's licence copies in layout order, then its receipt."""
        jobs = [self.journal.find(txn_id, kind) for kind in self.layouts]
        if self.outputs == "sheet+receipt":
            jobs.append(self.journal.find(txn_id, "receipt"))
        return [j for j in jobs if j is not None]

    def _print_set(self, txn_id: str) -> str:
        """Every printer the set needs is checked before the first sheet moves, so a jam or an
        empty tray stops it before the applicant is told to collect anything; then each copy is
        followed to "completed", then the receipt. A failure holds what is left for staff."""
        jobs = self._set_jobs(txn_id)
        todo = [j for j in jobs if j.state == "queued"]
        try:
            if todo:
                if any(is_sheet(j.kind) for j in todo):
                    self._check_sheet()
                if any(not is_sheet(j.kind) for j in todo):
                    self._check()
            for job in jobs:
                self._ensure_printed(job.job_id)
        except PrinterError as exc:
            for job in self._set_jobs(txn_id):
                if job.state == "queued":
                    self.journal.set_state(job.job_id, "held", expect=("queued",), error=exc.code, flag=NOT_PRINTED,
                                           detail="set_stopped")
            raise
        return jobs[0].job_id

    def store_referral(self, txn_id: str, decision: Decision) -> str:
        with self._lock:
            job = self.journal.find(txn_id, "referral")
            if job is not None:
                return job.job_id
            img = render_referral(decision, self.profile.width_dots, self.fonts, enquiries=self.enquiries)
            return self.journal.add(txn_id, "referral", build_job(img, self.profile), img.height)

    def document_job(self, txn_id: str) -> JobInfo | None:
        """The licence (first copy on sheet stock) or referral job of a transaction, if journaled."""
        for kind in ("licence", *self.layouts, "referral"):
            job = self.journal.find(txn_id, kind)
            if job is not None:
                return job
        return None

    def print_image(self, txn_id: str, kind: str, img: Any) -> str:
        """Any 1-bit image as a journaled job (test page, diagnostics report)."""
        with self._lock:
            job_id = self.journal.add(txn_id, kind, build_job(img, self.profile), img.height)
            return self._run(job_id, ("queued",))

    def print_sheet_test(self, licence: Licence | None = None) -> str:
        """A specimen licence in plain-paper mode on the sheet printer (frame and fixed texts
        drawn): for a technician with plain paper in the tray, never for the licence stock."""
        from kiosk.printing.sheet_pdf import render_sheet

        with self._lock:
            layout = next(iter(self.layouts.values()), None)
            if self.sheet is None or layout is None:
                raise PrinterJobError("no sheet printer and layout configured")
            pdf = render_sheet(licence or specimen_licence(), layout, plain=True).pdf
            job_id = self.journal.add(f"sheet-test-{secrets.token_hex(6)}", SHEET_TEST, pdf, 1)
            return self._run(job_id, ("queued",))

    # --- staff actions (diagnostics printer page, `diag printer`) -----------------------------
    def reprint(self, job_id: str, by: str = "staff") -> str:
        """Send a held document's stored bytes again, whole (or a failed test page). Refused for
        a printed or voided job: a second copy of a licence is never one tap away."""
        with self._lock:
            job = self.journal.get(job_id)
            if job.state not in ("held", "failed"):
                raise PrinterJobError(f"job {job_id} is {job.state}: only a held job is printed again")
            return self._run(job_id, (job.state,), detail=f"reprint:{by}")

    def confirm_printed(self, job_id: str, by: str = "staff") -> None:
        """Staff decision: the held document did come out (e.g. found in the tray)."""
        with self._lock:
            self.journal.confirm_held(job_id, by)

    def void(self, job_id: str, by: str = "staff") -> None:
        """Staff decision: this job must never be printed (again)."""
        with self._lock:
            self.journal.void(job_id, by)

    # --- what diagnostics show ---------------------------------------------------------------
    def held_jobs(self) -> list[JobInfo]:
        """Documents waiting for staff, newest first (never the job printing right now)."""
        return [j for j in held_jobs(self.journal) if j.job_id != self._active]

    def pending_jobs(self) -> list[JobInfo]:
        """Jobs not confirmed and not voided, newest first."""
        return self.journal.jobs(("queued", "sending", "sent", "failed", "held"))

    def recent_jobs(self, limit: int = 10) -> list[JobInfo]:
        return self.journal.jobs(limit=limit)

    # --- after a restart ---------------------------------------------------------------------
    def settle(self, job_id: str, since: float | None = None) -> str:
        """After a restart, or after the applicant's own attempt ended: what becomes of one job.

        Returns "printed", "voided", or "held:<flag>". A document not known printed is held with
        the reason staff need: queued -> not_printed; sending or sent -> outcome_unknown (the
        printer may have all of it); failed (older journals) -> print_failed. Under the policy
        "print", a held document that cannot have come out whole is printed again if it is
        younger than ``resume_max_age_s`` (counted from ``since`` when older, e.g. the
        transaction's last step). A test page is voided.
        """
        with self._lock:
            job = self.journal.get(job_id)
            if job.state == "confirmed":
                return "printed"
            if job.state == "voided":
                return "voided"
            if not is_document(job.kind):
                self.journal.set_state(job_id, "voided", expect=(job.state,), detail="after_restart")
                return "voided"
            flag = job.flag
            if is_sheet(job.kind) and job.state in ("sending", "sent"):
                settled = self._settle_sheet(job)
                if settled == "printed":
                    return "printed"
                self.journal.set_state(job_id, "held", expect=(job.state,), flag=settled, detail="after_restart")
                job, flag = self.journal.get(job_id), settled
            if job.state != "held":
                flag = {"queued": NOT_PRINTED, "failed": job.flag or PRINT_FAILED}.get(job.state, OUTCOME_UNKNOWN)
                self.journal.set_state(job_id, "held", expect=(job.state,), flag=flag, detail="after_restart")
            age = time.time() - min(job.created, since if since is not None else job.created)
            if self.recovered_print == "print" and flag in REPRINTABLE and age <= self.resume_max_age_s:
                try:
                    self._run(job_id, ("held",), detail="reprint:policy")
                    return "printed"
                except PrinterError as exc:
                    log.warning("held print job not printed by policy", extra={"job": job_id, "code": exc.code})
                    flag = self.journal.get(job_id).flag
            return f"held:{flag}"

    def recover_jobs(self) -> list[tuple[str, str]]:
        """Start-up and after each healthy probe: (job id, outcome) for every job a crash or a
        failed attempt left behind; see ``settle``. Held documents stay held under "hold"."""
        states = ("queued", "sending", "sent", "failed") + (("held",) if self.recovered_print == "print" else ())
        actions: list[tuple[str, str]] = []
        with self._lock:
            for job in reversed(self.journal.jobs(states, limit=1000)):
                before = job.state
                outcome = self.settle(job.job_id)
                if before != "held" or outcome == "printed":
                    actions.append((job.job_id, outcome))
        for job_id, outcome in actions:
            log.warning("print job settled after restart", extra={"job": job_id, "outcome": outcome})
        return actions

    def _settle_sheet(self, job: JobInfo) -> str:
        """A sheet job a crash left with the print system: printed, or cancelled there before it
        can print into a tray nobody watches. Returns "printed" or the flag to hold it with.
        An unreachable print system raises (recovery tries again at the next probe)."""
        if self.sheet is None:  # configured away since: staff decide
            return OUTCOME_UNKNOWN
        name = self._job_name(job.job_id)
        ids = [int(job.device_job)] if job.device_job.isdigit() else []
        ids += [j for j in self.sheet.active_jobs(name) if j not in ids]
        if not ids:  # never reached the print system
            return NOT_PRINTED
        states = []
        for device_job in ids:
            sj = self.sheet.job(device_job)
            if sj.state == 9:  # completed: the sheet came out
                self.journal.set_state(job.job_id, "confirmed", expect=(job.state,), flag="", detail="after_restart")
                return "printed"
            if not sj.final:
                self.sheet.cancel(device_job)
            states.append(sj)
        from drivers.sheetprinter.tracking import started

        return OUTCOME_UNKNOWN if any(started(sj) for sj in states) else NOT_PRINTED

    # --- the job cycle -------------------------------------------------------------------------
    def _ensure_printed(self, job_id: str) -> str:
        job = self.journal.get(job_id)
        if job.state == "confirmed":
            return job_id
        if job.state == "voided":
            raise PrinterJobError(f"job {job_id} was voided")
        if job.state != "queued":
            raise PrinterJobError(f"job {job_id} is {job.state}: held for staff, not printed again by itself")
        return self._run(job_id, ("queued",))

    def _check(self) -> None:
        status = self.printer.status()
        raise_for_status(status)
        if status.paper_near_end:
            if NEAR_END not in self.warnings:
                log.warning("printer paper near end")
                if self.on_warning:
                    self.on_warning(NEAR_END)
            self.warnings.add(NEAR_END)
        else:
            self.warnings.discard(NEAR_END)

    def _run(self, job_id: str, claim_from: tuple[str, ...], detail: str = "") -> str:
        """Print a job now in one of ``claim_from``. The claim (-> sending) is one conditional
        UPDATE: a job another process voided, confirmed or took meanwhile is refused."""
        data = self.journal.data(job_id)
        job = self.journal.get(job_id)
        if is_sheet(job.kind):
            return self._run_sheet(job, data, claim_from, detail)
        on_failure = "held" if is_document(job.kind) else "failed"
        self._active = job_id
        try:
            try:
                self._check()
            except PrinterError as exc:  # nothing was sent: the job stays whole, with the reason
                flag = NOT_PRINTED if job.state == "queued" or not job.flag else job.flag
                self.journal.set_state(job_id, on_failure, expect=claim_from, error=exc.code,
                                       flag=flag if on_failure == "held" else "", detail=detail)
                log.error("print job not started", extra={"job": job_id, "code": exc.code})
                raise
            self.journal.set_state(job_id, "sending", attempt=True, error="", expect=claim_from, detail=detail)
            stage = "sending"
            try:
                self.printer.send(data)
                self.journal.set_state(job_id, "sent", expect=("sending",))
                stage = "sent"
                self._wait_for_mechanism(job.rows)
            except PrinterError as exc:
                # part of the job may sit in the printer: clear/cut it off before the next one
                getattr(self.printer, "invalidate", lambda: None)()
                # every byte left and the printer went silent: it may hold the whole job and
                # print it when it wakes up. Staff decide (reprint or confirm_printed).
                unknown = stage == "sent" and isinstance(exc, PrinterNoReply)
                flag = OUTCOME_UNKNOWN if unknown else PRINT_FAILED
                self.journal.set_state(job_id, on_failure, expect=(stage,), error=exc.code,
                                       flag=flag if on_failure == "held" else "")
                log.error("print job failed", extra={"job": job_id, "stage": stage, "code": exc.code})
                raise
            warning = NEAR_END if NEAR_END in self.warnings else ""
            self.journal.set_state(job_id, "confirmed", warning=warning, flag="", expect=("sent",))
            return job_id
        finally:
            self._active = None

    # --- sheet printer ---------------------------------------------------------------------------
    @staticmethod
    def _job_name(job_id: str) -> str:
        """What the print system's history shows: the journal's job id, nothing personal."""
        return f"kiosk-{job_id[:12]}"

    def _check_sheet(self) -> None:
        if self.sheet is None:
            raise PrinterJobError("a sheet job, and no sheet printer is configured")
        from drivers.sheetprinter.status import raise_for_status as raise_for_sheet

        raise_for_sheet(self.sheet.status())

    def _run_sheet(self, job: JobInfo, pdf: bytes, claim_from: tuple[str, ...], detail: str) -> str:
        """Check -> submit -> follow to completed. A job that stops is cancelled in the print
        system before it is held, so it cannot come out later into an empty tray."""
        from drivers.sheetprinter.tracking import wait_until_done

        job_id = job.job_id
        layout = self.layouts.get(job.kind) or (next(iter(self.layouts.values()), None)
                                                if job.kind == SHEET_TEST else None)
        if layout is None:
            raise PrinterJobError(f"job {job_id}: no layout configured for {job.kind}")
        held = "held" if is_document(job.kind) else "failed"
        self._active = job_id
        try:
            try:
                self._check_sheet()
            except PrinterError as exc:
                flag = NOT_PRINTED if job.state == "queued" or not job.flag else job.flag
                self.journal.set_state(job_id, held, expect=claim_from, error=exc.code,
                                       flag=flag if held == "held" else "", detail=detail)
                log.error("sheet job not started", extra={"job": job_id, "code": exc.code})
                raise
            self.journal.set_state(job_id, "sending", attempt=True, error="", device_job="", expect=claim_from,
                                   detail=detail)
            try:
                device_job = self.sheet.submit(pdf, self._job_name(job_id), layout.stock.media)
            except PrinterError as exc:
                # a refusal queued nothing; a lost connection may have left the job queued there
                flag = OUTCOME_UNKNOWN if isinstance(exc, PrinterOffline) else NOT_PRINTED
                self.journal.set_state(job_id, held, expect=("sending",), error=exc.code,
                                       flag=flag if held == "held" else "")
                log.error("sheet job not accepted", extra={"job": job_id, "code": exc.code})
                raise
            self.journal.set_state(job_id, "sent", expect=("sending",), device_job=str(device_job))
            try:
                wait_until_done(self.sheet, device_job, getattr(self.sheet, "job_timeout_s", 90.0),
                                getattr(self.sheet, "poll_s", 0.25))
            except PrinterError as exc:
                flag = self._stop_sheet_job(device_job, exc)
                self.journal.set_state(job_id, held, expect=("sent",), error=exc.code,
                                       flag=flag if held == "held" else "")
                log.error("sheet job failed", extra={"job": job_id, "code": exc.code, "flag": flag})
                raise
            self.journal.set_state(job_id, "confirmed", flag="", expect=("sent",))
            return job_id
        finally:
            self._active = None

    def _stop_sheet_job(self, device_job: int, exc: PrinterError) -> str:
        """Cancel a job that stopped; the flag says what staff may find in the tray."""
        from drivers.errors import PrinterJobTimeout

        try:
            cancelled = self.sheet.cancel(device_job)
        except PrinterError:
            cancelled = False
        if not getattr(exc, "started", True):
            return NOT_PRINTED if cancelled else OUTCOME_UNKNOWN
        if not cancelled or isinstance(exc, PrinterJobTimeout | PrinterOffline):
            return OUTCOME_UNKNOWN
        return PRINT_FAILED  # a jam or an empty tray mid-sheet: that sheet is spoiled

    def _wait_for_mechanism(self, rows: int) -> None:
        """A sent job is only bytes in buffers: poll status until the printer says the job is
        printed (process-ID response, where the model has it) or until the head should be done."""
        seconds = getattr(self.printer, "print_seconds", lambda r: 0.0)(rows)
        if getattr(self.printer, "confirm_by_process_id", False):
            self._wait_for_process_id(seconds)
            return
        deadline = time.monotonic() + seconds
        while True:
            self._check()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(self.poll_interval_s, left))

    def _wait_for_process_id(self, seconds: float) -> None:
        printer: Any = self.printer
        pid = f"{secrets.randbelow(10_000):04d}".encode()  # fresh per attempt: no stale match
        printer.request_process_id(pid)
        deadline = time.monotonic() + max(2.0, 2 * seconds + 1.0)
        while True:
            done = printer.process_id_done(pid, self.poll_interval_s)  # returns on arrival
            self._check()  # a fault while waiting wins over a late confirmation
            if done:
                return
            if time.monotonic() >= deadline:
                raise PrinterNoReply("no process-ID response: the job was not reported printed")
