"""The 256-byte text block (UCS-2, little-endian, space-padded) in its four layouts.

The card-type mark is the character at byte 248 (UCS-2 character 124):

* space (or NUL): 居民身份证, resident identity card; 18-digit GB 11643 number.
* ``J``: 港澳台居民居住证, residence permit for Hong Kong, Macao and Taiwan residents (issued
  from 2018-09-01); 18-digit number beginning 810000 / 820000 / 830000.
* ``I``: 外国人永久居留身份证, foreign permanent resident ID card, 2017 version; 15 characters,
  3 letters + 12 digits.
* ``Y``: the same card, 2023 version (issued from 2023-12-01); 18 digits beginning 9,
  MOD 11-2 check.

Layouts and sources are in docs/identity.md ("Resident ID readers"). Byte offsets below are
into the block; every field is a whole number of UCS-2 code units.

A name character outside the BMP (e.g. 𠮷 U+20BB7) cannot be one UCS-2 unit. The chip text is
decoded as UTF-16LE, so a surrogate pair comes out as the character; a lone surrogate becomes
U+FFFD and a Private Use Area code point (which an issuer's own font table may use) is kept as
is; both are reported in ``warnings`` so the kiosk can have staff confirm the name. Extension A
characters (e.g. 䶮 U+4DAE) are ordinary BMP code units and need nothing special.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from drivers.residentid.errors import ResidentDataInvalid, ResidentUnknownCardType

TEXT_LEN = 256
TYPE_OFFSET = 248
LONG_TERM = "长期"


class CardKind(str, Enum):
    RESIDENT = "resident"
    HMT_RESIDENCE = "hmt_residence"
    FOREIGN_PERMANENT_2017 = "foreign_permanent_2017"
    FOREIGN_PERMANENT_2023 = "foreign_permanent_2023"


TYPE_MARKS = {
    " ": CardKind.RESIDENT,
    "\x00": CardKind.RESIDENT,
    "J": CardKind.HMT_RESIDENCE,
    "I": CardKind.FOREIGN_PERMANENT_2017,
    "Y": CardKind.FOREIGN_PERMANENT_2023,
}

# field -> (byte offset, byte length)
Layout = dict[str, tuple[int, int]]

LAYOUTS: dict[CardKind, Layout] = {
    CardKind.RESIDENT: {
        "name_zh": (0, 30), "sex": (30, 2), "nation": (32, 4), "birth": (36, 16),
        "address": (52, 70), "number": (122, 36), "authority": (158, 30),
        "valid_from": (188, 16), "valid_to": (204, 16),
    },
    CardKind.HMT_RESIDENCE: {
        "name_zh": (0, 30), "sex": (30, 2), "birth": (36, 16), "address": (52, 70),
        "number": (122, 36), "authority": (158, 30), "valid_from": (188, 16),
        "valid_to": (204, 16), "pass_number": (220, 18), "issue_count": (238, 4),
    },
    CardKind.FOREIGN_PERMANENT_2017: {
        "name_en": (0, 120), "sex": (120, 2), "number": (122, 30), "nationality": (152, 6),
        "name_zh": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16),
        "birth": (220, 16), "card_version": (236, 4), "authority": (240, 8),
    },
    CardKind.FOREIGN_PERMANENT_2023: {
        "name_zh": (0, 30), "sex": (30, 2), "renewal_count": (32, 4), "birth": (36, 16),
        "name_en": (52, 70), "number": (122, 36), "valid_from": (188, 16),
        "valid_to": (204, 16), "name_en_more": (220, 22), "nationality": (242, 6),
        "previous_number_link": (250, 6),
    },
}

# warnings (stable codes, no personal data)
W_NAME_SUPPLEMENTARY = "name_supplementary"  # a character outside the BMP, stored as a surrogate pair
W_NAME_PRIVATE_USE = "name_private_use"  # a Private Use Area code point: issuer font, not Unicode
W_NAME_BROKEN = "name_unpaired_surrogate"  # a lone surrogate, replaced by U+FFFD
W_NAME_FULL = "name_field_full"  # the name fills its field: it may have been cut short


@dataclass(frozen=True)
class TextFields:
    kind: CardKind
    number: str
    sex: str  # GB/T 2261.1 code
    birth: dt.date
    valid_from: dt.date
    valid_to: dt.date | None  # None: 长期 (no end)
    name_zh: str | None = None
    name_en: str | None = None
    nation: str | None = None  # GB/T 3304 code (resident cards only)
    nationality: str | None = None  # GB/T 2659 alpha-3 (foreign permanent residents)
    address: str | None = None
    authority: str | None = None  # issuing authority; a 4-character code on the 2017 foreigner card
    pass_number: str | None = None  # 通行证号码 (HK/Macao/Taiwan permits)
    issue_count: str | None = None  # 签发次数 (HK/Macao/Taiwan permits)
    card_version: str | None = None  # 证件版本号 (2017 foreigner card)
    renewal_count: str | None = None  # 换证次数 (2023 foreigner card)
    previous_number_link: str | None = None  # link to the holder's earlier 15-character number (2023)
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"TextFields({self.kind.value}, <redacted>, warnings={self.warnings})"


def card_kind(block: bytes) -> CardKind:
    if len(block) != TEXT_LEN:
        raise ResidentDataInvalid(f"text block of {len(block)} bytes, expected {TEXT_LEN}")
    mark = bytes(block[TYPE_OFFSET:TYPE_OFFSET + 2]).decode("utf-16-le", "replace")
    kind = TYPE_MARKS.get(mark)
    if kind is None:
        raise ResidentUnknownCardType(f"card-type mark U+{ord(mark):04X} is not a known layout")
    return kind


def _text(block: bytes, span: tuple[int, int]) -> tuple[str, set[str]]:
    off, size = span
    raw = bytes(block[off:off + size]).decode("utf-16-le", "surrogatepass")
    warnings: set[str] = set()
    out = []
    for ch in raw:
        cp = ord(ch)
        if 0xD800 <= cp <= 0xDFFF:
            warnings.add(W_NAME_BROKEN)
            out.append("\ufffd")
            continue
        if cp > 0xFFFF:
            warnings.add(W_NAME_SUPPLEMENTARY)
        elif 0xE000 <= cp <= 0xF8FF:
            warnings.add(W_NAME_PRIVATE_USE)
        out.append(ch)
    return "".join(out).rstrip(" \x00"), warnings


def _plain(block: bytes, layout: Layout, field: str) -> str | None:
    if field not in layout:
        return None
    value, _ = _text(block, layout[field])
    return value or None


def _date(block: bytes, layout: Layout, field: str, long_term_ok: bool = False) -> dt.date | None:
    value = _plain(block, layout, field) or ""
    if long_term_ok and value == LONG_TERM:
        return None
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise ResidentDataInvalid(f"{field} is not a YYYYMMDD date")
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise ResidentDataInvalid(f"{field} is not a calendar date") from None


def parse(block: bytes) -> TextFields:
    """Split the text block by the layout its type mark names. Raises ResidentUnknownCardType
    for an unknown mark and ResidentDataInvalid for fields that are not what the layout says;
    the numbers' internal consistency is ``validation``'s job."""
    kind = card_kind(block)
    layout = LAYOUTS[kind]
    warnings: set[str] = set()

    def name(field: str) -> str | None:
        if field not in layout:
            return None
        value, found = _text(block, layout[field])
        warnings.update(found)
        return value or None

    name_en = name("name_en")
    if kind is CardKind.FOREIGN_PERMANENT_2023:
        # the English name continues in a second field (characters 36-46)
        name_en = (name_en or "") + (name("name_en_more") or "") or None
        full = ("name_zh", "name_en_more")
    else:
        full = ("name_zh", "name_en")
    if any(f in layout and _field_full(block, layout[f]) for f in full):
        warnings.add(W_NAME_FULL)
    name_zh = name("name_zh")
    number = _plain(block, layout, "number")
    sex = _plain(block, layout, "sex")
    if not number:
        raise ResidentDataInvalid("the document number is empty")
    if not sex:
        raise ResidentDataInvalid("the sex code is empty")
    if not (name_zh or name_en):
        raise ResidentDataInvalid("the name is empty")
    birth = _date(block, layout, "birth")
    valid_from = _date(block, layout, "valid_from")
    valid_to = _date(block, layout, "valid_to", long_term_ok=True)
    assert birth is not None and valid_from is not None
    return TextFields(
        kind=kind, number=number, sex=sex, birth=birth, valid_from=valid_from, valid_to=valid_to,
        name_zh=name_zh, name_en=name_en, nation=_plain(block, layout, "nation"),
        nationality=_plain(block, layout, "nationality"), address=_plain(block, layout, "address"),
        authority=_plain(block, layout, "authority"), pass_number=_plain(block, layout, "pass_number"),
        issue_count=_plain(block, layout, "issue_count"), card_version=_plain(block, layout, "card_version"),
        renewal_count=_plain(block, layout, "renewal_count"),
        previous_number_link=_plain(block, layout, "previous_number_link"),
        warnings=tuple(sorted(warnings)),
    )


def _field_full(block: bytes, span: tuple[int, int]) -> bool:
    """True when the field's last code unit is not padding: the value may continue beyond it."""
    off, size = span
    return bytes(block[off + size - 2:off + size]) not in (b" \x00", b"\x00\x00")


def decode_address(raw: bytes) -> str | None:
    """The appended address from the new-address read (UCS-2, space-padded)."""
    if len(raw) % 2:
        raise ResidentDataInvalid(f"appended address of odd length {len(raw)}")
    value, _ = _text(raw, (0, len(raw)))
    return value or None
