"""A production ``ResidentIdReader`` wired to a ``VirtualResidentReader`` (demo and tests).

An applicant script runs beside the simulator: it places the configured card
``insert_after_s`` after start, lifts it a little after it has been read, and places it again
for the next applicant, so a demo kiosk can loop through sessions unattended.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.residentid.link import SerialLink
from drivers.residentid.reader import ResidentIdReader
from drivers.residentid.sim import cards
from drivers.residentid.sim.not_wlt_codec import NotWltTestCodec
from drivers.residentid.sim.pty_reader import VirtualResidentReader
from drivers.residentid.sim.timing import ASSUMED
from drivers.residentid.validation import ExpiredPolicy

if TYPE_CHECKING:
    from drivers.residentid.factory import SimulatedResidentReaderOptions

LIFT_AFTER_READ_S = 2.0


class SimulatedResidentIdReader(ResidentIdReader):
    """The production reader; ``close()`` also stops the simulator behind it."""

    simulator: VirtualResidentReader
    _script_stop: threading.Event

    def close(self) -> None:
        self._script_stop.set()
        super().close()
        self.simulator.stop()


def _applicant(sim: VirtualResidentReader, card: cards.SimCard, insert_after_s: float,
               stop: threading.Event) -> None:
    while not stop.wait(insert_after_s):
        sim.place_card(card)
        while not stop.wait(0.05):
            if sim.sam.card is None or sim.sam.card_read:
                break
        if stop.wait(LIFT_AFTER_READ_S):
            return
        sim.lift_card()


def start_simulated(options: SimulatedResidentReaderOptions,
                    today: Callable[[], dt.date] = dt.date.today) -> SimulatedResidentIdReader:
    timing = ASSUMED.scaled(options.sam_scale)
    sim = VirtualResidentReader(timing=timing, pace_baud=115200 if options.pace_line else None)
    path = sim.start()
    link = SerialLink(path, 115200)
    reader = SimulatedResidentIdReader(
        link, decoder=NotWltTestCodec(), expired_policy=ExpiredPolicy(options.expired_policy),
        photo_required=options.photo_required, name=options.reader_name, today=today)
    reader.simulator = sim
    reader._script_stop = threading.Event()
    if options.insert_after_s >= 0:
        card = cards.make(options.card, today())
        threading.Thread(target=_applicant, args=(sim, card, options.insert_after_s, reader._script_stop),
                         name="simulated-applicant", daemon=True).start()
    return reader
