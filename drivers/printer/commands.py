"""The ESC/POS byte sequences the kiosk emits and the decoder/virtual printer understand.

One table shared by the encoder, the status query and the decoder, so the three cannot drift apart.
"""

from __future__ import annotations

ESC = 0x1B
GS = 0x1D
FS = 0x1C
DLE = 0x10
EOT = 0x04
LF = 0x0A

INIT = b"\x1b@"  # ESC @: reset modes (not the receive buffer)
LF_BYTES = b"\n"
CUT_FULL = b"\x1dV\x00"  # GS V 0
CUT_PARTIAL = b"\x1dV\x01"  # GS V 1
KANJI_ON = b"\x1c&"  # FS &: two-byte (GB18030 on Chinese models) character mode
KANJI_OFF = b"\x1c."  # FS .


def status_query(n: int) -> bytes:
    """DLE EOT n: real-time status, answered even while the print buffer is busy."""
    if n not in (1, 2, 3, 4):
        raise ValueError(f"DLE EOT n must be 1..4, not {n}")
    return bytes((DLE, EOT, n))


def process_id(pid: bytes) -> bytes:
    """GS ( H fn 48: the printer answers ``PROCESS_ID_HEADER + pid + NUL`` once everything before
    it has been processed - for print data, once it is printed (Epson TM-T20II / TM-T88V and later;
    check the model's manual before enabling ``confirm_by_process_id``)."""
    if len(pid) != 4 or not all(32 <= b <= 126 for b in pid):
        raise ValueError("process id: 4 printable ASCII bytes")
    return b"\x1d(H\x06\x00\x30\x30" + pid


PROCESS_ID_HEADER = b"\x37\x22"


def feed_dots(n: int) -> bytes:
    """ESC J n: feed n dots (n <= 255), split into several commands when larger."""
    out = bytearray()
    while n > 0:
        step = min(n, 255)
        out += bytes((ESC, ord("J"), step))
        n -= step
    return bytes(out)


def feed_and_cut(dots: int = 0, partial: bool = False) -> bytes:
    """GS V 65/66 n: feed n dots (vertical motion units) then cut."""
    return bytes((GS, ord("V"), 66 if partial else 65, max(0, min(dots, 255))))
