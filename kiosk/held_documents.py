"""Recognising an applicant whose document is already waiting for staff.

After a crash the kiosk holds a licence (or referral receipt) for staff instead of printing it
into a tray nobody may watch (kiosk.recovery). The applicant, seeing nothing come out, may start
again; a new application would then find their trade name taken by their own licence, and with
another name they would get a second licence. So every submission journals a keyed hash of the
document it was made with (``Journal.holder_ref``: never the number itself), and the card read
of a new journey looks it up: a document whose earlier application has a held document, or is
still waiting for recovery, goes to staff with a message saying so.
"""

from __future__ import annotations

from typing import Any

from drivers.errors import DeviceError
from kiosk.journal import Journal
from kiosk.printing.journal import FINAL


class DocumentAlreadyIssued(DeviceError):
    """This document's licence (or receipt) was issued and is held for staff, or its application
    is still being recovered: staff hand it over; a new application would issue it twice."""

    code = "document_already_issued"
    fault = False


def waiting_transaction(journal: Journal, print_service: Any, holder_ref: str) -> str | None:
    """The transaction whose document this applicant is owed, if any."""
    for txn in journal.holder_transactions(holder_ref):
        job = print_service.document_job(txn.txn_id)
        if job is not None and job.state not in FINAL:
            return txn.txn_id
        if job is None and not txn.closed and txn.has_application:
            return txn.txn_id  # sent, not yet decided: recovery will store its document
    return None


def refuse_if_waiting(journal: Journal, print_service: Any, identity: Any) -> None:
    """Raises DocumentAlreadyIssued for a document something is already waiting for."""
    ref = journal.holder_ref(identity.issuing_state, identity.document_number)
    txn_id = waiting_transaction(journal, print_service, ref)
    if txn_id is not None:
        raise DocumentAlreadyIssued(f"transaction {txn_id[:8]} holds this document's licence or receipt")
