"""Follow one job to "completed", with a deadline, raising the fault that stops it.

A sheet job is not printed when the print system accepts it: it waits in the queue, then the
printer warms up, picks a sheet and may jam on it. Only ``job-state`` completed means a sheet
came out. Anything else ends here as a typed fault that says how far the job got
(``exc.started``), so the caller can cancel it and tell staff what may be in the tray.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from drivers.errors import PrinterError, PrinterJobAborted, PrinterJobTimeout
from drivers.sheetprinter.base import SheetJob, SheetPrinter
from drivers.sheetprinter.status import fault_for

JOB_PROCESSING, JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 5, 7, 8, 9


def started(job: SheetJob | None) -> bool:
    """True once the printer may have begun the sheet (processing, or any impression done)."""
    return job is not None and (job.state >= JOB_PROCESSING or job.impressions > 0)


def wait_until_done(printer: SheetPrinter, job_id: int, timeout_s: float, poll_s: float = 0.2,
                    sleep: Callable[[float], None] = time.sleep,
                    clock: Callable[[], float] = time.monotonic) -> SheetJob:
    """The completed job, or a PrinterError with ``started`` and ``job`` set on it."""
    deadline = clock() + timeout_s
    job: SheetJob | None = None
    try:
        while True:
            job = printer.job(job_id)
            if job.state == JOB_COMPLETED:
                return job
            if job.state in (JOB_CANCELED, JOB_ABORTED):
                raise PrinterJobAborted(f"job {job_id} {'cancelled' if job.state == JOB_CANCELED else 'aborted'} "
                                        f"by the print system ({', '.join(job.reasons)})")
            fault = fault_for(printer.status())
            if fault is not None:
                raise fault
            left = deadline - clock()
            if left <= 0:
                raise PrinterJobTimeout(f"job {job_id} not completed within {timeout_s:g} s "
                                        f"(state {job.state}, {', '.join(job.reasons)})")
            sleep(min(poll_s, left))
    except PrinterError as exc:
        exc.started = started(job)  # type: ignore[attr-defined]
        exc.job = job  # type: ignore[attr-defined]
        raise
