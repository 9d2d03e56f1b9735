"""The simulated reader's logic: SAM and card state, the answer to each request, the faults.

Pure state machine (no I/O): ``handle(payload)`` returns how long the SAM works on the request
and the reply payload; ``pty_reader`` puts it on a pseudo-terminal. The card model follows the
reader behaviour vendor SDKs rely on (see ``drivers/residentid/reader.py``): one successful find
per placement; after a read, find answers 80 until the card is lifted and placed again;
read-new-address answers while the selected card stays and fails (41) once it has gone.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from drivers.residentid import commands
from drivers.residentid.sim.cards import SimCard

OK = bytes((0, 0, 0x90))


def status(sw3: int, sw12: bytes = b"\x00\x00") -> bytes:
    return sw12 + bytes((sw3,))


@dataclass
class SamTiming:
    """Seconds the SAM spends on each kind of request before it answers."""

    sam_s: float = 0.0
    find_s: float = 0.0
    select_s: float = 0.0
    read_s: float = 0.0
    read_fingerprint_s: float = 0.0
    new_address_s: float = 0.0

    def scaled(self, factor: float) -> SamTiming:
        return SamTiming(**{k: v * factor for k, v in vars(self).items()})


@dataclass
class Faults:
    """Faults to inject. Counters apply to the next N replies and count down."""

    no_sam: bool = False  # every request answers 60 (SAM self-test failed)
    mute: bool = False  # requests are swallowed: no answer at all
    busy_replies: int = 0  # the next N requests are answered only after busy_delay_s more
    busy_delay_s: float = 2.0
    bad_check: int = 0  # the next N replies carry a wrong check byte
    truncate: int = 0  # the next N replies are cut off after truncate_at bytes
    truncate_at: int = 20
    garbage: int = 0  # the next N replies are preceded by garbage_len junk bytes
    garbage_len: int = 64
    lift_during_read: bool = False  # the card is lifted while the next read is processed
    status_once: dict[tuple[int, int], bytes] = field(default_factory=dict)  # (cmd, para) -> SW, once
    raw_wire: list[bytes] = field(default_factory=list)  # the next replies' wire bytes, verbatim
    unplug_on: tuple[int, int] | None = None  # (cmd, para): the reader is pulled on that request ...
    replug_after_s: float | None = None  # ... and comes back this long after (None: stays away)


class VirtualSam:
    def __init__(self, timing: SamTiming | None = None, faults: Faults | None = None,
                 sam_id: bytes = bytes.fromhex("050001006ab3340129e0ce0200e8c7d0")) -> None:
        self.timing = timing or SamTiming()
        self.faults = faults or Faults()
        self.sam_id = sam_id
        self.card: SimCard | None = None
        self.find_times: deque[float] = deque(maxlen=2)  # monotonic times of the latest finds
        self._found = False
        self._selected = False
        self._read_done = False

    # --- the card on the antenna --------------------------------------------------------
    def place(self, card: SimCard) -> None:
        self.card = card
        self._found = self._selected = self._read_done = False

    def lift(self) -> SimCard | None:
        card, self.card = self.card, None
        self._found = self._selected = self._read_done = False
        return card

    def polled(self, now: float, within: float = 1.0) -> bool:
        """Is someone looking for a card (two finds in the last ``within`` seconds), as the kiosk
        does while its card screen is shown, rather than an occasional health check?"""
        return len(self.find_times) == 2 and now - self.find_times[0] <= within

    @property
    def card_read(self) -> bool:
        """The card on the antenna has been read in this placement."""
        return self._read_done

    def power_cycle(self) -> None:
        """The reader restarted (USB replugged): RF and SAM state reset, the card stays put."""
        if self.card is not None:
            self.place(self.card)

    # --- one request ----------------------------------------------------------------------
    def handle(self, payload: bytes) -> tuple[float, bytes | None]:
        """(processing seconds, reply payload) for a request payload; None: no reply at all."""
        f = self.faults
        if f.mute or len(payload) < 2:
            return 0.0, None
        key = (payload[0], payload[1])
        if key in f.status_once:  # a forced status: the request has no other effect
            delay, reply = self._delay(key), f.status_once.pop(key)
        else:
            delay, reply = self._answer(key)
        if f.no_sam:
            reply = status(0x60)
        if f.busy_replies:
            f.busy_replies -= 1
            delay += f.busy_delay_s
        return delay, reply

    def _delay(self, key: tuple[int, int]) -> float:
        t = self.timing
        return {commands.FIND: t.find_s, commands.SELECT: t.select_s, commands.READ_TEXT_PHOTO: t.read_s,
                commands.READ_TEXT_PHOTO_FINGERPRINT: t.read_fingerprint_s,
                commands.READ_NEW_ADDRESS: t.new_address_s}.get(commands.BY_CODE.get(key), t.sam_s)

    def _answer(self, key: tuple[int, int]) -> tuple[float, bytes]:
        t = self.timing
        cmd = commands.BY_CODE.get(key)
        if cmd is None:
            return t.sam_s, status(0x21)
        if cmd is commands.SAM_STATUS:
            return t.sam_s, OK
        if cmd is commands.SAM_RESET:
            self.power_cycle()
            return t.sam_s, OK
        if cmd is commands.SAM_ID:
            return t.sam_s, OK + self.sam_id
        if cmd is commands.FIND:
            self.find_times.append(time.monotonic())
            if self.card is not None and not self._read_done:
                self._found = True
                return t.find_s, status(0x9F) + bytes(4)
            return t.find_s, status(0x80)
        if cmd is commands.SELECT:
            if self.card is not None and self._found:
                self._selected = True
                return t.select_s, OK + bytes(8)
            return t.select_s, status(0x81)
        if cmd is commands.READ_NEW_ADDRESS:
            if self.card is None or not self._selected:
                return t.new_address_s, status(0x41, b"\x6a\x82")
            if self.card.new_address is None:
                return t.new_address_s, status(0x91)
            return t.new_address_s, OK + self.card.new_address
        fingerprints = cmd is commands.READ_TEXT_PHOTO_FINGERPRINT
        spent = t.read_fingerprint_s if fingerprints else t.read_s
        if self.faults.lift_during_read and self.card is not None:
            self.faults.lift_during_read = False
            self.lift()
            return spent / 2, status(0x41, b"\x6a\x82")
        if self.card is None or not self._selected:
            return spent, status(0x41, b"\x6a\x82")
        self._read_done = True
        return spent, OK + record_data(self.card, fingerprints)


def record_data(card: SimCard, fingerprints: bool) -> bytes:
    """Data of a read reply: big-endian lengths, then text, photo (and fingerprints)."""
    parts = [card.text, card.wlt] + ([card.fingerprints] if fingerprints else [])
    return b"".join(len(p).to_bytes(2, "big") for p in parts) + b"".join(parts)
