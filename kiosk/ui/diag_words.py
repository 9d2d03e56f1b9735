"""Words for the diagnostics screens: a check's status, its warning reasons and its measured details
in the screen's language. The checks keep their stable keys (the `diag` CLI's JSON and the
metrics use them); a technician reading the screen in Chinese should not have to decode
``paper_near_end: False``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.i18n import N_
from kiosk.ui.messages import ERRORS, error_text

STATUS = {"ok": N_("OK"), "warn": N_("Warning"), "fault": N_("Fault")}

# Reasons a check gives with a warning (kiosk/diag/checks.py): the kiosk still serves.
WARNINGS = {
    "reader_degraded": N_("One ID reader is down; the others serve"),
    "no_frame_yet": N_("No camera picture yet"),
    "too_dark": N_("Camera picture too dark"),
    "printer_paper_near_end": N_("Paper roll nearly used up"),
    "unfinished_print_jobs": N_("Print jobs not yet finished"),
    "printer_supplies_low": N_("Printer supplies low"),
    "tls_expiring": N_("The service's certificate expires within 30 days"),
    "clock_drift": N_("The kiosk's clock differs from the service's"),
    "unfinished_transactions": N_("Applications not yet closed"),
    "submissions_expired": N_("Submissions too old to resend"),
}

DETAILS = {
    # ID readers
    "reader": N_("Reader"), "kind": N_("Kind"), "document": N_("Documents"), "card_present": N_("Card on reader"),
    "port": N_("Port"), "photo_decoder": N_("Photo decoder"), "atr": N_("ATR"), "protocols": N_("Protocols"),
    "test_read": N_("Test read"), "seconds": N_("Check took (s)"),
    # camera
    "resolution": N_("Resolution"), "brightness": N_("Brightness"), "frame_age_s": N_("Picture age (s)"),
    "fps": N_("Frames per second"), "sharpness": N_("Sharpness"), "faces": N_("Faces seen"),
    # receipt printer
    "online": N_("Online"), "paper_present": N_("Paper loaded"), "paper_near_end": N_("Paper nearly used up"),
    "cover_open": N_("Cover open"), "cutter_error": N_("Cutter error"), "held_jobs": N_("Documents held for staff"),
    "held_outcome_unknown": N_("Held, may have printed"), "unfinished_jobs": N_("Unfinished print jobs"),
    "last_action": N_("Last action"),
    # sheet printer
    "queue": N_("Queue"), "state": N_("State"), "reasons": N_("Printer reports"), "accepting": N_("Accepting jobs"),
    "message": N_("Printer message"), "device_state": N_("Device state"), "low": N_("Supplies low"),
    # registration service
    "latency_ms": N_("Answer time (ms)"), "url": N_("Address"), "tls_days_left": N_("Certificate valid for (days)"),
    "clock_offset_s": N_("Clock offset (s)"), "extra_checks": N_("Further checks"),
    # storage
    "journal_bytes": N_("Journal size (bytes)"), "open_transactions": N_("Open applications"),
    "closed_transactions": N_("Closed applications"), "free_bytes": N_("Free disk (bytes)"),
    "expired_submissions": N_("Expired submissions"),
    # voice prompts
    "mode": N_("Mode"), "tts": N_("Speech engine"), "player": N_("Sound output"),
    # any check
    "detail": N_("Detail"), "check_s": N_("Check took (s)"), "source": N_("Source"),
    "checked_s_ago": N_("Checked (s ago)"), "out_of_service": N_("Out of service"),
}


def reason_words(tr: Callable[..., str], status: str, reason: str) -> str:
    """A check's reason in words: a fault's message, or what the warning means."""
    code = reason.split(":")[0]
    if status != "fault" and code in WARNINGS:
        return tr(WARNINGS[code])
    if code in ERRORS or status == "fault":
        return error_text(tr, reason)
    return reason  # a warning no one has worded yet: its code, which the test of WARNINGS catches


def value_words(tr: Callable[..., str], value: Any) -> str:
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def detail_line(tr: Callable[..., str], key: str, value: Any) -> str:
    """``label: value``; a key without a label (a new check's) is shown as it is, never hidden."""
    label = tr(DETAILS[key]) if key in DETAILS else key
    return tr("{label}: {value}", label=label, value=value_words(tr, value))
