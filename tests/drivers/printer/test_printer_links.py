"""One Link class per python-escpos backend; the shared deadlines and error mapping live in Link."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from drivers.errors import PrinterOffline
from drivers.printer.backends import LINKS, link_class
from drivers.printer.backends.file import FileLink
from drivers.printer.backends.network import NetworkLink
from drivers.printer.backends.serial import SerialLink
from drivers.printer.backends.usb import UsbLink
from drivers.printer.factory import EscposPrinterOptions, create_escpos
from drivers.printer.link import Link, LinkLost
from drivers.printer.options import BACKENDS


@pytest.mark.parametrize(
    ("backend", "cls", "escpos_name"),
    [("network", NetworkLink, "Network"), ("usb", UsbLink, "Usb"), ("serial", SerialLink, "Serial"),
     ("file", FileLink, "File")],
)
def test_the_factory_picks_the_backends_class(tmp_path: Path, backend: str, cls: type, escpos_name: str) -> None:
    p = create_escpos(EscposPrinterOptions(backend=backend, file_path=str(tmp_path / "lp0")), tmp_path)
    assert type(p.link) is cls and p.link.kind == backend
    assert type(p.link.escpos).__name__ == escpos_name  # python-escpos still opens the device
    assert p.link.write_timeout_s == 10.0 and p.link.status_timeout_s == 0.5


def test_every_configurable_backend_has_a_class() -> None:
    assert set(LINKS) == set(BACKENDS)
    assert all(issubclass(c, Link) for c in LINKS.values())
    with pytest.raises(ValueError, match="bluetooth"):
        link_class("bluetooth")


class _Device:
    """The python-escpos surface Link uses: open/close."""

    def __init__(self, fail_open: bool = False) -> None:
        self.fail_open, self.opened, self.closed = fail_open, 0, 0
        self._device: Any = None

    def open(self, raise_not_found: bool = True) -> None:
        if self.fail_open:
            raise OSError("no such device")
        self.opened += 1

    def close(self) -> None:
        self.closed += 1


class ScriptedLink(Link):
    """A backend in a few lines: the base class supplies the deadlines and the error mapping."""

    kind = "scripted"

    def __init__(self, device: _Device, write_error: Exception | None = None, replies: list[Any] | None = None):
        super().__init__(device, 1.0, 0.2)
        self.write_error, self.replies, self.written, self.aborted = write_error, replies or [], bytearray(), 0

    @classmethod
    def from_options(cls, opts: EscposPrinterOptions, escpos_printer: ModuleType) -> ScriptedLink:
        raise NotImplementedError

    def _before_abort(self) -> None:
        self.aborted += 1

    def _write_chunk(self, chunk: bytes) -> None:
        if self.write_error is not None and len(self.written) >= 4096:
            raise self.write_error
        self.written += chunk

    def _read_some(self, timeout_s: float) -> bytes:
        reply = self.replies.pop(0) if self.replies else b""
        if isinstance(reply, Exception):
            raise reply
        return reply


def test_a_raw_error_mid_write_is_offline_and_marks_the_link_broken() -> None:
    link = ScriptedLink(_Device(), write_error=ConnectionResetError())
    with pytest.raises(PrinterOffline, match="scripted: write failed .ConnectionResetError"):
        link.write(bytes(10_000))
    assert len(link.written) == 4096 and link.broken and link.aborted == 1 and link.escpos.closed == 1


def test_reads_map_errors_and_stop_at_the_deadline() -> None:
    link = ScriptedLink(_Device(), replies=[b"\x12", b"\x12\x12"])
    assert link.read_exact(4, 0.05) == b"\x12\x12\x12"  # fewer bytes: the printer went silent
    link.replies = [ConnectionResetError()]
    with pytest.raises(LinkLost, match="scripted: link lost"):
        link.read_available(0.05)
    assert link.broken and link.aborted == 1
    with pytest.raises(PrinterOffline, match="scripted: cannot open .OSError"):
        ScriptedLink(_Device(fail_open=True)).read_available(0.05)
