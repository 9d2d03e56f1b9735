"""DLE EOT real-time status: parsing the four reply bytes and turning them into typed faults.

Hand-written because python-escpos 3.1 only knows two of the four queries, blocks on a reply
without a timeout of its own, and ``paper_status()`` reports "paper OK" when nothing answers.
Bit layouts follow the Epson ESC/POS reference (same on Citizen, Bixolon, CBM):
every reply has bit 1 and bit 4 set and bits 0 and 7 clear.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.errors import (
    PrinterCoverOpen,
    PrinterCutterError,
    PrinterError,
    PrinterOffline,
    PrinterPaperOut,
    PrinterStatusGarbled,
)
from drivers.printer.base import PrinterStatus

FIXED_MASK = 0x93  # bits 7, 4, 1, 0
FIXED_VALUE = 0x12  # bits 4 and 1 set

# n = 1: printer status
S1_DRAWER = 0x04
S1_OFFLINE = 0x08
S1_WAIT_RECOVERY = 0x20
S1_FEED_BUTTON = 0x40
# n = 2: offline cause
S2_COVER_OPEN = 0x04
S2_FEEDING = 0x08
S2_PAPER_END_STOP = 0x20
S2_ERROR = 0x40
# n = 3: error cause
S3_CUTTER = 0x08
S3_UNRECOVERABLE = 0x20
S3_AUTO_RECOVERABLE = 0x40
# n = 4: roll paper sensors
S4_NEAR_END = 0x0C
S4_PAPER_END = 0x60


def check_reply(n: int, reply: bytes) -> int:
    """The single status byte, or PrinterStatusGarbled if it is not a DLE EOT reply."""
    if len(reply) != 1:
        raise PrinterStatusGarbled(f"DLE EOT {n}: expected 1 byte, got {len(reply)}")
    b = reply[0]
    if b & FIXED_MASK != FIXED_VALUE:
        raise PrinterStatusGarbled(f"DLE EOT {n}: byte 0x{b:02x} lacks the fixed bits")
    return b


@dataclass(frozen=True)
class RawStatus:
    """The four bytes as received; kept for diagnostics output."""

    printer: int
    offline: int
    error: int
    paper: int

    def to_status(self) -> PrinterStatus:
        return PrinterStatus(
            online=not self.printer & S1_OFFLINE,
            # either paper-end sensor bit is enough: some models set only bit 5
            paper_present=not self.paper & S4_PAPER_END and not self.offline & S2_PAPER_END_STOP,
            paper_near_end=bool(self.paper & S4_NEAR_END),
            cover_open=bool(self.offline & S2_COVER_OPEN),
            cutter_error=bool(self.error & S3_CUTTER),
        )

    def as_dict(self) -> dict[str, str]:
        return {k: f"0x{getattr(self, k):02x}" for k in ("printer", "offline", "error", "paper")}


def raise_for_status(status: PrinterStatus) -> None:
    """The typed fault a status stands for (most specific first); near end is not a fault."""
    if status.cover_open:
        raise PrinterCoverOpen("cover open")
    if not status.paper_present:
        raise PrinterPaperOut("paper end sensor")
    if status.cutter_error:
        raise PrinterCutterError("autocutter error")
    if not status.online:
        raise PrinterOffline("printer reports offline")


def encode_reply(
    n: int,
    *,
    offline: bool = False,
    cover_open: bool = False,
    paper_out: bool = False,
    near_end: bool = False,
    cutter_error: bool = False,
    feeding: bool = False,
) -> bytes:
    """The byte a printer in this state answers to DLE EOT n (used by the virtual printer)."""
    b = FIXED_VALUE
    stopped = offline or cover_open or paper_out or cutter_error
    if n == 1:
        b |= S1_OFFLINE if stopped else 0
        b |= S1_WAIT_RECOVERY if cutter_error else 0
    elif n == 2:
        b |= S2_COVER_OPEN if cover_open else 0
        b |= S2_FEEDING if feeding else 0
        b |= S2_PAPER_END_STOP if paper_out else 0
        b |= S2_ERROR if cutter_error else 0
    elif n == 3:
        b |= S3_CUTTER if cutter_error else 0
    elif n == 4:
        b |= S4_NEAR_END if (near_end or paper_out) else 0
        b |= S4_PAPER_END if paper_out else 0
    else:
        raise ValueError(n)
    return bytes((b,))


__all__ = [
    "PrinterError",
    "RawStatus",
    "check_reply",
    "encode_reply",
    "raise_for_status",
]
