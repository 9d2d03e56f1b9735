"""Reading LDS files with the fewest APDUs the chip and reader allow.

Strategy: the first READ BINARY selects the file by its short file identifier (no SELECT
APDU) and asks for as much as one response can carry - an extended Le when reader and chip
both support it, otherwise the largest short Le that still fits once secure messaging has
wrapped the answer (223 bytes with AES, 231 with 3DES). When nothing told whether the chip
takes extended APDUs (``probing``), the first extended read is the test: any refusal of it
falls back to short blocks, and the first accepted one settles the question. The TLV header in that first block
gives the file size; the rest follows in as few reads as possible. A chip that refuses a
length (6700, 6B00, or 6Cxx with the exact figure) makes the block shrink for the rest of
the session; 6282 (end of file) is a short but valid answer. Offsets beyond 32 767 cannot be
written in P1-P2, so they go as READ BINARY with odd INS B1 and an offset data object.
"""

from __future__ import annotations

from collections.abc import Callable

from drivers.errors import CardReadError
from drivers.idcard import tlv
from drivers.idcard.apdu import Command, Response
from drivers.idcard.channel import ApduChannel
from drivers.idcard.lds import EF

EXTENDED_BLOCK = 65472  # fits one SM-wrapped response into vpcd's / PC/SC's 64 KB buffers
SHORT_FALLBACKS = (192, 160, 128, 96, 64, 32, 16)
MAX_P1P2_OFFSET = 0x7FFF


class FileNotFound(CardReadError):
    """6A82 for an optional file (the caller decides whether that is an error)."""


#: answers to a READ BINARY that are about the file, not about the APDU's length
_FILE_ANSWERS = (0x9000, 0x6282, 0x6A82, 0x6982, 0x6985)


class FileReader:
    def __init__(self, channel: ApduChannel, extended: bool,
                 reauthenticate: Callable[[], None] | None = None, probing: bool = False,
                 max_block: int = EXTENDED_BLOCK) -> None:
        self.channel = channel
        self.extended = extended
        self.reauthenticate = reauthenticate
        self.probing = extended and probing  # extended length is a guess until a chip takes it
        self.block = self._short_max() if not extended else min(EXTENDED_BLOCK, max_block)
        self.on_bytes: Callable[[int, int], None] | None = None

    def _short_max(self) -> int:
        sm = self.channel.sm
        if sm is None:
            return 256
        return 223 if sm.block == 16 else 231

    def _shrink(self, exact: int | None = None) -> None:
        if exact:
            if exact >= self.block:
                raise CardReadError("chip asked for a larger Le than the one it refused")
            self.block = exact
            return
        if self.extended:
            self.extended = False
            self.block = self._short_max()
            return
        smaller = [b for b in SHORT_FALLBACKS if b < self.block]
        if not smaller:
            raise CardReadError("chip refuses every READ BINARY length")
        self.block = smaller[0]

    def read(self, ef: EF) -> bytes:
        first = self._read_block(ef, 0, first=True)
        try:
            total = tlv.total_length(first)
        except CardReadError:
            if len(first) >= 8:
                raise
            first += self._read_block(ef, len(first))
            total = tlv.total_length(first)
        data = bytearray(first)
        while len(data) < total:
            before = len(data)
            data += self._read_block(ef, len(data), want=total - len(data))
            if len(data) == before:
                raise CardReadError(f"{ef.name}: chip returned no data before the end")
            if self.on_bytes:
                self.on_bytes(min(len(data), total), total)
        return bytes(data[:total])

    def _read_block(self, ef: EF, offset: int, want: int = 0, first: bool = False) -> bytes:
        for _ in range(24):  # bounded: each turn shrinks the block or re-authenticates
            le = self.block if not want else min(self.block, want + (4 if offset > MAX_P1P2_OFFSET
                                                                      else 0))
            cmd = self._command(ef, offset, le, first)
            resp = self.channel.exchange(cmd)
            if self.probing and cmd.needs_extended():
                if resp.sw in (0x9000, 0x6282):
                    self.probing = False  # the chip takes extended length
                elif resp.sw not in _FILE_ANSWERS:
                    self.probing = False  # any refusal of the guess: short APDUs from now on
                    if self.channel.sm is not None:
                        self._shrink()
                        continue
                    # the chip dropped secure messaging: re-authenticated (and shrunk) below
            if resp.sw in (0x9000, 0x6282):
                return self._payload(resp, cmd, ef, offset)
            if self.channel.sm is None and self.reauthenticate is not None:
                # the chip dropped secure messaging (plain error): start again, short APDUs
                self.reauthenticate()
                self._shrink()
                first = True if offset == 0 else self._reselect(ef)
                continue
            if resp.sw == 0x6A82:
                raise FileNotFound(f"{ef.name} not present")
            if resp.sw1 == 0x6C:
                self._shrink(resp.sw & 0xFF or 256)
                continue
            if resp.sw in (0x6700, 0x6B00):
                if resp.sw == 0x6B00 and offset and want == 0:
                    raise CardReadError(f"{ef.name}: offset beyond the end of the file")
                self._shrink()
                continue
            if resp.sw in (0x6982, 0x6985):
                raise CardReadError(f"{ef.name}: access refused ({resp.sw:04X})")
            raise CardReadError(f"{ef.name}: READ BINARY failed ({resp.sw:04X})")
        raise CardReadError(f"{ef.name}: no READ BINARY length accepted")

    def _reselect(self, ef: EF) -> bool:
        resp = self.channel.exchange(Command(0x00, 0xA4, 0x02, 0x0C, ef.fid.to_bytes(2, "big")))
        if not resp.ok:
            raise CardReadError(f"{ef.name}: cannot select again ({resp.sw:04X})")
        return False

    def _command(self, ef: EF, offset: int, le: int, first: bool) -> Command:
        ext = le > 256
        if first and offset == 0:
            return Command(0x00, 0xB0, 0x80 | ef.sfi, 0x00, ne=le, extended=ext)
        if offset <= MAX_P1P2_OFFSET:
            return Command(0x00, 0xB0, offset >> 8, offset & 0xFF, ne=le, extended=ext)
        raw = offset.to_bytes((offset.bit_length() + 7) // 8, "big")
        return Command(0x00, 0xB1, 0x00, 0x00, tlv.encode(0x54, raw), ne=le, extended=ext)

    def _payload(self, resp: Response, cmd: Command, ef: EF, offset: int) -> bytes:
        data = resp.data
        if cmd.ins == 0xB1:
            data = tlv.unwrap(data, 0x53) if data else b""
        if len(data) > (cmd.ne or 0):
            raise CardReadError(f"{ef.name}: chip sent more than Le")
        if not data and resp.sw == 0x9000:
            raise CardReadError(f"{ef.name}: empty answer at offset {offset}")
        return data
