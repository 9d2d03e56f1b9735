"""IPP printer-state-reasons (RFC 8011 5.4.12, PWG 5100.9) -> typed faults, most specific first.

A reason may carry a severity suffix: ``-error`` or none stops printing, ``-warning`` does not,
``-report`` is information (CUPS sets ``offline-report`` while a backend retries, for example).
Offline is the exception: the printer cannot be reached whatever the suffix says.
"""

from __future__ import annotations

from drivers.errors import (
    PrinterCoverOpen,
    PrinterError,
    PrinterMediaJam,
    PrinterOffline,
    PrinterPaperOut,
    PrinterQueueStopped,
    PrinterTonerEmpty,
)
from drivers.sheetprinter.base import SheetStatus

PRINTER_STOPPED = 5

# reason keyword (without suffix) -> fault, in the order a technician should look
FAULTS: tuple[tuple[tuple[str, ...], type[PrinterError]], ...] = (
    (("media-jam", "input-tray-missing", "output-area-full"), PrinterMediaJam),
    (("door-open", "cover-open", "interlock-open"), PrinterCoverOpen),
    (("media-empty", "media-needed"), PrinterPaperOut),
    (("toner-empty", "marker-supply-empty", "developer-empty"), PrinterTonerEmpty),
    (("paused", "moving-to-paused"), PrinterQueueStopped),
    (("offline", "shutdown", "connecting-to-device", "timed-out"), PrinterOffline),
)
ALWAYS_FAULT = ("offline", "shutdown", "connecting-to-device", "paused")
WARNINGS = ("media-low", "toner-low", "marker-supply-low", "developer-low")


def split(reason: str) -> tuple[str, str]:
    """``media-jam-error`` -> (``media-jam``, ``error``); no suffix counts as an error."""
    for suffix in ("-error", "-warning", "-report"):
        if reason.endswith(suffix):
            return reason[: -len(suffix)], suffix[1:]
    return reason, "error"


def fault_for(status: SheetStatus) -> PrinterError | None:
    """The fault that keeps a job from printing now, or None."""
    active = set()
    for reason in status.reasons:
        base, severity = split(reason)
        if severity == "error" or base in ALWAYS_FAULT:
            active.add(base)
    for keywords, cls in FAULTS:
        hit = sorted(k for k in keywords if k in active)
        if hit:
            return cls(f"printer-state-reasons {', '.join(hit)}")
    if not status.accepting:
        return PrinterQueueStopped("queue is not accepting jobs")
    if status.state == PRINTER_STOPPED or status.device_state == PRINTER_STOPPED:
        return PrinterQueueStopped(f"printer stopped ({', '.join(status.reasons) or 'no reason given'})")
    return None


def raise_for_status(status: SheetStatus) -> None:
    fault = fault_for(status)
    if fault is not None:
        raise fault


def warnings_in(status: SheetStatus) -> list[str]:
    """Low supplies worth a technician's look, as reason keywords without suffix."""
    return sorted({split(r)[0] for r in status.reasons if split(r)[0] in WARNINGS})
