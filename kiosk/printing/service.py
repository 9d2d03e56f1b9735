"""What the kiosk flow calls to print: journaled, status-checked, idempotent per transaction.

Each job: render once -> store the bytes (encrypted) -> check status -> send -> wait for the
mechanism while polling status -> confirmed. Any fault marks the job failed and raises the typed
printer error; calling again for the same transaction (or ``reprint``) sends the stored bytes
again, whole. A confirmed job is never printed again by ``print_licence``; only an explicit
``reprint`` by a technician does that.
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
from kiosk.printing.journal import JobInfo, PrintJournal
from kiosk.printing.layout import Fonts, render_licence, render_referral
from kiosk.printing.raster import build_job

log = logging.getLogger(__name__)

NEAR_END = "printer_paper_near_end"


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
    ) -> None:
        self.printer = printer
        self.journal = PrintJournal(Path(db_path), key_path)
        self.on_warning = on_warning
        self.fonts = fonts
        self.poll_interval_s = poll_interval_s
        self.resume_max_age_s = resume_max_age_s
        self.profile: PrinterProfile = getattr(printer, "profile", None) or PrinterProfile(
            "generic", printer.width_dots, 203, 200.0, 120
        )
        self.warnings: set[str] = set()
        self._lock = threading.RLock()

    def close(self) -> None:
        self.journal.close()

    # --- API for the flow --------------------------------------------------------------------
    def print_licence(self, txn_id: str, licence: Licence) -> str:
        """Job id of the (printed) licence for this transaction. Raises typed printer errors."""
        with self._lock:
            job = self.journal.find(txn_id, "licence")
            if job is None:
                img = render_licence(licence, self.profile.width_dots, self.fonts)
                job_id = self.journal.add(txn_id, "licence", build_job(img, self.profile),
                                          img.height)  # fmt: skip
            else:
                job_id = job.job_id
            return self._ensure_printed(job_id)

    def print_referral(self, txn_id: str, decision: Decision) -> str:
        """Receipt with the tracking number for an application sent to manual review."""
        with self._lock:
            job = self.journal.find(txn_id, "referral")
            if job is None:
                img = render_referral(decision, self.profile.width_dots, self.fonts)
                job_id = self.journal.add(txn_id, "referral", build_job(img, self.profile),
                                          img.height)  # fmt: skip
            else:
                job_id = job.job_id
            return self._ensure_printed(job_id)

    def print_image(self, txn_id: str, kind: str, img: Any) -> str:
        """Any 1-bit image as a journaled job (test page)."""
        with self._lock:
            job_id = self.journal.add(txn_id, kind, build_job(img, self.profile), img.height)
            return self._ensure_printed(job_id)

    def reprint(self, job_id: str) -> str:
        """Send the stored bytes again, whole (technician action or retry after a fault)."""
        with self._lock:
            job = self.journal.get(job_id)
            if job.state == "voided":
                raise PrinterJobError(f"job {job_id} was voided")
            self.journal.set_state(job_id, "queued", flag="")
            return self._run(job_id)

    def void(self, job_id: str) -> None:
        """Technician decision: this job must never be printed (again)."""
        with self._lock:
            self.journal.set_state(job_id, "voided", flag="")

    def confirm_printed(self, job_id: str) -> None:
        """Technician decision: the printout of a job with an unknown outcome did come out."""
        with self._lock:
            self.journal.set_state(job_id, "confirmed", flag="")

    def pending_jobs(self) -> list[JobInfo]:
        """Jobs not confirmed and not voided, newest first."""
        return self.journal.jobs(("queued", "sending", "sent", "failed"))

    def recent_jobs(self, limit: int = 10) -> list[JobInfo]:
        return self.journal.jobs(limit=limit)

    def resume_unfinished(self) -> list[tuple[str, str]]:
        """Start-up: (job id, action) for every job a crash left behind.

        queued/sending and younger than ``resume_max_age_s``: printed whole now (the applicant
        is probably still at the kiosk); older: flagged, because a licence left in the tray of
        an unattended kiosk is someone's personal data. ``sent``: all bytes left before the
        crash, so paper probably came out: flagged for a technician to reprint or void, never
        printed twice automatically.
        """
        actions: list[tuple[str, str]] = []
        with self._lock:
            now = time.time()
            for job in reversed(self.journal.jobs(("queued", "sending", "sent"), limit=1000)):
                if job.state == "sent":
                    self.journal.set_state(job.job_id, "sent", flag="outcome_unknown")
                    actions.append((job.job_id, "flagged:outcome_unknown"))
                elif now - job.created > self.resume_max_age_s:
                    self.journal.set_state(job.job_id, "failed", flag="stale_after_restart")
                    actions.append((job.job_id, "flagged:stale_after_restart"))
                else:
                    try:
                        self._run(job.job_id)
                        actions.append((job.job_id, "resumed"))
                    except PrinterError as exc:
                        actions.append((job.job_id, f"failed:{exc.code}"))
        for job_id, action in actions:
            log.warning("print job %s after restart: %s", job_id, action)
        return actions

    # --- the job cycle -------------------------------------------------------------------------
    def _ensure_printed(self, job_id: str) -> str:
        job = self.journal.get(job_id)
        if job.state == "confirmed":
            return job_id
        if job.state == "voided":
            raise PrinterJobError(f"job {job_id} was voided")
        if job.state == "sent" or job.flag == "outcome_unknown":
            raise PrinterJobError(f"job {job_id}: outcome unknown, a technician must check")
        return self._run(job_id)

    def _check(self, job_id: str) -> None:
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

    def _run(self, job_id: str) -> str:
        data = self.journal.data(job_id)
        job = self.journal.get(job_id)
        stage = "queued"
        try:
            self._check(job_id)
            self.journal.set_state(job_id, "sending", attempt=True, error="")
            stage = "sending"
            self.printer.send(data)
            self.journal.set_state(job_id, "sent")
            stage = "sent"
            self._wait_for_mechanism(job_id, job.rows)
        except PrinterError as exc:
            flag = ""
            if stage != "queued":
                # part of the job may sit in the printer: clear/cut it off before the next one
                getattr(self.printer, "invalidate", lambda: None)()
            if stage == "sent" and isinstance(exc, PrinterNoReply):
                # every byte left and the printer went silent: it may hold the whole job and
                # print it when it wakes up. A technician decides (reprint or confirm_printed).
                flag = "outcome_unknown"
            self.journal.set_state(job_id, "failed", error=exc.code, flag=flag)
            log.error("print job %s failed while %s: %s %s", job_id, stage, exc.code, flag)
            raise
        warning = NEAR_END if NEAR_END in self.warnings else ""
        self.journal.set_state(job_id, "confirmed", warning=warning)
        return job_id

    def _wait_for_mechanism(self, job_id: str, rows: int) -> None:
        """A sent job is only bytes in buffers: poll status until the printer says the job is
        printed (process-ID response, where the model has it) or until the head should be done."""
        seconds = getattr(self.printer, "print_seconds", lambda r: 0.0)(rows)
        if getattr(self.printer, "confirm_by_process_id", False):
            self._wait_for_process_id(job_id, seconds)
            return
        deadline = time.monotonic() + seconds
        while True:
            self._check(job_id)
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(self.poll_interval_s, left))

    def _wait_for_process_id(self, job_id: str, seconds: float) -> None:
        printer: Any = self.printer
        pid = f"{secrets.randbelow(10_000):04d}".encode()  # fresh per attempt: no stale match
        printer.request_process_id(pid)
        deadline = time.monotonic() + max(2.0, 2 * seconds + 1.0)
        while True:
            done = printer.process_id_done(pid, self.poll_interval_s)  # returns on arrival
            self._check(job_id)  # a fault while waiting wins over a late confirmation
            if done:
                return
            if time.monotonic() >= deadline:
                raise PrinterNoReply("no process-ID response: the job was not reported printed")
