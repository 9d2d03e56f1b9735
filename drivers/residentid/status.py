"""Status words (SW1 SW2 SW3) and the typed error each failure stands for.

SW3 is the reader's own status; SW1 SW2 relay the card's APDU status where the card caused the
failure (the tables print them as ``XX XX 41``), so only SW3 decides the meaning. Meanings as
published by reader vendors for the GA/T 467 business-terminal interface (docs/identity.md).
"""

from __future__ import annotations

from drivers.errors import DeviceError
from drivers.residentid.errors import (
    ResidentCardAuthFailed,
    ResidentLinkError,
    ResidentReadFailed,
    ResidentSamFault,
    ResidentSelectFailed,
    ResidentStatusError,
    ResidentUnknownCardType,
)

MEANINGS = {
    0x90: "success",
    0x91: "no such content on the card",
    0x9F: "card found",
    0x10: "reader received a frame with a bad check byte",
    0x11: "reader received a frame with a bad length",
    0x21: "reader received an invalid command",
    0x23: "operation not permitted",
    0x24: "unrecognised error",
    0x31: "card failed to authenticate the SAM",
    0x32: "SAM failed to authenticate the card",
    0x33: "information verification error",
    0x40: "unknown card type",
    0x41: "reading the card failed",
    0x47: "getting the card's random challenge failed",
    0x60: "SAM self-test failed: it accepts no command",
    0x66: "SAM not authorised",
    0x80: "no card found",
    0x81: "selecting the card failed",
}

_LINK = frozenset({0x10, 0x11, 0x21})
_SAM = frozenset({0x60, 0x66})
_AUTH = frozenset({0x31, 0x32, 0x33})


def describe(status: bytes) -> str:
    return f"{bytes(status).hex(' ')} ({MEANINGS.get(status[2], 'undocumented status')})"


def error_for(status: bytes, command: str) -> DeviceError:
    """The typed error for a status that is not the success the command expected."""
    sw3 = status[2]
    detail = f"{command}: status {describe(status)}"
    if sw3 in _LINK:
        return ResidentLinkError(detail, status)
    if sw3 in _SAM:
        return ResidentSamFault(detail, status)
    if sw3 in _AUTH:
        return ResidentCardAuthFailed(detail, status)
    if sw3 == 0x40:
        return ResidentUnknownCardType(detail, status)
    if sw3 in (0x41, 0x47):
        return ResidentReadFailed(detail, status)
    if sw3 == 0x81:
        return ResidentSelectFailed(detail, status)
    return ResidentStatusError(detail, status)
