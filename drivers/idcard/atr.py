"""What an ATR says about the card: historical bytes and the extended-length capability."""

from __future__ import annotations


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


def supports_extended_length(atr: bytes) -> bool:
    """ISO 7816-4 card capabilities (compact TLV tag 7): third byte, bit 7."""
    hist = historical_bytes(atr)
    if not hist or hist[0] != 0x80:
        return False
    pos = 1
    while pos < len(hist):
        tag, length = hist[pos] >> 4, hist[pos] & 0x0F
        value = hist[pos + 1:pos + 1 + length]
        if tag == 0x7 and len(value) >= 3:
            return bool(value[2] & 0x40)
        pos += 1 + length
    return False


def build(extended_length: bool) -> bytes:
    """ATR of the virtual chip: T=1, category 80, card capabilities 73 xx xx xx."""
    hist = bytes([0x80, 0x73, 0x80, 0x21, 0xC0 if extended_length else 0x80])
    body = bytes([0x80 | len(hist), 0x80, 0x01]) + hist
    tck = 0
    for b in body:
        tck ^= b
    return b"\x3b" + body + bytes([tck])
