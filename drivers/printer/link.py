"""Byte transport to the printer over a python-escpos backend, with a deadline on every operation.

python-escpos 3.1 backends have no read deadline of their own (``Usb`` waits forever by default,
``Serial`` has no write timeout, ``File`` blocks on a stalled ``/dev/usb/lp0``) and leak raw
``USBError`` / ``TimeoutError`` / ``ConnectionResetError``. This adapter keeps python-escpos for
opening devices and sets the deadlines itself; every failure leaves as PrinterOffline.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import socket
import stat
import struct
import time
from typing import Any

from drivers.errors import PrinterOffline

log = logging.getLogger(__name__)

CHUNK = 4096  # each chunk gets the full write deadline: a slow serial link still progresses


class LinkLost(PrinterOffline):
    """The other end closed or reset the connection."""


class Link:
    """One python-escpos printer object (Network, Usb, Serial or File) and its deadlines."""

    def __init__(self, device: Any, kind: str, write_timeout_s: float, status_timeout_s: float):
        if kind not in ("network", "usb", "serial", "file"):
            raise ValueError(f"unknown backend {kind!r}")
        self.escpos = device
        self.kind = kind
        self.write_timeout_s = write_timeout_s
        self.status_timeout_s = status_timeout_s
        self._open = False
        # True after a write failed part-way: the printer may hold the head of a command whose
        # tail never came, and will read the next bytes as its data. EscposPrinter resyncs.
        self.broken = False

    # --- connection ------------------------------------------------------------------------
    def open(self) -> None:
        if self._open:
            return
        try:
            self.escpos.open(raise_not_found=True)
        except Exception as exc:  # DeviceNotFoundError, USBNotFoundError, OSError ...
            raise PrinterOffline(f"{self.kind}: cannot open ({type(exc).__name__})") from exc
        if self.kind == "serial":
            self.escpos.device.write_timeout = self.write_timeout_s
        if self.kind == "file":
            os.set_blocking(self.escpos.device.fileno(), False)
        self._open = True

    def close(self, abort: bool = False) -> None:
        """Drop the connection; the next operation reopens it (a reset TCP link, a replugged USB
        printer). ``abort`` resets a TCP link so bytes still queued in our kernel are discarded
        instead of trickling into the printer later."""
        if not self._open:
            return
        self._open = False
        self.broken = self.broken or abort
        if abort and self.kind == "network" and self.escpos.device:
            with contextlib.suppress(OSError):
                self.escpos.device.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
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

    def _write_chunk(self, chunk: bytes) -> None:
        if self.kind == "network":
            sock: socket.socket = self.escpos.device
            sock.settimeout(self.write_timeout_s)
            try:
                sock.sendall(chunk)
            except TimeoutError as exc:
                raise PrinterOffline("network: printer stopped reading (write timeout)") from exc
        elif self.kind == "file":
            self._write_fd(self.escpos.device.fileno(), chunk)
        else:  # usb (timeout passed to pyusb at construction) and serial (write_timeout)
            self.escpos._raw(chunk)

    def _write_fd(self, fd: int, chunk: bytes) -> None:
        deadline = time.monotonic() + self.write_timeout_s
        view = memoryview(chunk)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PrinterOffline("file: printer stopped reading (write timeout)")
            _, writable, _ = select.select([], [fd], [], left)
            if not writable:
                continue
            try:
                n = os.write(fd, view)
            except BlockingIOError:
                continue
            view = view[n:]

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

    def _read_some(self, timeout_s: float) -> bytes:
        dev = self.escpos.device
        if self.kind == "network":
            r, _, _ = select.select([dev], [], [], timeout_s)
            if not r:
                return b""
            data = dev.recv(64)
            if not data:
                raise LinkLost("network: printer closed the connection")
            return data
        if self.kind == "serial":
            dev.timeout = timeout_s  # read(1) returns at the first byte, read(64) would wait
            first = bytes(dev.read(1))
            waiting = dev.in_waiting if first else 0
            return first + (bytes(dev.read(waiting)) if waiting else b"")
        if self.kind == "usb":
            import usb.core

            try:
                return bytes(dev.read(self.escpos.in_ep, 64, max(1, int(timeout_s * 1000))))
            except usb.core.USBTimeoutError:
                return b""
        return self._read_file(timeout_s)

    def _read_file(self, timeout_s: float) -> bytes:
        path = self.escpos.devfile
        if not stat.S_ISCHR(os.stat(path).st_mode):
            raise PrinterOffline("file: not a character device, no status channel")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            r, _, _ = select.select([fd], [], [], timeout_s)
            if not r:
                return b""
            try:
                return os.read(fd, 64)
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                    return b""
                raise
        finally:
            os.close(fd)
