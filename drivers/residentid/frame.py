"""The reader's frame: ``AA AA AA 96 69`` + LEN (2 bytes, big-endian) + payload + XOR check.

LEN counts everything after itself (payload and check byte). The check byte is the XOR of LEN's
two bytes and the payload. Requests carry CMD PARA [data]; replies carry SW1 SW2 SW3 [data].
The same frame serves both directions (GA/T 467 business-terminal interface, as published by
reader vendors; see docs/identity.md).

``FrameScanner`` takes bytes as they arrive from the line and yields whole frames. It never
trusts a preamble: a frame whose length is out of bounds or whose check byte is wrong is
counted as junk and the scan resumes one byte after that preamble, so garbage, truncated frames
and preamble-like bytes inside photo data all end in resynchronisation, never in a wrong frame.
Hand-written: no library speaks this protocol (there is no PyPI package for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LEN = len(PREAMBLE) + 2
MIN_LEN = 3  # a request's CMD PARA CHK; a reply has at least SW1 SW2 SW3 CHK
MAX_LEN = 4096  # the largest reply (text + photo + two fingerprints) is 2 314


def xor(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def encode(payload: bytes) -> bytes:
    """The whole frame for ``payload`` (CMD PARA data, or SW1 SW2 SW3 data)."""
    length = len(payload) + 1
    if not MIN_LEN <= length <= MAX_LEN:
        raise ValueError(f"payload of {len(payload)} bytes does not fit a frame")
    body = length.to_bytes(2, "big") + payload
    return PREAMBLE + body + bytes((xor(body),))


def request(cmd: int, para: int, data: bytes = b"") -> bytes:
    return encode(bytes((cmd, para)) + data)


@dataclass(frozen=True)
class Frame:
    payload: bytes

    @property
    def wire_size(self) -> int:
        return HEADER_LEN + len(self.payload) + 1


class FrameScanner:
    """Incremental, bounded frame extraction from a byte stream (see the module docstring)."""

    def __init__(self, min_len: int = MIN_LEN, max_len: int = MAX_LEN) -> None:
        self.min_len = min_len
        self.max_len = max_len
        self._buf = bytearray()
        self.junk = 0  # bytes discarded since the last reset_counters()
        self.bad_frames = 0  # candidate frames rejected for length or check byte

    def reset_counters(self) -> None:
        self.junk = 0
        self.bad_frames = 0

    def clear(self) -> None:
        self.junk += len(self._buf)
        self._buf.clear()

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        frames: list[Frame] = []
        while True:
            frame = self._next()
            if frame is None:
                return frames
            frames.append(frame)

    def _drop(self, n: int) -> None:
        del self._buf[:n]
        self.junk += n

    def _next(self) -> Frame | None:
        buf = self._buf
        while True:
            start = buf.find(PREAMBLE)
            if start < 0:
                # keep a tail that may be the start of a preamble split across reads
                keep = next((k for k in range(min(len(PREAMBLE) - 1, len(buf)), 0, -1)
                             if buf.endswith(PREAMBLE[:k])), 0)
                self._drop(len(buf) - keep)
                return None
            if start:
                self._drop(start)
            if len(buf) < HEADER_LEN:
                return None
            length = int.from_bytes(buf[5:7], "big")
            if not self.min_len <= length <= self.max_len:
                self.bad_frames += 1
                self._drop(1)
                continue
            end = HEADER_LEN + length
            if len(buf) < end:
                later = self._complete_frame_after(1)
                if later is None:
                    return None
                # a truncated frame followed by a whole one: waiting for the first to
                # "complete" would swallow the second, so give up on the first now
                self.bad_frames += 1
                self._drop(later)
                continue
            body = bytes(buf[5:end - 1])
            if xor(body) != buf[end - 1]:
                self.bad_frames += 1
                self._drop(1)
                continue
            del buf[:end]
            return Frame(body[2:])

    def _complete_frame_after(self, offset: int) -> int | None:
        """Start of the first whole, valid frame at or after ``offset``, if the buffer has one."""
        buf = self._buf
        start = buf.find(PREAMBLE, offset)
        while start >= 0:
            if len(buf) - start < HEADER_LEN:
                return None
            length = int.from_bytes(buf[start + 5:start + 7], "big")
            end = start + HEADER_LEN + length
            if self.min_len <= length <= self.max_len and end <= len(buf) \
                    and xor(bytes(buf[start + 5:end - 1])) == buf[end - 1]:
                return start
            start = buf.find(PREAMBLE, start + 1)
        return None
