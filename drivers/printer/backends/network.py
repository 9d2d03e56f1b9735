"""Raw TCP (port 9100) through python-escpos's ``Network``."""

from __future__ import annotations

import contextlib
import select
import socket
import struct
from types import ModuleType

from drivers.errors import PrinterOffline
from drivers.printer.link import Link, LinkLost
from drivers.printer.options import EscposPrinterOptions


class NetworkLink(Link):
    kind = "network"

    @classmethod
    def from_options(cls, opts: EscposPrinterOptions, escpos_printer: ModuleType) -> NetworkLink:
        device = escpos_printer.Network(opts.host, opts.port, timeout=opts.connect_timeout_s)
        return cls(device, opts.write_timeout_s, opts.status_timeout_s)

    def _before_abort(self) -> None:
        """SO_LINGER 0: close() sends RST and drops what our kernel still queues for the printer."""
        if self.escpos.device:
            with contextlib.suppress(OSError):
                self.escpos.device.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _write_chunk(self, chunk: bytes) -> None:
        sock: socket.socket = self.escpos.device
        sock.settimeout(self.write_timeout_s)
        try:
            sock.sendall(chunk)
        except TimeoutError as exc:
            raise PrinterOffline("network: printer stopped reading (write timeout)") from exc

    def _read_some(self, timeout_s: float) -> bytes:
        sock: socket.socket = self.escpos.device
        r, _, _ = select.select([sock], [], [], timeout_s)
        if not r:
            return b""
        data = sock.recv(64)
        if not data:
            raise LinkLost("network: printer closed the connection")
        return data
