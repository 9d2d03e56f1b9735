"""What the flow asks the runner to do. Executed in order: a Record precedes the effect it records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drivers.idcard.base import AccessKey
from drivers.registry.models import Application, Decision, Licence, NameQuery


@dataclass(frozen=True)
class Record:
    """Journal a transaction step *before* the command that makes it take effect."""

    txn_id: str
    step: str
    outcome: str = ""


@dataclass(frozen=True)
class WaitForCard:
    pass


@dataclass(frozen=True)
class CancelCardWait:
    pass


@dataclass(frozen=True)
class ReadCard:
    key: AccessKey | None  # None: a card its reader authenticates itself (resident ID card)


@dataclass(frozen=True)
class WatchCardRemoval:
    """Tell the flow (CardLifted) when the card just read is taken off the reader."""


@dataclass(frozen=True)
class CancelCardWatch:
    pass


@dataclass(frozen=True)
class StartFaceCheck:
    """Everything the check needs travels with the command: the worker never reads the flow."""

    reference: Any = field(default=None, repr=False)  # the chip portrait's descriptor: biometric


@dataclass(frozen=True)
class CancelFaceCheck:
    pass


@dataclass(frozen=True)
class LoadReferenceData:
    pass


@dataclass(frozen=True)
class CheckName:
    """Ask the service about the business name as the form has it now; the answer comes back
    as NameChecked / NameCheckFailed with the same ``seq``."""

    seq: int
    query: NameQuery


@dataclass(frozen=True, eq=False)
class Submit:
    txn_id: str
    idempotency_key: str
    application: Application
    # (issuing state, document number) of the document read, journaled as a keyed hash only
    document: tuple[str, str] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class PrintLicence:
    txn_id: str
    licence: Licence


@dataclass(frozen=True)
class PrintReferral:
    txn_id: str
    decision: Decision


@dataclass(frozen=True)
class SendRating:
    """Queue a service rating for the authority (kiosk.rating_outbox), then send what is queued.
    No personal data: the case number and codes."""

    case_kind: str
    case_id: str
    ending: str
    level: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class RatingNotGiven:
    """A case with a real step ended without a rating; ``why``: kiosk.flow.rating.NOT_GIVEN."""

    why: str


@dataclass(frozen=True)
class AlertStaff:
    reason: str


@dataclass(frozen=True)
class AlertTechnician:
    code: str


@dataclass(frozen=True)
class ProbeDevices:
    """Check every device. ``recover`` (out of service only): then also resume unfinished
    transactions; never from the attract screen, where an applicant may start meanwhile."""

    recover: bool = True


@dataclass(frozen=True)
class SessionWiped:
    """Tells the runner (and through it the screen) that personal data is gone."""

    txn_id: str


@dataclass(frozen=True)
class VerifyPin:
    pin: str

    def __repr__(self) -> str:
        return "VerifyPin(<redacted>)"


@dataclass(frozen=True)
class RunChecks:
    pass


@dataclass(frozen=True)
class Audit:
    event: str
    detail: str = ""


@dataclass(frozen=True)
class DiagAction:
    """A technician's device action: 'test_page', 'test_read', 'reprint:<job>',
    'confirm_printed:<job>', 'void:<job>'."""

    action: str


@dataclass(frozen=True)
class QuitApp:
    pass
