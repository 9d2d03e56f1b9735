"""RS-232 / USB-serial printers through python-escpos's ``Serial`` (pyserial)."""

from __future__ import annotations

from types import ModuleType

from drivers.printer.link import Link
from drivers.printer.options import EscposPrinterOptions


class SerialLink(Link):
    kind = "serial"

    @classmethod
    def from_options(cls, opts: EscposPrinterOptions, escpos_printer: ModuleType) -> SerialLink:
        device = escpos_printer.Serial(opts.serial_port, baudrate=opts.baudrate, timeout=opts.status_timeout_s)
        return cls(device, opts.write_timeout_s, opts.status_timeout_s)

    def _after_open(self) -> None:
        self.escpos.device.write_timeout = self.write_timeout_s  # python-escpos sets none

    def _write_chunk(self, chunk: bytes) -> None:
        self.escpos._raw(chunk)

    def _read_some(self, timeout_s: float) -> bytes:
        dev = self.escpos.device
        dev.timeout = timeout_s  # read(1) returns at the first byte, read(64) would wait
        first = bytes(dev.read(1))
        waiting = dev.in_waiting if first else 0
        return first + (bytes(dev.read(waiting)) if waiting else b"")
