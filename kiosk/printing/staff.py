"""Staff decisions on a held document, as the diagnostics screen sends them ("verb:job id").

A refused or failed action is logged and swallowed: the printer page is rebuilt from the journal
right after, and shows the job still held with the error code of the attempt.
"""

from __future__ import annotations

import logging

from drivers.errors import DeviceError
from kiosk.printing.service import PrintService

log = logging.getLogger(__name__)


def act_on_held_job(svc: PrintService, action: str, by: str = "screen") -> bool:
    """``reprint:<job>``, ``confirm_printed:<job>`` or ``void:<job>``; True if it was done."""
    verb, _, job_id = action.partition(":")
    if verb not in ("reprint", "confirm_printed", "void"):
        raise ValueError(f"unknown print job action {verb!r}")
    do = getattr(svc, verb)
    try:
        do(job_id, by=by)
    except DeviceError as exc:
        log.warning("print job action not done", extra={"action": verb, "job": job_id, "code": exc.code})
        return False
    log.info("print job action done", extra={"action": verb, "job": job_id})
    return True
