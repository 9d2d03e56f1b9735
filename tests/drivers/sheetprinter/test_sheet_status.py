"""printer-state-reasons -> typed faults: the most specific first, severity suffixes obeyed."""

from __future__ import annotations

import pytest

from drivers.errors import (
    PrinterCoverOpen,
    PrinterMediaJam,
    PrinterOffline,
    PrinterPaperOut,
    PrinterQueueStopped,
    PrinterTonerEmpty,
)
from drivers.sheetprinter.base import SheetStatus
from drivers.sheetprinter.status import fault_for, warnings_in


@pytest.mark.parametrize(("reasons", "error"), [
    (("media-empty-error",), PrinterPaperOut), (("media-needed",), PrinterPaperOut),
    (("media-jam-error", "media-empty-error"), PrinterMediaJam), (("door-open-error",), PrinterCoverOpen),
    (("toner-empty-error",), PrinterTonerEmpty), (("marker-supply-empty-error",), PrinterTonerEmpty),
    (("offline-report",), PrinterOffline), (("connecting-to-device",), PrinterOffline),
    (("paused",), PrinterQueueStopped)])  # fmt: skip
def test_reasons_become_typed_faults(reasons: tuple[str, ...], error: type) -> None:
    assert type(fault_for(SheetStatus(4, reasons))) is error


@pytest.mark.parametrize("reasons", [(), ("none",), ("media-empty-warning",), ("media-jam-report",),
                                     ("toner-low-warning",), ("cups-waiting-for-job-completed",)])
def test_warnings_reports_and_unknown_reasons_do_not_stop_printing(reasons: tuple[str, ...]) -> None:
    assert fault_for(SheetStatus(3, reasons)) is None


def test_a_stopped_printer_without_a_reason_and_a_rejecting_queue_are_faults() -> None:
    assert isinstance(fault_for(SheetStatus(5, ())), PrinterQueueStopped)
    assert isinstance(fault_for(SheetStatus(3, (), device_state=5)), PrinterQueueStopped)
    assert isinstance(fault_for(SheetStatus(3, (), accepting=False)), PrinterQueueStopped)


def test_low_supplies_are_listed() -> None:
    assert warnings_in(SheetStatus(3, ("toner-low-warning", "media-low-report", "media-low"))) == ["media-low",
                                                                                                   "toner-low"]
