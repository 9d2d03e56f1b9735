"""Credit codes the authority issues (GB 32100 with a GB 11714 organisation code).

The check-character algorithms themselves are shared with the kiosk (``licence_wire``); what
stays here is the service's own numbering of the codes it issues.
"""

from __future__ import annotations

import re

from licence_wire import credit_code

# Bijective scrambling of the serial so that consecutive licences do not get visibly
# consecutive codes; multiplication by a unit modulo 31**6 is a permutation.
_SERIAL_SPACE = 31**6
_SERIAL_MULTIPLIER = 387_420_489  # 3**18, coprime with 31
_DIVISION = re.compile(r"[0-9]{6}", re.ASCII)


def issue_uscc(division_code: str, serial: int) -> str:
    """USCC for an individual business: '9' (market regulation) + '2' (individual business)
    + authority division + organisation code 'MA' + 6 serial chars + GB 11714 check + check.

    ``serial`` must be unique per service (the application row id); the mapping is injective
    for serial < 31**6, so codes are unique by construction (also enforced by a DB constraint).
    """
    if not _DIVISION.fullmatch(division_code):
        raise ValueError("division code must be 6 ASCII digits")
    if not 0 <= serial < _SERIAL_SPACE:
        raise ValueError("serial out of range")
    n = (serial * _SERIAL_MULTIPLIER) % _SERIAL_SPACE
    chars = []
    for _ in range(6):
        n, r = divmod(n, 31)
        chars.append(credit_code.ALPHABET[r])
    body8 = "MA" + "".join(reversed(chars))
    org = body8 + credit_code.organisation_code_check_char(body8)
    first17 = "92" + division_code + org
    return first17 + credit_code.check_char(first17)
