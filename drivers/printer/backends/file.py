"""A device file (``/dev/usb/lp0``) through python-escpos's ``File``: non-blocking writes with a
deadline; status needs a character device (a regular file has no status channel)."""

from __future__ import annotations

import errno
import os
import select
import stat
import time
from types import ModuleType

from drivers.errors import PrinterOffline
from drivers.printer.link import Link
from drivers.printer.options import EscposPrinterOptions


class FileLink(Link):
    kind = "file"

    @classmethod
    def from_options(cls, opts: EscposPrinterOptions, escpos_printer: ModuleType) -> FileLink:
        return cls(escpos_printer.File(opts.file_path), opts.write_timeout_s, opts.status_timeout_s)

    def _after_open(self) -> None:
        os.set_blocking(self.escpos.device.fileno(), False)  # a stalled lp0 would block forever

    def _write_chunk(self, chunk: bytes) -> None:
        fd = self.escpos.device.fileno()
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

    def _read_some(self, timeout_s: float) -> bytes:
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
