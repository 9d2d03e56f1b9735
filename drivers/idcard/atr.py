"""What a card says about extended length: ATR historical bytes, or EF.ATR/INFO.

The ISO 7816-4 card capabilities (compact-TLV tag 7 in the historical bytes, third byte bit 7)
answer the question when present, but most contactless eMRTDs (ISO 14443 Type B, whose ATR
the reader synthesises from ATQB) carry no capabilities there. ICAO 9303-10 puts the answer
in EF.ATR/INFO (file 2F01, short identifier 01, in the master file): the extended length
information data object 7F66 (maximum command and response APDU sizes) or the card
capabilities object 47. Hand-written: a few bytes of ISO 7816-4 framing no library covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.errors import CardReadError
from drivers.idcard import tlv


def historical_bytes(atr: bytes) -> bytes:
    if len(atr) < 2:
        return b""
    t0 = atr[1]
    k = t0 & 0x0F
    pos = 2
    y = t0 >> 4
    while True:
        pos += bin(y & 0x0F).count("1")  # TAi, TBi, TCi, TDi present?
        if not y & 0x08 or pos > len(atr):
            break
        y = atr[pos - 1] >> 4
    return atr[pos:pos + k]


def extended_length_capability(atr: bytes) -> bool | None:
    """ISO 7816-4 card capabilities (compact TLV tag 7): third byte, bit 7. None when the ATR
    does not say (no category indicator 80, or no capabilities object)."""
    hist = historical_bytes(atr)
    if not hist or hist[0] != 0x80:
        return None
    pos = 1
    while pos < len(hist):
        tag, length = hist[pos] >> 4, hist[pos] & 0x0F
        value = hist[pos + 1:pos + 1 + length]
        if tag == 0x7 and len(value) >= 3:
            return bool(value[2] & 0x40)
        pos += 1 + length
    return None


def supports_extended_length(atr: bytes) -> bool:
    return extended_length_capability(atr) is True


@dataclass(frozen=True)
class AtrInfo:
    """EF.ATR/INFO as far as extended length goes (None: the file does not say)."""

    extended: bool | None
    max_command: int | None = None
    max_response: int | None = None


def parse_atr_info(data: bytes) -> AtrInfo:
    """Interindustry data objects of EF.ATR/INFO; unknown or malformed objects are skipped
    (the file only sizes our APDUs, it is not trusted for anything else)."""
    caps: bool | None = None
    pos = 0
    while pos < len(data):
        if data[pos] in (0x00, 0xFF):  # padding between or after data objects
            pos += 1
            continue
        try:
            tag, value, pos = tlv.parse_one(data, pos)
        except CardReadError:
            break
        if tag == 0x7F66:
            sizes = [int.from_bytes(v, "big") for t, v in _objects(value) if t == 0x02 and 0 < len(v) <= 3]
            if len(sizes) >= 2:
                return AtrInfo(sizes[0] > 261 or sizes[1] > 258, sizes[0], sizes[1])
        elif tag == 0x47 and len(value) >= 3:
            caps = bool(value[2] & 0x40)
    return AtrInfo(caps)


def _objects(value: bytes) -> list[tuple[int, bytes]]:
    try:
        return list(tlv.iterate(value))
    except CardReadError:
        return []


def build_atr_info(max_command: int, max_response: int) -> bytes:
    """Card side: EF.ATR/INFO with the extended length information object."""
    def integer(n: int) -> bytes:
        return tlv.encode(0x02, n.to_bytes(2 if n < 0x10000 else 3, "big"))

    return tlv.encode(0x7F66, integer(max_command) + integer(max_response))


def build(extended_length: bool) -> bytes:
    """ATR of the virtual chip: T=1, category 80, card capabilities 73 xx xx xx."""
    return _atr(bytes([0x80, 0x73, 0x80, 0x21, 0xC0 if extended_length else 0x80]))


def build_type_b(application_data: bytes = b"\x4d\x52\x54\x44", protocol_info: bytes = b"\x00\x71\x81",
                 mbli: int = 0x00) -> bytes:
    """ATR a PC/SC reader synthesises for an ISO 14443 Type B card (PC/SC part 3): the
    historical bytes are ATQB's application data, protocol info and MBLI - no capabilities."""
    return _atr(application_data + protocol_info + bytes([mbli]))


def _atr(hist: bytes) -> bytes:
    body = bytes([0x80 | len(hist), 0x80, 0x01]) + hist
    tck = 0
    for b in body:
        tck ^= b
    return b"\x3b" + body + bytes([tck])
