"""USB printer class devices through python-escpos's ``Usb`` (pyusb)."""

from __future__ import annotations

from types import ModuleType

from drivers.printer.link import Link
from drivers.printer.options import EscposPrinterOptions


class UsbLink(Link):
    kind = "usb"

    @classmethod
    def from_options(cls, opts: EscposPrinterOptions, escpos_printer: ModuleType) -> UsbLink:
        device = escpos_printer.Usb(
            opts.usb_vendor_id,
            opts.usb_product_id,
            timeout=int(opts.write_timeout_s * 1000),  # pyusb: milliseconds, 0 = forever
            in_ep=opts.usb_in_ep,
            out_ep=opts.usb_out_ep,
        )
        return cls(device, opts.write_timeout_s, opts.status_timeout_s)

    def _write_chunk(self, chunk: bytes) -> None:
        self.escpos._raw(chunk)  # the write deadline went to pyusb at construction

    def _read_some(self, timeout_s: float) -> bytes:
        import usb.core

        try:
            return bytes(self.escpos.device.read(self.escpos.in_ep, 64, max(1, int(timeout_s * 1000))))
        except usb.core.USBTimeoutError:
            return b""
