"""Byte transport to the printer over a python-escpos backend, with a deadline on every operation.

python-escpos 3.1 backends have no read deadline of their own (``Usb`` waits forever by default,
``Serial`` has no write timeout, ``File`` blocks on a stalled ``/dev/usb/lp0``) and leak raw
``USBError`` / ``TimeoutError`` / ``ConnectionResetError``. ``Link`` keeps python-escpos for
opening devices and owns what every backend shares: chunked writes, read deadlines, the
"broken mid-command" flag and the mapping of every failure to PrinterOffline. Each backend is one
subclass in ``drivers/printer/backends/`` (as python-escpos has one class per backend) that
builds its python-escpos object and moves bytes with its own deadline.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from types import ModuleType
from typing import Any

from drivers.errors import PrinterOffline
from drivers.printer.options import EscposPrinterOptions

log = logging.getLogger(__name__)

CHUNK = 4096  # each chunk gets the full write deadline: a slow serial link still progresses


class LinkLost(PrinterOffline):
    """The other end closed or reset the connection."""


class Link(ABC):
    """One python-escpos printer object and its deadlines."""

    kind = ""  # the config's backend name, used in error details

    def __init__(self, device: Any, write_timeout_s: float, status_timeout_s: float) -> None:
        self.escpos = device
        self.write_timeout_s = write_timeout_s
        self.status_timeout_s = status_timeout_s
        self._open = False
        # True after a write failed part-way: the printer may hold the head of a command whose
        # tail never came, and will read the next bytes as its data. EscposPrinter resyncs.
        self.broken = False

    @classmethod
    @abstractmethod
    def from_options(cls, opts: EscposPrinterOptions, escpos_printer: ModuleType) -> Link:
        """The backend's python-escpos object, built (not opened) from the kiosk's options."""

    # --- backend hooks ---------------------------------------------------------------------
    def _after_open(self) -> None:  # noqa: B027 - optional hook
        """Set the deadlines python-escpos does not take at construction."""

    def _before_abort(self) -> None:  # noqa: B027 - optional hook
        """Make closing discard bytes still queued on the host (a TCP reset)."""

    @abstractmethod
    def _write_chunk(self, chunk: bytes) -> None:
        """Write all of ``chunk`` within ``write_timeout_s`` or raise."""

    @abstractmethod
    def _read_some(self, timeout_s: float) -> bytes:
        """What arrives within ``timeout_s``: b"" for nothing, LinkLost if the other end left."""

    # --- connection ------------------------------------------------------------------------
    def open(self) -> None:
        if self._open:
            return
        try:
            self.escpos.open(raise_not_found=True)
        except Exception as exc:  # DeviceNotFoundError, USBNotFoundError, OSError ...
            raise PrinterOffline(f"{self.kind}: cannot open ({type(exc).__name__})") from exc
        self._after_open()
        self._open = True

    def close(self, abort: bool = False) -> None:
        """Drop the connection; the next operation reopens it (a reset TCP link, a replugged USB
        printer). ``abort`` also discards bytes still queued on the host where the backend can,
        instead of letting them trickle into the printer later."""
        if not self._open:
            return
        self._open = False
        self.broken = self.broken or abort
        if abort:
            self._before_abort()
        try:
            self.escpos.close()
        except Exception:  # closing a broken link may fail again; the link is gone either way
            self.escpos._device = False

    # --- writing ---------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        self.open()
        try:
            for k in range(0, len(data), CHUNK):
                self._write_chunk(data[k : k + CHUNK])
        except PrinterOffline:
            self.close(abort=True)
            raise
        except Exception as exc:
            self.close(abort=True)
            raise PrinterOffline(f"{self.kind}: write failed ({type(exc).__name__})") from exc

    # --- reading (status replies) ------------------------------------------------------------
    def read_available(self, timeout_s: float) -> bytes:
        """Whatever arrives within ``timeout_s`` (b"" if nothing). LinkLost if the other end
        closed or reset the connection (the link is then closed)."""
        self.open()
        try:
            return self._read_some(timeout_s)
        except (LinkLost, ConnectionError) as exc:
            self.close(abort=True)
            raise LinkLost(f"{self.kind}: link lost ({type(exc).__name__})") from exc
        except PrinterOffline:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise PrinterOffline(f"{self.kind}: read failed ({type(exc).__name__})") from exc

    def read_exact(self, n: int, timeout_s: float | None = None) -> bytes:
        """Up to ``n`` bytes, stopping at the deadline; fewer bytes means the printer is silent."""
        self.open()
        deadline = time.monotonic() + (self.status_timeout_s if timeout_s is None else timeout_s)
        out = b""
        try:
            while len(out) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                out += self._read_some(left)[: n - len(out)]
        except PrinterOffline:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise PrinterOffline(f"{self.kind}: read failed ({type(exc).__name__})") from exc
        return out
