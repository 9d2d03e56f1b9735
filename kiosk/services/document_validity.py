"""Is the identity document still valid today?

A resident ID card's reader decides this itself (its ``expired_policy``, with the card's own
validity dates). An ICAO document (passport, eID) is checked here against its expiry date: a
licence is not issued on an expired identity document.
"""

from __future__ import annotations

import datetime as dt

from drivers.errors import DeviceError
from drivers.idcard.base import ChipIdentity


class DocumentExpired(DeviceError):
    """The document's expiry date has passed: refused with that reason (not the applicant's typo
    to retry, but another document may do)."""

    code = "document_expired"
    fault = False


def check(identity: ChipIdentity, today: dt.date) -> None:
    if hasattr(identity, "valid_to"):  # a resident ID card: its reader's policy has decided
        return
    if identity.expiry_date < today:  # valid through its last day
        raise DocumentExpired("the document's expiry date has passed")
