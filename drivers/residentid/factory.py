"""Configuration of the resident ID reader (strict pydantic dataclasses with declared ranges, which
the kiosk settings validate a config table against, as ``drivers/idcard/factory.py`` does) and
the factories that build it. The kiosk's device catalogue names them as the reader kinds
``resident_id`` and ``virtual_resident_id``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from drivers.option_fields import STRICT, Text, rule
from drivers.residentid.photo import PhotoDecoder
from drivers.residentid.reader import ResidentIdReader
from drivers.residentid.sam_client import Timeouts
from drivers.residentid.validation import ExpiredPolicy
from drivers.residentid.wlt_vendor import OUTPUTS, VendorWltDecoder

BAUDRATES = (9600, 19200, 38400, 57600, 115200)  # the rates the readers can be set to
# drivers/residentid/sim/cards.py CARDS, kept in step by a test (the options must not import numpy)
SIM_CARDS = (
    "resident", "resident_new_address", "long_term", "expired", "minor", "foreign_2017", "foreign_2023",
    "hmt_hk", "hmt_macao", "hmt_tw", "rare_ext_a", "rare_ext_a_multi", "non_bmp_name", "private_use_name",
    "minority_long_name", "minority_full_name",
)
_C_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")

Baudrate = Literal[9600, 19200, 38400, 57600, 115200]
DevicePath = Annotated[str, rule(lambda s: s.startswith("/") and "\0" not in s and len(s) <= 4096,
                                 "an absolute device path such as /dev/ttyUSB0 or a udev symlink")]
LibraryPath = Annotated[str, rule(lambda s: s == "" or (s.startswith("/") and "\0" not in s and len(s) <= 4096),
                                  "empty (no decoder) or the absolute path of the vendor's library")]
CName = Annotated[str, rule(lambda s: bool(_C_NAME.fullmatch(s)), "a C function name such as unpack")]
CInt = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]  # a C int argument or return value
Policy = Literal["refuse", "accept"]
SimCardLabel = Literal[SIM_CARDS]  # type: ignore[valid-type]


@dataclass(frozen=True, config=STRICT)
class ResidentReaderOptions:
    """A real GA/T 467 reader (SAM) on a serial or USB-serial port."""

    port: DevicePath = "/dev/ttyUSB0"  # a udev symlink (e.g. /dev/resident-id) survives replugging best
    baudrate: Baudrate = 115200
    sam_timeout_s: Annotated[float, Field(gt=0, le=30)] = 0.5  # SAM status / ID
    card_timeout_s: Annotated[float, Field(gt=0, le=30)] = 1.0  # find / select / appended address
    read_timeout_s: Annotated[float, Field(gt=0, le=60)] = 3.0  # text + photo (+ fingerprints)
    reconnect_timeout_s: Annotated[float, Field(gt=0, le=60)] = 3.0  # how long a vanished port may take to come back
    poll_interval_s: Annotated[float, Field(ge=0.02, le=10)] = 0.2  # between finds while waiting for a card
    # the reader vendor's licensed WLT library (never shipped with the kiosk); empty: no decoder,
    # every photo is "no_decoder" and the applicant is sent to staff
    decoder_library: LibraryPath = ""
    decoder_function: CName = "unpack"
    decoder_arg: CInt = 1  # the library's third argument (vendor-specific: take it from its sample code)
    decoder_success: CInt = 1  # its success return value
    decoder_output: Literal["bmp", "bgr", "rgb"] = "bgr"  # what it writes into the output buffer
    expired_policy: Policy = "refuse"  # an expired document is refused (resident_card_expired)
    photo_required: bool = True  # no usable photo => resident_photo_unavailable (staff)
    read_fingerprints: bool = False
    read_new_address: bool = True
    reader_name: Text = "Resident ID reader"


@dataclass(frozen=True, config=STRICT)
class SimulatedResidentReaderOptions:
    """The simulated reader on a pseudo-terminal. Its photos are decoded by NotWltTestCodec, a
    TEST codec of this project (not WLT: it cannot decode a real card's photo)."""

    card: SimCardLabel = "resident"  # the scripted card (docs/identity.md)
    # the card is placed this long after start (<0: never)
    insert_after_s: Annotated[float, Field(ge=-1, le=3600)] = 1.0
    # x the assumed SAM processing profile (sim/timing.py); 0 = instant
    sam_scale: Annotated[float, Field(ge=0, le=100)] = 0.0
    pace_line: bool = False  # pace replies at 115 200 baud as a real UART would
    # the card's photo: empty => the card's generated placeholder; "camera" => the simulated camera's
    # applicant, handed over in memory by the kiosk's device wiring; else an image file
    portrait: str = ""
    expired_policy: Policy = "refuse"
    photo_required: bool = True
    reader_name: Text = "Virtual resident ID reader"


def validate(options: ResidentReaderOptions | SimulatedResidentReaderOptions) -> None:
    """Kept for callers that build options some other way: the dataclasses check every field when
    they are constructed (pydantic's ValidationError is a ValueError naming the field)."""
    ExpiredPolicy(options.expired_policy)
    if isinstance(options, ResidentReaderOptions) and options.decoder_output not in OUTPUTS:
        raise ValueError(f"decoder_output must be one of {OUTPUTS}")


def create(options: ResidentReaderOptions, var_dir: Path | None = None, *, decoder: PhotoDecoder | None = None,
           today: Callable[[], dt.date] = dt.date.today) -> ResidentIdReader:
    """The production reader. Fails now (ResidentDecoderMissing) if a configured decoder library
    or function is missing; the port itself is opened at first use, so an unplugged reader is a
    fault the kiosk's device checks report, not a start-up crash. ``var_dir`` is unused (the
    catalogue's factories all take it)."""
    from drivers.residentid.link import SerialLink

    validate(options)
    if decoder is None and options.decoder_library:
        decoder = VendorWltDecoder(options.decoder_library, options.decoder_function,
                                   arg=options.decoder_arg, success=options.decoder_success,
                                   output=options.decoder_output)
    link = SerialLink(options.port, options.baudrate, reconnect_timeout_s=options.reconnect_timeout_s)
    return ResidentIdReader(
        link, decoder=decoder,
        timeouts=Timeouts(options.sam_timeout_s, options.card_timeout_s, options.read_timeout_s),
        expired_policy=ExpiredPolicy(options.expired_policy), photo_required=options.photo_required,
        read_fingerprints=options.read_fingerprints, read_new_address=options.read_new_address,
        poll_interval_s=options.poll_interval_s, name=options.reader_name, today=today)


def create_simulated(options: SimulatedResidentReaderOptions, var_dir: Path | None = None, *,
                     portrait_data: bytes | None = None,
                     today: Callable[[], dt.date] = dt.date.today) -> ResidentIdReader:
    """A production ``ResidentIdReader`` talking to a ``VirtualResidentReader`` through a pty;
    closing the reader stops the simulator (``reader.simulator`` gives the test controls).
    ``portrait_data`` (encoded image bytes) becomes the card's photo, overriding ``portrait``."""
    from drivers.residentid.sim.simulated import start_simulated

    validate(options)
    return start_simulated(options, today, portrait_data)
