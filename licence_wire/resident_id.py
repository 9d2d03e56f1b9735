"""Chinese resident identity number (GB 11643-1999): a 6-digit address code, the 8-digit birth
date, a 3-digit sequence (odd: male) and an ISO 7064 MOD 11-2 check character.

One rule for the kiosk and the service: the canonical spelling, 17 ASCII digits and an ASCII
digit or upper-case ``X``, is the only valid one. The number is an identity key that systems
downstream compare byte for byte (the public-security lookup, duplicate checks, the request
fingerprint behind idempotency), so two spellings of one number must not travel. A lower-case
``x`` written by a source nobody can correct (a chip, a reader SDK) is turned into ``X`` by
``normalise`` once, where the number enters the kiosk's wire; everything after that edge,
including the service's API, refuses it. Full-width, Arabic-Indic or other non-ASCII digits
are never folded: they are refused.
"""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# re.ASCII is redundant with [0-9] but documents that \d-style Unicode digits never match.
_FIRST17 = re.compile(r"[0-9]{17}", re.ASCII)
_NUMBER = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)


def check_char(first17: str) -> str:
    """The check character of the first 17 digits. ValueError unless 17 ASCII digits."""
    if not _FIRST17.fullmatch(first17):
        raise ValueError("need 17 ASCII digits")
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise(number: str) -> str:
    """Upper-case the final ``x`` of 17 ASCII digits + ``x``; anything else is returned
    unchanged (and stays invalid)."""
    if len(number) == 18 and number[17] == "x" and _FIRST17.fullmatch(number[:17]):
        return number[:17] + "X"
    return number


def birth_date(number: str) -> dt.date:
    """ValueError unless the number is well-formed and carries a real calendar date."""
    if not _NUMBER.fullmatch(number):
        raise ValueError("not an 18-character resident ID number")
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def is_valid(number: str) -> bool:
    """Canonical spelling, a real birth date and the right check character."""
    try:
        birth_date(number)
    except ValueError:
        return False
    return check_char(number[:17]) == number[17]


def is_male(number: str) -> bool:
    if not _NUMBER.fullmatch(number):
        raise ValueError("not an 18-character resident ID number")
    return int(number[16]) % 2 == 1


def make(address_code: str, birth: dt.date, sequence: int) -> str:
    """A valid number (tests, simulators); an odd ``sequence`` means male."""
    first17 = f"{address_code}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
