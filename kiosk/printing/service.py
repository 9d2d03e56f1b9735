"""What the kiosk flow calls to print: journaled, status-checked, printed at most once by itself.

Each job: render once -> store the bytes (encrypted) -> check status -> send -> wait for the
mechanism while polling status -> confirmed. The service prints a document (licence, referral
receipt) only while its applicant is known to stand at the kiosk: the flow's one attempt. When
that attempt fails, or a crash interrupts it, the document is *held*: kept, never printed to a tray
nobody watches, and printed again only by staff (``reprint``) unless the bureau's policy
``recovered_print = "print"`` says its tray is supervised. Staff can also ``confirm_printed`` (it
did come out) or ``void`` it. Test pages are simply ``failed``.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drivers.errors import PrinterError, PrinterJobError, PrinterNoReply
from drivers.printer.base import Printer
from drivers.printer.profiles import PrinterProfile
from drivers.printer.status import raise_for_status
from drivers.registry.models import Decision, Licence
from kiosk.printing.journal import DOCUMENTS, FINAL, STATES, JobInfo, PrintJournal
from kiosk.printing.layout import Fonts, render_licence, render_referral
from kiosk.printing.raster import build_job

log = logging.getLogger(__name__)

NEAR_END = "printer_paper_near_end"
RECOVERED_PRINT = ("hold", "print")  # policy.recovered_print
# Why a document is held, for the staff member who decides what to do with it:
NOT_PRINTED = "not_printed"  # nothing of it left the kiosk: print it
PRINT_FAILED = "print_failed"  # printing started and failed: at most a torn part came out
OUTCOME_UNKNOWN = "outcome_unknown"  # it may have come out whole: look in the tray first
REPRINTABLE = (NOT_PRINTED, PRINT_FAILED)  # what "print" policy may print again by itself


def held_jobs(journal: PrintJournal) -> list[JobInfo]:
    """Documents waiting for staff, newest first: held, or left unfinished by a crash that
    recovery has not settled yet (what `diag printer` sees while the kiosk is stopped)."""
    unfinished = tuple(state for state in STATES if state not in FINAL)
    return [j for j in journal.jobs(unfinished, limit=10_000) if j.kind in DOCUMENTS]


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
    ) -> None:
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
            return self._ensure_printed(self.store_licence(txn_id, licence))

    def print_referral(self, txn_id: str, decision: Decision) -> str:
        """Receipt with the tracking number for an application sent to manual review."""
        with self._lock:
            return self._ensure_printed(self.store_referral(txn_id, decision))

    def store_licence(self, txn_id: str, licence: Licence) -> str:
        """Journal the licence without printing it (recovery: nobody may be at the kiosk)."""
        with self._lock:
            job = self.journal.find(txn_id, "licence")
            if job is not None:
                return job.job_id
            img = render_licence(licence, self.profile.width_dots, self.fonts)
            return self.journal.add(txn_id, "licence", build_job(img, self.profile), img.height)

    def store_referral(self, txn_id: str, decision: Decision) -> str:
        with self._lock:
            job = self.journal.find(txn_id, "referral")
            if job is not None:
                return job.job_id
            img = render_referral(decision, self.profile.width_dots, self.fonts)
            return self.journal.add(txn_id, "referral", build_job(img, self.profile), img.height)

    def document_job(self, txn_id: str) -> JobInfo | None:
        """The licence or referral job of a transaction, if one was journaled."""
        return self.journal.find(txn_id, "licence") or self.journal.find(txn_id, "referral")

    def print_image(self, txn_id: str, kind: str, img: Any) -> str:
        """Any 1-bit image as a journaled job (test page, diagnostics report)."""
        with self._lock:
            job_id = self.journal.add(txn_id, kind, build_job(img, self.profile), img.height)
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
            if job.kind not in DOCUMENTS:
                self.journal.set_state(job_id, "voided", expect=(job.state,), detail="after_restart")
                return "voided"
            flag = job.flag
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
        on_failure = "held" if job.kind in DOCUMENTS else "failed"
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
