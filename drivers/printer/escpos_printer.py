"""The Printer interface on a python-escpos 3.1 backend (Usb, Serial, Network, File).

python-escpos supplies device discovery and opening; status queries and deadlines are ours
(drivers/printer/link.py, drivers/printer/status.py) because its own ``paper_status()`` reports
"paper OK" when the printer does not answer at all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from drivers.errors import PrinterNoReply, PrinterOffline, PrinterStatusGarbled
from drivers.printer.base import Printer, PrinterStatus
from drivers.printer.commands import INIT, PROCESS_ID_HEADER, feed_and_cut, process_id, status_query
from drivers.printer.link import Link, LinkLost
from drivers.printer.profiles import PrinterProfile
from drivers.printer.status import RawStatus, check_reply

log = logging.getLogger(__name__)

STATUS_QUERY = b"".join(status_query(n) for n in (1, 2, 3, 4))
CLEAR_BUFFERS = b"\x10\x14\x08\x01\x03\x14\x01\x06\x02\x08"  # DLE DC4 8: Epson and clones


def resync_preamble(width_dots: int) -> bytes:
    """Bytes that bring a printer holding a truncated command back to a command boundary.

    DLE DC4 8 clears the buffers on printers that support it; for the others, enough NULs to
    complete the longest command the kiosk sends (one 256-row GS v 0 slice) - inside raster data
    they are white dots, outside they are ignored. Then reset and cut the scrap off.
    """
    longest = width_dots // 8 * 256 + 8
    return CLEAR_BUFFERS + bytes(longest) + INIT + feed_and_cut(24)


class EscposPrinter(Printer):
    """Thread-safe: the kiosk flow prints while the diagnostics screen may poll status."""

    def __init__(
        self,
        link: Link,
        profile: PrinterProfile,
        confirm_wait_s: float = -1.0,
        confirm_by_process_id: bool = False,
    ) -> None:
        self.link = link
        self.confirm_by_process_id = confirm_by_process_id
        self._rx = bytearray()
        self._status_rx = bytearray()
        self._process_ids: set[bytes] = set()
        self.profile = profile
        self.width_dots = profile.width_dots
        self.confirm_wait_s = confirm_wait_s
        self.last_raw: RawStatus | None = None
        self.paper_near_end = False  # technician warning; printing goes on
        self._lock = threading.Lock()
        self._on_close: list[Callable[[], None]] = []
        self.virtual: Any = None  # the VirtualPrinter behind a create_virtual() printer

    def _resync_if_broken(self) -> None:
        if self.link.broken:
            log.warning("printer link broke mid-command: resynchronising")
            self.link.write(resync_preamble(self.width_dots))
            self.link.broken = False

    # --- incoming bytes: status replies and process-ID responses share one channel -----------
    def _receive(self, timeout_s: float) -> None:
        """Read what arrives within ``timeout_s`` and sort it: process-ID frames
        (``37 22 d1 d2 d3 d4 00``) go to ``_process_ids``, other bytes are status replies.
        The two cannot be confused: every status byte has bit 0 clear, 0x37 has it set."""
        self._rx += self.link.read_available(timeout_s)
        while self._rx:
            if self._rx[0] != PROCESS_ID_HEADER[0]:
                self._status_rx.append(self._rx.pop(0))
                continue
            if len(self._rx) < 7:
                return  # rest of the frame still on its way
            frame = bytes(self._rx[:7])
            del self._rx[:7]
            if frame[:2] != PROCESS_ID_HEADER or frame[6] != 0:
                raise PrinterStatusGarbled(f"malformed process-ID response {frame[:2].hex()}..")
            self._process_ids.add(frame[2:6])

    def _drain(self) -> bool:
        """Drop stale status bytes (late replies to timed-out queries), keep process IDs.
        True if the printer closed or reset the link since our last call."""
        try:
            for _ in range(64):
                before = len(self._rx) + len(self._status_rx)
                self._receive(0.0)
                if len(self._rx) + len(self._status_rx) == before:
                    break
        except LinkLost:
            self._rx.clear()
            self._status_rx.clear()
            return True
        self._status_rx.clear()
        return False

    def status(self) -> PrinterStatus:
        with self._lock:
            self.link.open()
            if self._drain():
                # the printer dropped the link since our last call: whatever we sent last may
                # be cut short, so this query fails (the job in flight is not confirmed) and the
                # next call reconnects and resyncs
                raise PrinterOffline("connection lost since the last command")
            self._resync_if_broken()
            self.link.write(STATUS_QUERY)
            deadline = time.monotonic() + self.link.status_timeout_s
            while len(self._status_rx) < 4:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    self._receive(left)
                except LinkLost as exc:
                    raise PrinterOffline("connection lost while waiting for status") from exc
            reply = bytes(self._status_rx[:4])
            self._status_rx.clear()
            if not reply:
                raise PrinterNoReply("no reply to DLE EOT within "
                                     f"{self.link.status_timeout_s:.2f} s")  # fmt: skip
            if len(reply) < 4:
                self.link.close()  # a late byte would be misread as the next reply
                self._rx.clear()
                raise PrinterNoReply(f"partial status reply ({len(reply)} of 4 bytes)")
            raw = RawStatus(*(check_reply(n, reply[n - 1 : n]) for n in (1, 2, 3, 4)))
        self.last_raw = raw
        st = raw.to_status()
        if st.paper_near_end and not self.paper_near_end:
            log.warning("printer paper near end")
        self.paper_near_end = st.paper_near_end
        return st

    # --- process-ID confirmation (opt-in per model) -------------------------------------------
    def request_process_id(self, pid: bytes) -> None:
        """Ask to be told when everything sent so far has been printed (GS ( H fn 48)."""
        with self._lock:
            self._process_ids.discard(pid)
            self.link.write(process_id(pid))

    def process_id_done(self, pid: bytes, wait_s: float = 0.0) -> bool:
        """True once the printer reported ``pid``; waits up to ``wait_s`` for it."""
        deadline = time.monotonic() + wait_s
        with self._lock:
            while pid not in self._process_ids:
                try:
                    self._receive(max(0.0, deadline - time.monotonic()))
                except LinkLost as exc:
                    raise PrinterOffline("connection lost while printing") from exc
                if time.monotonic() >= deadline:
                    break
            return pid in self._process_ids

    def invalidate(self) -> None:
        """The printer may hold an unfinished job: resync (clear, pad, cut) before the next."""
        self.link.broken = True

    def send(self, job: bytes) -> None:
        with self._lock:
            self._resync_if_broken()
            self.link.write(job)

    def print_seconds(self, rows: int) -> float:
        """How long the mechanism needs for ``rows`` dot rows: the wait before a job's outcome
        can be read from the sensors."""
        if self.confirm_wait_s >= 0:
            return self.confirm_wait_s
        mm = rows / self.profile.dots_per_mm
        return mm / self.profile.head_speed_mm_s + 0.3

    def add_close_hook(self, hook: Callable[[], None]) -> None:
        self._on_close.append(hook)

    def close(self) -> None:
        with self._lock:
            self.link.close()
        for hook in self._on_close:
            hook()
        self._on_close = []
