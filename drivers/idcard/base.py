"""The ID reader as the kiosk sees it: wait for a card, read it with an access key.

Everything below this interface (PC/SC or in-process transport, BAC/PACE, secure messaging,
file reading, Passive Authentication) belongs to the driver; the kiosk only decides policy
(refuse an unverified chip or not) and what to show.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AccessKey:
    """Password for BAC/PACE: the 6-digit CAN, or the three MRZ fields (dates as YYMMDD)."""

    can: str | None = None
    document_number: str | None = None
    birth_date: str | None = None
    expiry_date: str | None = None

    @property
    def kind(self) -> str:
        return "CAN" if self.can else "MRZ"

    def __repr__(self) -> str:  # never leak the key into logs or tracebacks
        return f"AccessKey(kind={self.kind})"


# Protocols where the reader authenticates the card itself, without a key from the holder: the
# security module (SAM) of a resident ID card reader (drivers/residentid).
KEYLESS_PROTOCOLS = frozenset({"SAM"})


@dataclass(frozen=True)
class CardInfo:
    """What the reader learns before any access key: enough to choose the key screen."""

    reader: str
    atr: bytes
    protocols: tuple[str, ...]  # e.g. ("PACE", "BAC"), from EF.CardAccess or by probing; ("SAM",)

    @property
    def accepts_can(self) -> bool:
        return "PACE" in self.protocols

    @property
    def needs_access_key(self) -> bool:
        """False when the card is read without a CAN or MRZ data (no key screen)."""
        return not (self.protocols and set(self.protocols) <= KEYLESS_PROTOCOLS)


@dataclass(frozen=True)
class PassiveAuthResult:
    """The chip's authenticity: Passive Authentication (the data was signed by a trusted
    state) and, next to it, whether the chip itself proved to be the original."""

    verified: bool
    failure: str | None = None  # stable code, e.g. "sod_signature", "dg_hash:DG2", "chip_auth"
    detail: str = ""  # for technicians; no personal data
    active_auth: str = ""  # passed, failed, absent, skipped ("" = not run)
    chip_auth: str = ""  # passed, failed, absent, unsupported, not_trusted ("" = not run)


@dataclass(frozen=True)
class ReadStats:
    apdus: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    seconds: float = 0.0


@dataclass(eq=False)
class ChipIdentity:
    """Personal data read from the chip. Lives only inside the applicant session."""

    document_type: str
    issuing_state: str
    document_number: str
    surname: str
    given_names: str
    nationality: str
    birth_date: dt.date
    sex: str
    expiry_date: dt.date
    portrait: bytearray  # encoded as on the chip (JPEG or JPEG 2000); bytearray so it can be zeroed
    portrait_format: str  # "jpeg" | "jp2"
    authenticity: PassiveAuthResult
    access_protocol: str  # e.g. "BAC", "PACE-ECDH-GM-AES-128"
    name_national: str | None = None  # DG11: full name in national script (Chinese)
    personal_number: str | None = None  # DG11: e.g. the 18-digit resident ID number
    address: str | None = None  # DG11 permanent address, when present
    stats: ReadStats = field(default_factory=ReadStats)

    def __repr__(self) -> str:
        return f"ChipIdentity(<redacted>, protocol={self.access_protocol})"

    def wipe(self) -> None:
        """Zero the portrait buffer and drop every personal field."""
        for i in range(len(self.portrait)):
            self.portrait[i] = 0
        self.portrait = bytearray()
        for name in ("document_number", "surname", "given_names", "name_national",
                     "personal_number", "address", "nationality", "sex"):
            setattr(self, name, "")
        self.birth_date = self.expiry_date = dt.date.min


ProgressCallback = Callable[[float], None]


class IdReader(ABC):
    """One PC/SC reader (or a simulated one)."""

    @abstractmethod
    def wait_for_card(self, timeout: float) -> CardInfo | None:
        """Block up to ``timeout`` s for a card; None if none came. Raises ReaderUnavailable."""

    @abstractmethod
    def card_present(self) -> bool: ...

    @abstractmethod
    def read(self, key: AccessKey | None, progress: ProgressCallback | None = None) -> ChipIdentity:
        """Access control, secure messaging, read LDS files, Passive Authentication. ``key`` is
        None only for a card whose ``CardInfo.needs_access_key`` is False.

        Raises CardRemoved, CardAccessDenied, CardBlocked, CardUnsupported, CardReadError,
        ReaderUnavailable. An unverifiable chip is *returned* with ``authenticity.verified``
        False: refusing it is the kiosk's policy, not the driver's.
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        pass
