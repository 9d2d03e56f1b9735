"""Check characters of the Unified Social Credit Code (GB 32100-2015) and of the organisation
code embedded in it (GB 11714).

Hand-written: no maintained PyPI package covers these standards; each is a weighted sum.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
PATTERN = r"^[0-9A-HJ-NP-RTUW-Y]{18}$"  # for OpenAPI and route matching
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_CODE = re.compile(PATTERN[1:-1], re.ASCII)


def organisation_code_check_char(first8: str) -> str:
    """GB 11714: weights 3,7,9,10,5,8,4,2; 11 - S mod 11; 10 -> X, 11 -> 0. Characters are
    valued as digits 0-9 and letters A=10 ... Z=35 (base 36)."""
    if len(first8) != 8 or not all(c in _VALUE for c in first8):
        raise ValueError("need 8 characters from the GB 32100 alphabet")
    c = 11 - sum(int(ch, 36) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def check_char(first17: str) -> str:
    """GB 32100: weights 3^i mod 31; (31 - S mod 31) mod 31, as a character of the alphabet."""
    if len(first17) != 17 or not all(c in _VALUE for c in first17):
        raise ValueError("need 17 characters from the GB 32100 alphabet")
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """Final check character only; the embedded organisation code is not required to verify
    because older codes (e.g. public institutions) carry legacy organisation codes."""
    if not _CODE.fullmatch(code):
        return False
    return check_char(code[:17]) == code[17]
