"""Logical Data Structure files: identifiers, EF.COM and DG1 (ICAO 9303-10)."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.errors import CardReadError
from drivers.idcard import mrz as mrz_mod
from drivers.idcard import tlv

EMRTD_AID = bytes.fromhex("A0000002471001")


@dataclass(frozen=True)
class EF:
    name: str
    fid: int
    sfi: int
    tag: int  # outer tag of the file's content (0 when not a single TLV)


CARD_ACCESS = EF("EF.CardAccess", 0x011C, 0x1C, 0x31)
ATR_INFO = EF("EF.ATR/INFO", 0x2F01, 0x01, 0)  # master file; several data objects, no outer tag
COM = EF("EF.COM", 0x011E, 0x1E, 0x60)
SOD = EF("EF.SOD", 0x011D, 0x1D, 0x77)
DG_TAGS = {1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68, 9: 0x69,
           10: 0x6A, 11: 0x6B, 12: 0x6C, 13: 0x6D, 14: 0x6E, 15: 0x6F, 16: 0x70}
TAG_TO_DG = {v: k for k, v in DG_TAGS.items()}


def dg(number: int) -> EF:
    return EF(f"DG{number}", 0x0100 + number, number, DG_TAGS[number])


@dataclass(frozen=True)
class Com:
    lds_version: str
    unicode_version: str
    data_groups: tuple[int, ...]


def parse_com(data: bytes) -> Com:
    inner = tlv.parse_dict(tlv.unwrap(data, COM.tag))
    tags = inner.get(0x5C)
    if tags is None:
        raise CardReadError("EF.COM has no tag list")
    unknown = [t for t in tags if t not in TAG_TO_DG]
    if unknown:
        raise CardReadError("EF.COM lists an unknown data group tag")
    return Com(_ascii(inner.get(0x5F01, b"")), _ascii(inner.get(0x5F36, b"")),
               tuple(TAG_TO_DG[t] for t in tags))


def build_com(data_groups: list[int]) -> bytes:
    body = tlv.encode(0x5F01, b"0107") + tlv.encode(0x5F36, b"040000")
    body += tlv.encode(0x5C, bytes(DG_TAGS[n] for n in data_groups))
    return tlv.encode(COM.tag, body)


def parse_dg1(data: bytes) -> mrz_mod.Mrz:
    inner = tlv.parse_dict(tlv.unwrap(data, DG_TAGS[1]))
    raw = inner.get(0x5F1F)
    if raw is None:
        raise CardReadError("DG1 has no MRZ data object")
    return mrz_mod.parse(_ascii(raw))


def build_dg1(mrz_text: str) -> bytes:
    return tlv.encode(DG_TAGS[1], tlv.encode(0x5F1F, mrz_text.encode("ascii")))


def _ascii(raw: bytes) -> str:
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise CardReadError("non-ASCII bytes in an ASCII LDS field") from exc
