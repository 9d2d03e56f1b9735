"""The one place an applicant's personal data lives, and the proof that it was wiped.

Screens, services and the journal get their personal data from here and nowhere else, so wiping
this object on completion, cancel, idle timeout or fault is enough to forget the applicant.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from drivers.idcard.base import ChipIdentity
from drivers.registry.models import Application, Decision

PERSONAL_FIELDS = ("identity", "face_reference", "form", "application", "decision", "access_key")


@dataclass(eq=False)
class ApplicantSession:
    language: str
    txn_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    identity: ChipIdentity | None = None
    face_reference: Any = None  # opaque embedding object from the face verifier
    access_key: Any = None
    form: dict[str, Any] = field(default_factory=dict)
    application: Application | None = None
    idempotency_key: str | None = None
    decision: Decision | None = None
    attempts: dict[str, int] = field(default_factory=dict)
    name_confirm: bool = False  # the review screen asks to compare the name with the card
    wiped: bool = False

    def __repr__(self) -> str:
        return f"ApplicantSession(txn={self.txn_id[:8]}, wiped={self.wiped})"

    def wipe(self) -> None:
        """Zero what can be zeroed (the portrait buffer), drop every other reference."""
        if self.identity is not None:
            self.identity.wipe()
        wipe_ref = getattr(self.face_reference, "wipe", None)
        if callable(wipe_ref):
            wipe_ref()
        self.form.clear()
        for name in PERSONAL_FIELDS:
            setattr(self, name, {} if name == "form" else None)
        self.idempotency_key = None
        self.name_confirm = False
        self.attempts.clear()
        self.wiped = True

    def holds_personal_data(self) -> bool:
        return any(getattr(self, name) for name in PERSONAL_FIELDS)
