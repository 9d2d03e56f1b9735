"""A production ``ResidentIdReader`` wired to a ``VirtualResidentReader`` (demo and tests).

An applicant script runs beside the simulator: it places the configured card ``insert_after_s``
after the kiosk starts looking for one (the reader polled continuously, as while the card screen
is shown; an idle health check's single find does not count), lifts it a little after it has
been read, and does the same for the next applicant, so a demo kiosk can loop through sessions
unattended. The card's photo
may be replaced by another face (the demo applicant the simulated camera shows), encoded with
the NOT-WLT test codec like every simulated photo.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.residentid.link import SerialLink
from drivers.residentid.photo import HEIGHT as PHOTO_HEIGHT
from drivers.residentid.photo import WIDTH as PHOTO_WIDTH
from drivers.residentid.reader import ResidentIdReader
from drivers.residentid.sim import cards
from drivers.residentid.sim.not_wlt_codec import NotWltTestCodec
from drivers.residentid.sim.pty_reader import VirtualResidentReader
from drivers.residentid.sim.timing import ASSUMED
from drivers.residentid.validation import ExpiredPolicy

if TYPE_CHECKING:
    import numpy as np

    from drivers.residentid.factory import SimulatedResidentReaderOptions

LIFT_AFTER_READ_S = 2.0
MAX_PORTRAIT_BYTES = 32 * 1024 * 1024  # a photo file; the card itself holds 1 KB
ID_PHOTO_WIDTH = 0.65  # of the portrait's width kept for the card photo (id_photo_framing)


class SimulatedResidentIdReader(ResidentIdReader):
    """The production reader; ``close()`` also stops the simulator behind it."""

    simulator: VirtualResidentReader
    card: cards.SimCard  # the configured card, with its photo: what the applicant script places
    _script: threading.Thread | None
    _script_stop: threading.Event

    def hold_card(self) -> bool:
        """Stop the applicant script: whoever drives the demo places the card with
        ``place_card``. True if the script was going to place it."""
        placing = self._script is not None and self._script.is_alive()
        self._script_stop.set()
        return placing

    def place_card(self) -> None:
        self.simulator.place_card(self.card)

    def close(self) -> None:
        self._script_stop.set()
        super().close()
        self.simulator.stop()


def _applicant(sim: VirtualResidentReader, card: cards.SimCard, insert_after_s: float,
               stop: threading.Event) -> None:
    while True:
        while not sim.sam.polled(time.monotonic()):  # the card screen asks for a card
            if stop.wait(0.05):
                return
        if stop.wait(insert_after_s):
            return
        sim.place_card(card)
        while not stop.wait(0.05):
            if sim.sam.card is None or sim.sam.card_read:
                break
        if stop.wait(LIFT_AFTER_READ_S):
            return
        sim.lift_card()


def _with_photo(card: cards.SimCard, portrait: str, portrait_data: bytes | None) -> cards.SimCard:
    """The card, its photo replaced by ``portrait_data`` or the image file ``portrait``."""
    if portrait_data is None and portrait in ("", "camera"):
        if portrait == "camera":
            raise ValueError('portrait = "camera" needs the image handed over by the kiosk\'s device wiring')
        return card
    import cv2
    import numpy as np

    if portrait_data is None:
        with open(portrait, "rb") as f:
            portrait_data = f.read(MAX_PORTRAIT_BYTES + 1)
        if len(portrait_data) > MAX_PORTRAIT_BYTES:
            raise ValueError(f"portrait: {portrait} is larger than {MAX_PORTRAIT_BYTES} bytes")
    image = cv2.imdecode(np.frombuffer(portrait_data, np.uint8), cv2.IMREAD_COLOR) if portrait_data else None
    if image is None:
        raise ValueError("portrait: the image does not decode")
    return dataclasses.replace(card, wlt=NotWltTestCodec().encode(id_photo_framing(image)))


def id_photo_framing(image: np.ndarray) -> np.ndarray:
    """The centre of a head-and-shoulders portrait at the card photo's aspect, the head filling it
    as on a real card. The 1 KB photo keeps too little of a face framed loosely: made from the
    demo applicant's whole portrait it was a median descriptor distance of 0.45 from her frontal
    live frames (the kiosk's threshold is 0.42), with this framing 0.35, as close as the
    full-size portrait (0.35)."""
    h, w = image.shape[:2]
    cw = max(1, round(w * ID_PHOTO_WIDTH))
    ch = min(h, round(cw * PHOTO_HEIGHT / PHOTO_WIDTH))
    x0, y0 = (w - cw) // 2, (h - ch) // 3  # faces sit above the middle of a portrait
    return image[y0:y0 + ch, x0:x0 + cw]


def start_simulated(options: SimulatedResidentReaderOptions,
                    today: Callable[[], dt.date] = dt.date.today,
                    portrait_data: bytes | None = None) -> SimulatedResidentIdReader:
    card = _with_photo(cards.make(options.card, today()), options.portrait, portrait_data)
    timing = ASSUMED.scaled(options.sam_scale)
    sim = VirtualResidentReader(timing=timing, pace_baud=115200 if options.pace_line else None)
    path = sim.start()
    link = SerialLink(path, 115200)
    reader = SimulatedResidentIdReader(
        link, decoder=NotWltTestCodec(), expired_policy=ExpiredPolicy(options.expired_policy),
        photo_required=options.photo_required, name=options.reader_name, today=today)
    reader.simulator = sim
    reader.card = card
    reader._script_stop = threading.Event()
    reader._script = None
    if options.insert_after_s >= 0:
        reader._script = threading.Thread(target=_applicant, args=(sim, card, options.insert_after_s,
                                                                   reader._script_stop),
                                          name="simulated-applicant", daemon=True)
        reader._script.start()
    return reader
