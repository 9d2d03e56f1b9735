"""DG11 additional personal details (ICAO 9303-10 4.7.11).

A Chinese chip carries the holder's name in Chinese in 5F0E and the 18-digit resident ID
number in 5F10; text fields are UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.errors import CardReadError
from drivers.idcard import tlv

TAG = 0x6B
FULL_NAME = 0x5F0E
PERSONAL_NUMBER = 0x5F10
FULL_BIRTH_DATE = 0x5F2B
PLACE_OF_BIRTH = 0x5F11
ADDRESS = 0x5F42


@dataclass(frozen=True)
class Dg11:
    full_name: str | None
    personal_number: str | None
    address: str | None
    full_birth_date: str | None  # YYYYMMDD

    def __repr__(self) -> str:
        return "Dg11(<redacted>)"


def _text(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    try:
        value = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CardReadError("DG11 field is not valid UTF-8") from exc
    return " ".join(value.replace("<", " ").split()) or None


def parse_dg11(data: bytes) -> Dg11:
    fields = tlv.parse_dict(tlv.unwrap(data, TAG))
    return Dg11(_text(fields.get(FULL_NAME)), _text(fields.get(PERSONAL_NUMBER)),
                _text(fields.get(ADDRESS)), _text(fields.get(FULL_BIRTH_DATE)))


def build_dg11(*, full_name: str, personal_number: str, address: str = "",
               full_birth_date: str = "") -> bytes:
    items = [(FULL_NAME, full_name), (PERSONAL_NUMBER, personal_number),
             (FULL_BIRTH_DATE, full_birth_date), (ADDRESS, address)]
    present = [(t, v) for t, v in items if v]
    tag_list = b"".join(t.to_bytes(2, "big") for t, _ in present)
    body = tlv.encode(0x5C, tag_list)
    body += b"".join(tlv.encode(t, v.encode("utf-8")) for t, v in present)
    return tlv.encode(TAG, body)
