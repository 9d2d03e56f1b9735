"""Printer options, checked against their declared ranges when made: light to import (no python-escpos)."""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from drivers.option_fields import STRICT, OptionError, Port, PortOrZero, Text
from drivers.printer.profiles import PROFILES, get_profile

Backend = Literal["usb", "serial", "network", "file"]
BACKENDS: tuple[str, ...] = typing.get_args(Backend)

UsbId = Annotated[int, Field(ge=0, le=0xFFFF)]
Endpoint = Annotated[int, Field(ge=0x01, le=0xFF)]
DeviceTimeout = Annotated[float, Field(gt=0, le=600)]
# <0: estimate from the profile's head speed; else wait this long for the paper to come out
ConfirmWait = Annotated[float, Field(ge=-1, le=600)]


def _check_profile(profile: str, width_dots: int, presenter_hex: str = "") -> None:
    if profile not in PROFILES:
        raise OptionError("profile", f"expected one of {', '.join(sorted(PROFILES))}, got {profile!r}")
    try:
        bytes.fromhex(presenter_hex)
    except ValueError:
        raise OptionError("presenter_hex", f"expected hex bytes such as \"1d 65 03\", got {presenter_hex!r}") from None
    try:
        get_profile(profile, width_dots or None, presenter_hex)
    except ValueError as exc:
        raise OptionError("width_dots", str(exc)) from None


@dataclass(frozen=True, config=STRICT)
class EscposPrinterOptions:
    backend: Backend = "network"  # how the printer is connected; each has its keys below
    profile: Text = "tm-t20"  # drivers/printer/profiles.py: tm-t20 (576 dots), tm-t88 (512)
    width_dots: Annotated[int, Field(ge=0, le=832)] = 0  # 0: the profile's width
    presenter_hex: str = ""  # bytes sent after the cut on presenter models, from the manual
    # network
    host: Text = "127.0.0.1"
    port: Port = 9100
    # usb
    usb_vendor_id: UsbId = 0
    usb_product_id: UsbId = 0
    usb_in_ep: Endpoint = 0x82
    usb_out_ep: Endpoint = 0x01
    # serial
    serial_port: Text = "/dev/ttyUSB0"
    baudrate: Annotated[int, Field(ge=1200, le=4_000_000)] = 115200
    # file (e.g. /dev/usb/lp0; status needs a character device)
    file_path: Text = "/dev/usb/lp0"
    # deadlines: every backend operation has one
    connect_timeout_s: DeviceTimeout = 3.0
    write_timeout_s: DeviceTimeout = 10.0
    status_timeout_s: DeviceTimeout = 0.5
    confirm_wait_s: ConfirmWait = -1.0  # <0: estimate from the profile's head speed
    # GS ( H process-ID response = "printed" (Epson TM-T20II/TM-T88V and later; see the manual)
    confirm_by_process_id: bool = False

    def __post_init__(self) -> None:
        if self.backend == "usb" and not (self.usb_vendor_id and self.usb_product_id):
            raise OptionError("usb_vendor_id", "backend \"usb\" needs usb_vendor_id and usb_product_id "
                                               "(from `lsusb`, e.g. 0x04b8 and 0x0e15)")
        _check_profile(self.profile, self.width_dots, self.presenter_hex)


@dataclass(frozen=True, config=STRICT)
class VirtualPrinterOptions:
    out_dir: Text = "prints"  # relative paths are under var_dir: var/prints
    width_dots: Annotated[int, Field(ge=64, le=832)] = 576
    profile: Text = "tm-t20"
    port: PortOrZero = 0  # 0: ephemeral loopback port
    keep_files: Annotated[int, Field(ge=1, le=100_000)] = 200  # newest rendered prints kept in out_dir
    font_path: str = ""  # font for ESC/POS text in previews; "" = system Noto Sans CJK
    # fault knobs (also callable at run time on VirtualPrinter)
    paper_rows: Annotated[int, Field(ge=0, le=10_000_000)] = 0  # >0: paper runs out after this many dot rows
    near_end: bool = False
    cover_open: bool = False
    cutter_error: bool = False
    stop_reading: bool = False
    drop_after_bytes: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0  # >0: reset the connection after this many
    status_timeout_s: DeviceTimeout = 0.5
    write_timeout_s: DeviceTimeout = 3.0
    confirm_wait_s: Annotated[float, Field(ge=0, le=600)] = 0.05  # the simulator prints as soon as bytes arrive
    confirm_by_process_id: bool = True  # the simulator answers GS ( H once a job is on paper

    def __post_init__(self) -> None:
        _check_profile(self.profile, self.width_dots)
