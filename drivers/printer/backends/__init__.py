"""One Link subclass per python-escpos backend; the factory picks one by the config's name."""

from __future__ import annotations

from drivers.printer.backends.file import FileLink
from drivers.printer.backends.network import NetworkLink
from drivers.printer.backends.serial import SerialLink
from drivers.printer.backends.usb import UsbLink
from drivers.printer.link import Link

LINKS: dict[str, type[Link]] = {cls.kind: cls for cls in (NetworkLink, UsbLink, SerialLink, FileLink)}


def link_class(backend: str) -> type[Link]:
    try:
        return LINKS[backend]
    except KeyError:
        raise ValueError(f"unknown printer backend {backend!r}; expected one of {sorted(LINKS)}") from None
