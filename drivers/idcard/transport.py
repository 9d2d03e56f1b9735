"""APDU transports: raw bytes to a card and back, whatever carries them.

Implementations raise CardRemoved when the card is gone and ReaderUnavailable when the
reader (or the PC/SC service) is; they never interpret status words.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Protocol

from drivers.errors import CardRemoved


@dataclass(frozen=True)
class ExtendedLengthMemo:
    """What a card showed about extended-length APDUs (kept while it stays on the reader)."""

    extended: bool
    max_block: int


class Transport(ABC):
    atr: bytes = b""
    reader_name: str = ""
    #: whether the reader side can carry extended-length APDUs (the chip may still refuse)
    supports_extended: bool = True
    #: set by the first read of this card (see extended_length.py)
    chip_extended: ExtendedLengthMemo | None = None

    @abstractmethod
    def transmit(self, apdu: bytes) -> bytes: ...


class CardApplication(Protocol):
    """Card side of an in-process transport (the virtual chip)."""

    atr: bytes

    def power_on(self) -> None: ...

    def process(self, apdu: bytes) -> bytes: ...


class InProcessTransport(Transport):
    """Direct function call into a card application; `pull()` simulates removing the card."""

    def __init__(self, card: CardApplication, reader_name: str = "In-process",
                 supports_extended: bool = True) -> None:
        self.card = card
        self.reader_name = reader_name
        self.supports_extended = supports_extended
        self.present = True
        card.power_on()
        self.atr = card.atr

    def pull(self) -> None:
        self.present = False

    def transmit(self, apdu: bytes) -> bytes:
        if not self.present:
            raise CardRemoved("card removed from the in-process reader")
        response = self.card.process(apdu)
        if getattr(self.card, "removed", False):  # the card left the field by itself
            self.present = False
        if not self.present:  # pulled while answering
            raise CardRemoved("card removed during the exchange")
        return response
