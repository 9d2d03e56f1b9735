"""A simulated reader for the kiosk demo and tests: the production read path on a virtual chip.

Only the card is simulated: probing, access control, secure messaging, file reading and
Passive Authentication are the same code the PC/SC reader runs (`session.ChipSession`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from drivers.errors import CardRemoved
from drivers.idcard.base import AccessKey, CardInfo, ChipIdentity, IdReader, ProgressCallback
from drivers.idcard.session import ChipSession, ReadReport, probe
from drivers.idcard.sim.virtual_chip import VirtualChip
from drivers.idcard.transport import InProcessTransport
from drivers.idcard.trust_store import TrustStore


class VirtualIdReader(IdReader):
    def __init__(self, chip_factory: Callable[[], VirtualChip], trust: TrustStore,
                 insert_after_s: float = 1.0, name: str = "Virtual eMRTD reader",
                 reader_extended: bool = True, unproven_chip: str = "refuse") -> None:
        self._factory = chip_factory
        self.trust = trust
        self.unproven_chip = unproven_chip
        self.insert_after_s = insert_after_s
        self.name = name
        self.reader_extended = reader_extended
        self._cond = threading.Condition()
        self._transport: InProcessTransport | None = None
        self._insert_at: float | None = None
        self.chip: VirtualChip | None = None
        self.last_report: ReadReport | None = None

    # --- test / demo controls ---------------------------------------------------------------
    def insert_card(self) -> None:
        with self._cond:
            self._insert_locked()

    def _insert_locked(self) -> None:
        self.chip = self._factory()
        self._transport = InProcessTransport(self.chip, self.name, self.reader_extended)
        self._insert_at = None
        self._cond.notify_all()

    def present_next(self, chip_factory: Callable[[], VirtualChip]) -> None:
        """The next person's document: the card on the reader is taken away and the next one
        placed (after ``insert_after_s`` once a wait starts) comes from ``chip_factory``."""
        with self._cond:
            self._factory = chip_factory
        self.remove_card()

    def remove_card(self) -> None:
        with self._cond:
            if self._transport is not None:
                self._transport.pull()
            self._transport = None
            self._insert_at = None
            self._cond.notify_all()

    # --- IdReader ---------------------------------------------------------------------------
    def card_present(self) -> bool:
        with self._cond:
            self._auto_insert_due()
            return self._transport is not None and self._transport.present

    def _auto_insert_due(self) -> None:
        if (self._transport is None and self._insert_at is not None
                and time.monotonic() >= self._insert_at):
            self._insert_locked()

    def wait_for_card(self, timeout: float) -> CardInfo | None:
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._cond:
            if self._transport is not None and not self._transport.present:
                self._transport = None  # the card left by itself (pulled variant)
            if self._transport is None and self._insert_at is None and self.insert_after_s >= 0:
                self._insert_at = time.monotonic() + self.insert_after_s
            while True:
                self._auto_insert_due()
                if self._transport is not None:
                    transport = self._transport
                    break
                now = time.monotonic()
                if now >= deadline:
                    return None
                wake = deadline if self._insert_at is None else min(deadline, self._insert_at)
                self._cond.wait(max(0.0, wake - now))
        return probe(transport, self.name)

    def read(self, key: AccessKey, progress: ProgressCallback | None = None) -> ChipIdentity:
        with self._cond:
            transport = self._transport
        if transport is None or not transport.present:
            raise CardRemoved("no card on the virtual reader")
        transport.card.power_on()  # every read starts from a fresh chip state, as after ATR
        session = ChipSession(transport, self.trust, unproven_chip=self.unproven_chip)
        try:
            return session.read(key, progress)
        finally:
            self.last_report = session.report
