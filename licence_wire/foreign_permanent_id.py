"""Number of the foreign permanent resident ID card (外国人永久居留身份证): one rule for the kiosk's
card reader and the registration service.

* 2017 version: 15 characters, the holder's three-letter nationality code and 12 digits. No
  check-digit rule is published: only the shape is checked.
* 2023 version (issued from 2023-12-01): 18 characters, the first a 9, then 16 digits and an
  ISO 7064 MOD 11-2 check character as GB 11643 computes it (the issuer's published rule).
  Where its birth date sits inside the number is not published: it is not read from it.

As with resident ID numbers, only the canonical ASCII spelling is valid (upper-case letters,
ASCII digits, an upper-case ``X`` check character).
"""

from __future__ import annotations

import re

from licence_wire.resident_id import check_char

_V2017 = re.compile(r"[A-Z]{3}[0-9]{12}", re.ASCII)
_V2023 = re.compile(r"9[0-9]{16}[0-9X]", re.ASCII)


def is_valid(number: str) -> bool:
    if _V2017.fullmatch(number):
        return True
    return bool(_V2023.fullmatch(number)) and check_char(number[:17]) == number[17]
