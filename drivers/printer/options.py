"""Printer options, validated by the kiosk's config loader: light to import (no python-escpos)."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.printer.profiles import get_profile

BACKENDS = ("usb", "serial", "network", "file")


@dataclass(frozen=True)
class EscposPrinterOptions:
    backend: str = "network"  # "usb" | "serial" | "network" | "file"
    profile: str = "tm-t20"  # drivers/printer/profiles.py: tm-t20 (576 dots), tm-t88 (512)
    width_dots: int = 0  # 0: the profile's width
    presenter_hex: str = ""  # bytes sent after the cut on presenter models, from the manual
    # network
    host: str = "127.0.0.1"
    port: int = 9100
    # usb
    usb_vendor_id: int = 0
    usb_product_id: int = 0
    usb_in_ep: int = 0x82
    usb_out_ep: int = 0x01
    # serial
    serial_port: str = "/dev/ttyUSB0"
    baudrate: int = 115200
    # file (e.g. /dev/usb/lp0; status needs a character device)
    file_path: str = "/dev/usb/lp0"
    # deadlines
    connect_timeout_s: float = 3.0
    write_timeout_s: float = 10.0
    status_timeout_s: float = 0.5
    confirm_wait_s: float = -1.0  # <0: estimate from the profile's head speed
    # GS ( H process-ID response = "printed" (Epson TM-T20II/TM-T88V and later; see the manual)
    confirm_by_process_id: bool = False

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {self.backend!r}")
        for name in ("connect_timeout_s", "write_timeout_s", "status_timeout_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0: every backend operation has a deadline")
        get_profile(self.profile, self.width_dots or None, self.presenter_hex)  # validates


@dataclass(frozen=True)
class VirtualPrinterOptions:
    out_dir: str = "prints"  # relative paths are under var_dir: var/prints
    width_dots: int = 576
    profile: str = "tm-t20"
    port: int = 0  # 0: ephemeral loopback port
    keep_files: int = 200
    font_path: str = ""  # font for ESC/POS text in previews; "" = system Noto Sans CJK
    # fault knobs (also callable at run time on VirtualPrinter)
    paper_rows: int = 0  # >0: paper runs out after this many dot rows; 0: endless roll
    near_end: bool = False
    cover_open: bool = False
    cutter_error: bool = False
    stop_reading: bool = False
    drop_after_bytes: int = 0  # >0: reset the connection after this many bytes
    status_timeout_s: float = 0.5
    write_timeout_s: float = 3.0
    confirm_wait_s: float = 0.05  # the simulator prints as soon as bytes arrive
    confirm_by_process_id: bool = True  # the simulator answers GS ( H once a job is on paper

    def __post_init__(self) -> None:
        get_profile(self.profile, self.width_dots)
