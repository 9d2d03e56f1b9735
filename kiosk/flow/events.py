"""Everything that can happen to the flow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drivers.idcard.base import CardInfo, ChipIdentity
from drivers.registry.models import Decision, NameCheck, ReferenceData


@dataclass(frozen=True)
class Touch:
    """An applicant's action on the screen. ``value`` depends on the action."""

    action: str
    value: Any = None


@dataclass(frozen=True)
class Tick:
    """Clock tick: drives timeouts and countdowns."""


@dataclass(frozen=True)
class CardInserted:
    info: CardInfo


@dataclass(frozen=True, eq=False)
class CardRead:
    identity: ChipIdentity
    face_reference: Any
    name_check: str = ""  # "" | "confirm" | "staff": kiosk.flow.form.name_check
    removal_tracked: bool = False  # the reader will tell when the card is lifted (CardLifted)


@dataclass(frozen=True)
class CardLifted:
    """The card just read has been taken off its reader."""


@dataclass(frozen=True)
class ReadersChanged:
    """A reader went down (``fault`` its code) or came back (``fault`` empty): ``documents`` are
    the document families the working readers can still read."""

    documents: tuple[str, ...]
    fault: str = ""


@dataclass(frozen=True)
class FaceGuidance:
    guidance: str  # stable code: move_closer, face_camera, more_light, hold_still, blink ...
    challenge: str | None
    step: int = 0  # the challenge's place in the check, from 1; 0 outside a challenge
    steps: int = 0  # challenges in the whole check; 0 if not known


@dataclass(frozen=True)
class FaceChecked:
    passed: bool
    reason: str  # "match" or why not


@dataclass(frozen=True, eq=False)
class ReferenceLoaded:
    data: ReferenceData


@dataclass(frozen=True)
class Decided:
    decision: Decision


@dataclass(frozen=True)
class Printed:
    job_id: str


@dataclass(frozen=True)
class StepFailed:
    """A device step failed. ``fault`` True means the kiosk itself is broken."""

    step: str  # "card" | "face" | "reference" | "submit" | "print"
    code: str  # drivers.errors code, e.g. "card_removed", "printer_paper_out"
    fault: bool


@dataclass(frozen=True)
class DevicesProbed:
    healthy: bool
    code: str = ""


@dataclass(frozen=True)
class PinChecked:
    result: str  # ok | wrong | locked | no_pin


@dataclass(frozen=True, eq=False)
class ChecksDone:
    results: list[Any]  # kiosk.diag.checks.CheckResult


@dataclass(frozen=True)
class DevicesReady:
    """Every device is up (start-up runs behind the attract screen)."""


@dataclass(frozen=True)
class NameChecked:
    """The service's check of the business name asked as ``seq`` (kiosk.flow.commands.CheckName)."""

    seq: int
    result: NameCheck


@dataclass(frozen=True)
class NameCheckFailed:
    """The check asked as ``seq`` got no usable answer: the form carries on, the submission decides."""

    seq: int
    code: str  # drivers.errors code, for the log
