"""After a crash or power cut: resume or close each unfinished transaction, exactly once.

The rule per last journaled step:
- nothing was sent to the authority yet -> close it; the applicant starts again, nothing is lost;
- sent but unanswered ("submitting", or "fault" with a sealed application) -> replay it with the
  same idempotency key, so the authority returns its first answer instead of issuing again;
- decided or printing -> fetch the signed decision again (unless its document is journaled
  already) and store the licence or referral receipt in the print journal, *held for staff*.

Recovery runs at start-up and after a healthy probe, when the applicant has most likely gone:
printing their licence then would leave it in the tray for the next person. So the document is
kept (encrypted) and the transaction closes as "held_for_staff:<kind>": the authority's part is
done, exactly one licence exists, and the print journal owns the rest (diagnostics show the held
job as a fault; staff print it, confirm it came out, or void it). The bureau can choose otherwise
with ``policy.recovered_print = "print"`` where staff watch the printer's tray.
A transaction whose recovery fails because a device is down stays open for the next attempt.
"""

from __future__ import annotations

import logging

from drivers.errors import DeviceError
from drivers.registry.models import Decision
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
        devices.print_service.recover_jobs()
    except DeviceError as exc:
        log.warning("print recovery postponed", extra={"code": exc.code})
    return done


def _recover_one(journal: Journal, devices: Devices, txn: OpenTxn) -> str:
    if txn.step in NOT_SENT or (txn.step in ("submitting", "fault") and not txn.has_application):
        journal.record(txn.txn_id, "closed", "abandoned_on_restart")
        return "closed"
    svc = devices.print_service
    job = svc.document_job(txn.txn_id)
    if job is not None:  # the decision was in hand before the crash and its document is stored
        job_id = job.job_id
    else:
        decision = _decision(journal, devices, txn)
        if decision.outcome == "approved" and decision.licence is not None:
            job_id = svc.store_licence(txn.txn_id, decision.licence)
        elif decision.outcome == "manual_review":
            job_id = svc.store_referral(txn.txn_id, decision)
        else:
            journal.record(txn.txn_id, "closed", f"recovered:{decision.outcome}")
            return f"recovered:{decision.outcome}"
    kind = svc.journal.get(job_id).kind
    settled = svc.settle(job_id, since=txn.updated_at)
    outcome = f"recovered:{settled}" if settled in ("printed", "voided") else f"held_for_staff:{kind}"
    journal.record(txn.txn_id, "closed", outcome)
    log.warning("transaction closed after restart", extra={"txn": txn.txn_id[:8], "outcome": outcome,
                                                           "job": job_id})
    return outcome


def _decision(journal: Journal, devices: Devices, txn: OpenTxn) -> Decision:
    """The authority's decision: fetched by application id, or the submission replayed with its
    idempotency key (the authority answers the first decision, never issues twice)."""
    if txn.application_id:
        return devices.registry.decision(txn.application_id)
    application = journal.load_application(txn.txn_id)
    assert application is not None and txn.idempotency_key is not None
    decision = devices.registry.submit(application, txn.idempotency_key)
    journal.store_application_id(txn.txn_id, decision.application_id)
    journal.record(txn.txn_id, "decided", decision.outcome)
    return decision


def probe_results(devices: Devices) -> list:
    """One shallow check per device (no card read, no test page)."""
    from kiosk.diag import checks

    sheet = checks.check_sheet_printer(devices)
    return [checks.check_printer(devices), *([sheet] if sheet else []), checks.check_api(devices),
            checks.check_camera(devices), checks.check_reader(devices)]


def probe(devices: Devices) -> str:
    """Empty string when every device answers and is ready, else the first fault's code."""
    from kiosk.diag import checks

    return checks.first_fault(probe_results(devices))
