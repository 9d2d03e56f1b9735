"""After a crash or power cut: resume or close each unfinished transaction, exactly once.

The rule per last journaled step:
- nothing was sent to the authority yet -> close it; the applicant starts again, nothing is lost;
- sent but unanswered ("submitting", or "fault" with a sealed application) -> replay it with the
  same idempotency key, so the authority returns its first answer instead of issuing again;
- decided or printing -> fetch the signed decision again and hand it to the print service, which
  prints a job at most once per transaction and resumes a half-sent one from its stored bytes.
A transaction whose recovery fails because a device is down stays open for the next probe.
"""

from __future__ import annotations

import logging

from drivers.errors import DeviceError
from kiosk.journal import Journal, OpenTxn
from kiosk.services.devices import Devices

log = logging.getLogger(__name__)
NOT_SENT = {"started", "consented", "card_read", "card_failed", "face_passed", "face_failed", "staff"}


def recover(journal: Journal, devices: Devices) -> dict[str, str]:
    """Returns txn id -> what was done, for logs and tests."""
    done: dict[str, str] = {}
    for txn in journal.open_transactions():
        try:
            done[txn.txn_id] = _recover_one(journal, devices, txn)
        except DeviceError as exc:
            log.warning("recovery postponed", extra={"txn": txn.txn_id[:8], "code": exc.code})
            done[txn.txn_id] = f"postponed:{exc.code}"
    try:
        devices.print_service.resume_unfinished()
    except DeviceError as exc:
        log.warning("print resume postponed", extra={"code": exc.code})
    return done


def _recover_one(journal: Journal, devices: Devices, txn: OpenTxn) -> str:
    if txn.step in NOT_SENT or (txn.step in ("submitting", "fault") and not txn.has_application):
        journal.record(txn.txn_id, "closed", "abandoned_on_restart")
        return "closed"
    if txn.application_id:
        decision = devices.registry.decision(txn.application_id)
    else:
        application = journal.load_application(txn.txn_id)
        assert application is not None and txn.idempotency_key is not None
        decision = devices.registry.submit(application, txn.idempotency_key)
        journal.store_application_id(txn.txn_id, decision.application_id)
        journal.record(txn.txn_id, "decided", decision.outcome)
    if decision.outcome == "approved" and decision.licence is not None:
        journal.record(txn.txn_id, "printing", "licence_after_restart")
        devices.print_service.print_licence(txn.txn_id, decision.licence)
    elif decision.outcome == "manual_review":
        journal.record(txn.txn_id, "printing", "referral_after_restart")
        devices.print_service.print_referral(txn.txn_id, decision)
    journal.record(txn.txn_id, "closed", f"recovered:{decision.outcome}")
    return f"recovered:{decision.outcome}"


def probe_results(devices: Devices) -> list:
    """One shallow check per device (no card read, no test page)."""
    from kiosk.diag import checks

    return [checks.check_printer(devices), checks.check_api(devices), checks.check_camera(devices),
            checks.check_reader(devices)]


def probe(devices: Devices) -> str:
    """Empty string when every device answers and is ready, else the first fault's code."""
    from kiosk.diag import checks

    return checks.first_fault(probe_results(devices))
