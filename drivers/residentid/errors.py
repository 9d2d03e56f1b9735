"""Typed faults of the resident ID reader, each a subclass of the device error it refines.

A subclass keeps the parent's ``code`` where the meaning is the same (a card lifted mid-read is
``card_removed`` whatever the reader), and brings its own ``resident_*`` code where the kiosk
must say or do something different. ``status`` carries the reader's 3-byte status word where one
caused the error, so technicians see exactly what the SAM answered.
"""

from __future__ import annotations

from drivers.errors import (
    CardNotAuthentic,
    CardReadError,
    CardRemoved,
    CardUnsupported,
    DeviceError,
    ReaderUnavailable,
)


class _WithStatus:
    """Mixin: the status word (SW1 SW2 SW3) the reader answered, if any."""

    status: bytes | None = None

    def _set_status(self, status: bytes | None) -> None:
        self.status = bytes(status) if status is not None else None


# --- the reader or its link is broken: the kiosk is out of service until it recovers ---------
class ResidentPortUnavailable(ReaderUnavailable):
    """The serial port is missing or cannot be opened (USB-serial unplugged, wrong path)."""


class ResidentSamFault(_WithStatus, ReaderUnavailable):
    """The security module refuses service: self-test failed, not authorised, missing."""

    code = "resident_sam_fault"

    def __init__(self, detail: str = "", status: bytes | None = None) -> None:
        super().__init__(detail)
        self._set_status(status)


class ResidentLinkError(_WithStatus, ReaderUnavailable):
    """Frames garbled beyond the retry budget, or the reader rejects the kiosk's frames."""

    code = "resident_link_error"

    def __init__(self, detail: str = "", status: bytes | None = None) -> None:
        super().__init__(detail)
        self._set_status(status)


class ResidentNoReply(ReaderUnavailable):
    """No complete reply before the exchange deadline."""

    code = "resident_no_reply"


class ResidentDecoderMissing(ReaderUnavailable):
    """A vendor photo decoder is configured but its library or function cannot be loaded."""

    code = "resident_decoder_missing"


# --- this applicant's attempt failed: place the card again, or ask staff --------------------
class ResidentCardRemoved(CardRemoved):
    """The card left the reader during a read (same code as for chip cards)."""


class ResidentLinkReset(CardReadError):
    """The reader vanished and came back during a card transaction: its card state is gone."""

    code = "resident_link_reset"


class ResidentSelectFailed(_WithStatus, CardReadError):
    code = "resident_select_failed"

    def __init__(self, detail: str = "", status: bytes | None = None) -> None:
        super().__init__(detail)
        self._set_status(status)


class ResidentReadFailed(_WithStatus, CardReadError):
    code = "resident_read_failed"

    def __init__(self, detail: str = "", status: bytes | None = None) -> None:
        super().__init__(detail)
        self._set_status(status)


class ResidentUnknownCardType(_WithStatus, CardUnsupported):
    """Status 40, or a card-type mark in the text block that no known layout uses."""

    code = "resident_unknown_card_type"

    def __init__(self, detail: str = "", status: bytes | None = None) -> None:
        super().__init__(detail)
        self._set_status(status)


class ResidentCardAuthFailed(_WithStatus, CardNotAuthentic):
    """SAM and card did not authenticate each other (status 31, 32 or 33): a copy or a fake."""

    def __init__(self, detail: str = "", status: bytes | None = None) -> None:
        super().__init__(detail)
        self._set_status(status)


class ResidentStatusError(_WithStatus, CardReadError):
    """Any status word without a more specific meaning; ``status`` says which."""

    code = "resident_status_error"

    def __init__(self, detail: str = "", status: bytes | None = None) -> None:
        super().__init__(detail)
        self._set_status(status)


class ResidentDataInvalid(CardReadError):
    """The text block does not hold together (bad check digit, impossible date, wrong prefix)."""

    code = "resident_data_invalid"


class ResidentCardExpired(DeviceError):
    """The document's validity ended before today and the policy refuses expired documents."""

    code = "resident_card_expired"
    fault = False


class ResidentPhotoUnavailable(DeviceError):
    """No usable photo: no decoder is configured, or decoding failed. The face check cannot run,
    so staff must compare the applicant with the document. ``reason``: ``no_decoder`` or
    ``decode_failed``."""

    code = "resident_photo_unavailable"
    fault = False

    def __init__(self, detail: str = "", reason: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


ALL_CODES = (
    "resident_sam_fault",
    "resident_link_error",
    "resident_no_reply",
    "resident_decoder_missing",
    "resident_link_reset",
    "resident_select_failed",
    "resident_read_failed",
    "resident_unknown_card_type",
    "resident_status_error",
    "resident_data_invalid",
    "resident_card_expired",
    "resident_photo_unavailable",
)
