"""Does the text block hold together, and is the document still valid today?

The SAM authenticates the card, so a failure here means a layout this driver misreads (or a
card-type mark that lies), not a forgery; it is still refused with a typed error rather than
passed on. What is checked, by card kind:

* resident card and HK/Macao/Taiwan permit: GB 11643 number (17 digits + MOD 11-2 check), its
  birth date and sex digit agree with the birth and sex fields; a permit number begins
  810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan), a resident number does not.
* 2023 foreigner card: 18 characters, first digit 9, MOD 11-2 check (the issuer's published
  rule). Where the birth date sits inside the number is not published: not checked.
* 2017 foreigner card: 3 letters + 12 digits. No check-digit rule is published: not checked.
* every card: sex code 1 or 2, valid-from not after valid-to nor after today.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum

# The GB 11643 implementation. Kept behind this one import so that it can move elsewhere.
from drivers.idcard import resident_id as gb11643
from drivers.residentid.errors import ResidentCardExpired, ResidentDataInvalid
from drivers.residentid.text_block import CardKind, TextFields
from licence_wire import foreign_permanent_id

HMT_REGIONS = {"810000": "HK", "820000": "MO", "830000": "TW"}
_DIGITS17 = re.compile(r"^[0-9]{17}[0-9X]$")


class ExpiredPolicy(str, Enum):
    REFUSE = "refuse"
    ACCEPT = "accept"


def with_check_digit(first17: str) -> str:
    """``first17`` plus its MOD 11-2 check character (to build test numbers)."""
    return first17 + gb11643.check_char(first17)


def check_digit_ok(number: str) -> bool:
    """ISO 7064 MOD 11-2 over 17 digits, as GB 11643 defines it."""
    return bool(_DIGITS17.match(number)) and gb11643.check_char(number[:17]) == number[17]


def validate(fields: TextFields, today: dt.date) -> None:
    """Raise ResidentDataInvalid (message without personal data) if the fields disagree."""
    if fields.sex not in ("1", "2"):
        raise ResidentDataInvalid("sex code is not 1 or 2")
    number = fields.number
    kind = fields.kind
    if kind in (CardKind.RESIDENT, CardKind.HMT_RESIDENCE):
        if not check_digit_ok(number):
            raise ResidentDataInvalid("identity number fails the GB 11643 check")
        if not gb11643.is_valid(number) or gb11643.birth_date(number) != fields.birth:
            raise ResidentDataInvalid("identity number and birth date disagree")
        if gb11643.is_male(number) != (fields.sex == "1"):
            raise ResidentDataInvalid("identity number and sex disagree")
        is_hmt = number[:6] in HMT_REGIONS
        if kind is CardKind.HMT_RESIDENCE and not is_hmt:
            raise ResidentDataInvalid("permit number does not begin 810000/820000/830000")
        if kind is CardKind.RESIDENT and is_hmt:
            raise ResidentDataInvalid("resident card carries a permit number")
    elif kind is CardKind.FOREIGN_PERMANENT_2023:
        if not (number.startswith("9") and len(number) == 18 and foreign_permanent_id.is_valid(number)):
            raise ResidentDataInvalid("2023 permanent residence number is not 9 + 16 digits + check")
    elif len(number) != 15 or not foreign_permanent_id.is_valid(number):
        raise ResidentDataInvalid("2017 permanent residence number is not 3 letters + 12 digits")
    if fields.valid_to is not None and fields.valid_from > fields.valid_to:
        raise ResidentDataInvalid("validity starts after it ends")
    if fields.valid_from > today:
        raise ResidentDataInvalid("validity starts in the future (card data or kiosk clock wrong)")


def expired(fields: TextFields, today: dt.date) -> bool:
    """A document is valid through its last day; 长期 never expires."""
    return fields.valid_to is not None and fields.valid_to < today


def enforce_validity(fields: TextFields, today: dt.date, policy: ExpiredPolicy) -> None:
    if expired(fields, today) and policy is ExpiredPolicy.REFUSE:
        raise ResidentCardExpired("document validity has ended")


def hmt_region(number: str) -> str | None:
    return HMT_REGIONS.get(number[:6])
