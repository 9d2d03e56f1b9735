"""Build 256-byte text blocks for simulated cards: the inverse of ``text_block.parse``.

Values are written as UTF-16LE with surrogates passed through, so a test can put a surrogate
pair, a lone surrogate or a Private Use code point into a name exactly as a chip might hold it.
"""

from __future__ import annotations

from drivers.residentid.text_block import LAYOUTS, TEXT_LEN, TYPE_OFFSET, CardKind

MARKS = {
    CardKind.RESIDENT: " ",
    CardKind.HMT_RESIDENCE: "J",
    CardKind.FOREIGN_PERMANENT_2017: "I",
    CardKind.FOREIGN_PERMANENT_2023: "Y",
}


def build_block(kind: CardKind, values: dict[str, str], mark: str | None = None) -> bytes:
    block = bytearray(" ".encode("utf-16-le") * (TEXT_LEN // 2))
    layout = LAYOUTS[kind]
    for name, value in values.items():
        off, size = layout[name]
        data = value.encode("utf-16-le", "surrogatepass")
        if len(data) > size:
            raise ValueError(f"{name} has more than {size // 2} characters")
        block[off:off + len(data)] = data
    block[TYPE_OFFSET:TYPE_OFFSET + 2] = (MARKS[kind] if mark is None else mark).encode("utf-16-le")
    return bytes(block)


def encode_address(address: str, chars: int = 35) -> bytes:
    """An appended address as the new-address read returns it (UCS-2, space-padded)."""
    if len(address) > chars:
        raise ValueError(f"address has more than {chars} characters")
    return address.ljust(chars).encode("utf-16-le")
