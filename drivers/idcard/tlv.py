"""BER-TLV as used by the LDS (ISO/IEC 7816-4 / ICAO 9303-10).

Hand-written because asn1crypto wants a schema for every structure and the LDS uses
application/context tags (5F1F, 7F61, ...) read piecemeal; this parser is 60 lines and strict.
Every malformation raises CardReadError: the bytes come from an untrusted chip.
"""

from __future__ import annotations

from collections.abc import Iterator

from drivers.errors import CardReadError


def read_header(data: bytes, offset: int = 0) -> tuple[int, int, int]:
    """Return (tag, length, value_offset) of the TLV starting at ``offset``."""
    n = len(data)
    if offset >= n:
        raise CardReadError("TLV truncated: no tag")
    first = data[offset]
    tag = first
    pos = offset + 1
    if first & 0x1F == 0x1F:  # multi-byte tag
        while True:
            if pos >= n or pos - offset > 3:
                raise CardReadError("TLV tag truncated or too long")
            b = data[pos]
            tag = (tag << 8) | b
            pos += 1
            if not b & 0x80:
                break
    if pos >= n:
        raise CardReadError("TLV truncated: no length")
    lb = data[pos]
    pos += 1
    if lb < 0x80:
        length = lb
    elif lb == 0x80:
        raise CardReadError("indefinite TLV length is not allowed in the LDS")
    else:
        count = lb & 0x7F
        if count > 4 or pos + count > n:
            raise CardReadError("TLV length field truncated or too long")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return tag, length, pos


def parse_one(data: bytes, offset: int = 0) -> tuple[int, bytes, int]:
    """Return (tag, value, end_offset); the value must fit in ``data``."""
    tag, length, pos = read_header(data, offset)
    end = pos + length
    if end > len(data):
        raise CardReadError(f"TLV {tag:X} value truncated ({len(data) - pos} of {length} bytes)")
    return tag, bytes(data[pos:end]), end


def iterate(data: bytes) -> Iterator[tuple[int, bytes]]:
    offset = 0
    while offset < len(data):
        tag, value, offset = parse_one(data, offset)
        yield tag, value


def parse_dict(data: bytes) -> dict[int, bytes]:
    """Children of a constructed value; the first occurrence of a tag wins."""
    out: dict[int, bytes] = {}
    for tag, value in iterate(data):
        out.setdefault(tag, value)
    return out


def unwrap(data: bytes, expected_tag: int) -> bytes:
    """Value of the single outer TLV ``expected_tag`` (trailing bytes after it are ignored,
    as files are read in blocks and padded by some chips)."""
    tag, value, _ = parse_one(data)
    if tag != expected_tag:
        raise CardReadError(f"expected tag {expected_tag:X}, found {tag:X}")
    return value


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def encode(tag: int, value: bytes) -> bytes:
    return tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big") + encode_length(len(value)) + value


def total_length(header: bytes) -> int:
    """Length of the whole TLV whose first bytes are ``header`` (for sizing a file read)."""
    _, length, pos = read_header(header)
    return pos + length
