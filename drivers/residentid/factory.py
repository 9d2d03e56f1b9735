"""Configuration of the resident ID reader (frozen dataclasses the kiosk settings can validate
against, as ``drivers/idcard/factory.py`` does) and the factories that build it.

Not registered in the kiosk's device catalogue yet: ``create`` / ``create_simulated`` return an
``IdReader`` (a ``ResidentIdReader``), ready for that wiring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from drivers.residentid.link import SerialLink
from drivers.residentid.photo import PhotoDecoder
from drivers.residentid.reader import ResidentIdReader
from drivers.residentid.sam_client import Timeouts
from drivers.residentid.validation import ExpiredPolicy
from drivers.residentid.wlt_vendor import OUTPUTS, VendorWltDecoder

BAUDRATES = (9600, 19200, 38400, 57600, 115200)  # the rates the readers can be set to


@dataclass(frozen=True)
class ResidentReaderOptions:
    """A real reader on a serial or USB-serial port."""

    port: str = "/dev/ttyUSB0"  # a udev symlink (e.g. /dev/resident-id) survives replugging best
    baudrate: int = 115200
    sam_timeout_s: float = 0.5  # SAM status / ID
    card_timeout_s: float = 1.0  # find / select / appended address
    read_timeout_s: float = 3.0  # text + photo (+ fingerprints)
    reconnect_timeout_s: float = 3.0  # how long a vanished port may take to come back
    poll_interval_s: float = 0.2  # between finds while waiting for a card
    decoder_library: str = ""  # vendor WLT library; empty => no decoder: photos are "no_decoder"
    decoder_function: str = "unpack"
    decoder_arg: int = 1  # the library's third argument (vendor-specific)
    decoder_success: int = 1  # its success return value
    decoder_output: str = "bgr"  # "bmp" | "bgr" | "rgb": what it writes into the output buffer
    expired_policy: str = "refuse"  # "refuse" | "accept"
    photo_required: bool = True  # no usable photo => ResidentPhotoUnavailable (route to staff)
    read_fingerprints: bool = False
    read_new_address: bool = True
    reader_name: str = "Resident ID reader"


@dataclass(frozen=True)
class SimulatedResidentReaderOptions:
    """The simulated reader on a pseudo-terminal, with the NOT-WLT test photo codec."""

    card: str = "resident"  # see drivers.residentid.sim.cards.CARDS
    insert_after_s: float = 1.0  # the card is placed this long after start (<0: never)
    sam_scale: float = 0.0  # x the assumed SAM processing profile (sim.timing.ASSUMED); 0 = instant
    pace_line: bool = False  # pace replies at the baud rate as a real UART would
    expired_policy: str = "refuse"
    photo_required: bool = True
    reader_name: str = "Virtual resident ID reader"


def validate(options: ResidentReaderOptions | SimulatedResidentReaderOptions) -> None:
    """ValueError naming the first bad field (the kiosk settings report it with the key)."""
    ExpiredPolicy(options.expired_policy)  # ValueError for anything else
    if isinstance(options, SimulatedResidentReaderOptions):
        from drivers.residentid.sim.cards import CARDS

        if options.card not in CARDS:
            raise ValueError(f"card: unknown simulated card {options.card!r}")
        if options.sam_scale < 0:
            raise ValueError("sam_scale must be >= 0")
        return
    if not options.port:
        raise ValueError("port must name the reader's serial device")
    if options.baudrate not in BAUDRATES:
        raise ValueError(f"baudrate must be one of {BAUDRATES}")
    for name in ("sam_timeout_s", "card_timeout_s", "read_timeout_s", "reconnect_timeout_s",
                 "poll_interval_s"):
        if getattr(options, name) <= 0:
            raise ValueError(f"{name} must be > 0")
    if options.decoder_output not in OUTPUTS:
        raise ValueError(f"decoder_output must be one of {OUTPUTS}")


def create(options: ResidentReaderOptions, decoder: PhotoDecoder | None = None,
           today: Callable[[], dt.date] = dt.date.today) -> ResidentIdReader:
    """The production reader. Fails now (ResidentDecoderMissing) if a configured decoder library
    or function is missing; the port itself is opened at first use, so an unplugged reader is a
    fault the kiosk's device checks report, not a start-up crash."""
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


def create_simulated(options: SimulatedResidentReaderOptions,
                     today: Callable[[], dt.date] = dt.date.today) -> ResidentIdReader:
    """A production ``ResidentIdReader`` talking to a ``VirtualResidentReader`` through a pty;
    closing the reader stops the simulator (``reader.simulator`` gives the test controls)."""
    from drivers.residentid.sim.simulated import start_simulated

    validate(options)
    return start_simulated(options, today)
