"""Sheet-printer options, checked against their declared ranges when made."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from drivers.option_fields import STRICT, OptionError, PortOrZero, Text

DeviceTimeout = Annotated[float, Field(gt=0, le=600)]
JobTimeout = Annotated[float, Field(ge=5, le=3600)]
Poll = Annotated[float, Field(ge=0.01, le=10)]


def _check_server(server: str) -> None:
    if not (server.startswith("/") or "://" in server or ":" in server or server.isidentifier()
            or all(c.isalnum() or c in ".-" for c in server)):
        raise OptionError("server", f"expected a socket path, host[:port] or ipp:// URI, got {server!r}")


@dataclass(frozen=True, config=STRICT)
class NoSheetPrinterOptions:
    """No sheet printer: the licence is printed on the thermal printer ([printing] outputs = "thermal")."""


@dataclass(frozen=True, config=STRICT)
class CupsSheetPrinterOptions:
    # CUPS: its domain socket (the kiosk's own user is known to CUPS there), host:port, or a printer's URI
    server: Text = "/run/cups/cups.sock"
    # the CUPS queue (`lpadmin -p NAME`) the licence stock is loaded behind
    queue: Annotated[str, Field(min_length=1, max_length=127, pattern=r"^[A-Za-z0-9_.-]+$")] = "licence"
    # ask the printer itself before a job when the queue's device is ipp:// or ipps:// (a queue
    # learns the printer's state only while printing)
    check_device: bool = True
    request_timeout_s: DeviceTimeout = 5.0  # one IPP request to CUPS
    device_timeout_s: DeviceTimeout = 2.0  # one IPP request to the printer
    # submission to "completed", warm-up included; then the job is cancelled
    job_timeout_s: JobTimeout = 90.0
    poll_s: Poll = 0.25  # how often a running job and the queue are asked

    def __post_init__(self) -> None:
        _check_server(self.server)


@dataclass(frozen=True, config=STRICT)
class VirtualSheetPrinterOptions:
    """The simulated IPP printer on loopback, driven by the same IPP code as a CUPS queue."""

    out_dir: Text = "sheets"  # relative paths are under var_dir: var/sheets
    port: PortOrZero = 0  # 0: ephemeral loopback port
    page_s: Annotated[float, Field(ge=0, le=60)] = 0.2  # time the simulated printer takes per job
    # faults present from the start (also settable at run time on printer.virtual)
    media_empty: bool = False
    media_jam: bool = False
    door_open: bool = False
    toner_empty: bool = False
    request_timeout_s: DeviceTimeout = 2.0
    job_timeout_s: JobTimeout = 30.0
    poll_s: Poll = 0.05
