"""Check characters of Chinese identifiers (GB 11643, GB 11714, GB 32100).

Hand-written: no maintained PyPI package covers all three standards; each is a weighted sum.
"""

from __future__ import annotations

import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_USCC_RE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{18}$")


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 as used by GB 11643-1999."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError("need 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_valid(number: str) -> bool:
    if not _ID_RE.match(number):
        return False
    return resident_id_check_char(number[:17]) == number[17]


def _org_value(c: str) -> int:
    # GB 11714 values: digits as themselves, letters A=10 ... Z=35.
    if c.isdigit():
        return int(c)
    return ord(c) - ord("A") + 10


def organisation_code_check_char(first8: str) -> str:
    """GB 11714: weights 3,7,9,10,5,8,4,2; 11 - S mod 11; 10 -> X, 11 -> 0."""
    if len(first8) != 8 or not all(c in USCC_ALPHABET for c in first8):
        raise ValueError("need 8 characters from the GB 32100 alphabet")
    c = 11 - sum(_org_value(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def uscc_check_char(first17: str) -> str:
    if len(first17) != 17 or not all(c in _USCC_VALUE for c in first17):
        raise ValueError("need 17 characters from the GB 32100 alphabet")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    """Final check character only; the embedded organisation code is not required to verify
    because older codes (e.g. public institutions) carry legacy organisation codes."""
    if not _USCC_RE.match(code):
        return False
    return uscc_check_char(code[:17]) == code[17]


# Bijective scrambling of the serial so that consecutive licences do not get visibly
# consecutive codes; multiplication by a unit modulo 31**6 is a permutation.
_SERIAL_SPACE = 31**6
_SERIAL_MULTIPLIER = 387_420_489  # 3**18, coprime with 31


def issue_uscc(division_code: str, serial: int) -> str:
    """USCC for an individual business: '9' (market regulation) + '2' (individual business)
    + authority division + organisation code 'MA' + 6 serial chars + GB 11714 check + check.

    ``serial`` must be unique per service (the application row id); the mapping is injective
    for serial < 31**6, so codes are unique by construction (also enforced by a DB constraint).
    """
    if not (len(division_code) == 6 and division_code.isdigit() and division_code.isascii()):
        raise ValueError("division code must be 6 digits")
    if not 0 <= serial < _SERIAL_SPACE:
        raise ValueError("serial out of range")
    n = (serial * _SERIAL_MULTIPLIER) % _SERIAL_SPACE
    chars = []
    for _ in range(6):
        n, r = divmod(n, 31)
        chars.append(USCC_ALPHABET[r])
    body8 = "MA" + "".join(reversed(chars))
    org = body8 + organisation_code_check_char(body8)
    first17 = "92" + division_code + org
    return first17 + uscc_check_char(first17)
