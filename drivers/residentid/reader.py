"""The resident ID reader behind the kiosk's ``IdReader`` interface.

A card's life on the reader, as the SAM sees it (and as vendor SDKs drive it):

1. **find** (20 01) answers 9F once per placement: a card that has been read answers 80 (no
   card) until it is lifted and placed again, so the kiosk never reads the same placement twice;
2. **select** (20 02) activates the found card;
3. **read** (30 01, or 30 10 with fingerprints) returns text block + WLT photo, then **read new
   address** (30 03) returns the appended address or 91 (none);
4. while the card stays, read-new-address keeps answering; when it fails, the card has gone.
   Vendor SDKs poll it the same way to report removal (``wait_for_removal``).

``wait_for_card`` therefore returns only a newly placed card; ``card_present`` and
``wait_for_removal`` tell the flow when the applicant has taken the card away. There is no
access key: the SAM does the card authentication (``CardInfo.protocols == ("SAM",)``; the flow
must skip the CAN/MRZ screen for it). Reads are serialised; every exchange has a deadline.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from drivers.idcard.base import AccessKey, CardInfo, IdReader, ProgressCallback, ReadStats
from drivers.residentid import identity, photo, text_block, validation
from drivers.residentid.errors import (
    ResidentCardRemoved,
    ResidentNoReply,
    ResidentPhotoUnavailable,
    ResidentReadFailed,
    ResidentSelectFailed,
    ResidentStatusError,
)
from drivers.residentid.link import LinkRestarted, SerialLink
from drivers.residentid.photo import NoPhotoDecoder, PhotoDecoder
from drivers.residentid.sam_client import CardRecord, SamClient, Timeouts
from drivers.residentid.validation import ExpiredPolicy

log = logging.getLogger(__name__)

PROTOCOLS = ("SAM",)


@dataclass(frozen=True)
class SamInfo:
    """Diagnostics: the SAM answers and identifies itself (its number is not personal data)."""

    sam_id: str
    port: str


@dataclass
class _ActiveCard:
    read_done: bool = False


class ResidentIdReader(IdReader):
    def __init__(self, link: SerialLink, *, decoder: PhotoDecoder | None = None,
                 timeouts: Timeouts | None = None, expired_policy: ExpiredPolicy = ExpiredPolicy.REFUSE,
                 photo_required: bool = True, read_fingerprints: bool = False,
                 read_new_address: bool = True, poll_interval_s: float = 0.2,
                 max_silent_polls: int = 3, name: str = "Resident ID reader",
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        self.link = link
        self.client = SamClient(link, timeouts)
        self.decoder: PhotoDecoder = decoder or NoPhotoDecoder()
        self.expired_policy = ExpiredPolicy(expired_policy)
        self.photo_required = photo_required
        self.read_fingerprints = read_fingerprints
        self.read_new_address = read_new_address
        self.poll_interval_s = poll_interval_s
        self.max_silent_polls = max_silent_polls
        self.name = name
        self.today = today
        self._lock = threading.RLock()
        self._closed = threading.Event()
        self._active: _ActiveCard | None = None
        self._silent_polls = 0  # consecutive finds without a reply, across calls
        self.last_removal: float | None = None  # monotonic time the last card was seen gone

    # --- diagnostics ----------------------------------------------------------------------
    def check(self) -> SamInfo:
        """SAM status and number. Raises ResidentSamFault, ResidentNoReply, ReaderUnavailable."""
        with self._lock:
            try:
                self.client.sam_status()
                return SamInfo(self.client.sam_id(), self.link.port)
            except LinkRestarted:
                self._active = None
                self.client.sam_status()
                return SamInfo(self.client.sam_id(), self.link.port)

    # --- IdReader -------------------------------------------------------------------------
    def wait_for_card(self, timeout: float) -> CardInfo | None:
        """Block up to ``timeout`` s for a newly placed card; None if none came.

        Raises ResidentSamFault, ResidentNoReply (``max_silent_polls`` finds in a row, counted
        across calls, went unanswered: one lost reply is not a fault), ReaderUnavailable.
        """
        deadline = time.monotonic() + max(timeout, 0.0)
        while not self._closed.is_set():
            with self._lock:
                if self._active is not None and not self._active.read_done:
                    return self._info()
                try:
                    found = self.client.find() is not None
                    self._silent_polls = 0
                    if found:
                        self.client.select()
                        self._active = _ActiveCard()
                        return self._info()
                except LinkRestarted:
                    self._active = None  # the reader restarted: any card on it will be found afresh
                except ResidentNoReply:
                    self._silent_polls += 1
                    if self._silent_polls >= self.max_silent_polls:
                        self._silent_polls = 0
                        raise
                except (ResidentSelectFailed, ResidentReadFailed, ResidentStatusError) as exc:
                    log.info("card poll: %s", exc.detail)  # e.g. select failed: the card is moving
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._closed.wait(min(self.poll_interval_s, remaining))
        return None

    def card_present(self) -> bool:
        """One probe, strict: a silent or faulty reader raises (this is the device check), unlike
        the tolerant polling of ``wait_for_card``. A newly placed card becomes the active one."""
        with self._lock:
            if self._active is not None:
                return self._probe()
            try:
                if self.client.find() is None:
                    return False
                self.client.select()
            except LinkRestarted:
                return False
            except ResidentSelectFailed:
                return False  # found but moving: not (yet) usable
            self._active = _ActiveCard()
            return True

    def wait_for_removal(self, timeout: float) -> bool:
        """Block up to ``timeout`` s until the card is lifted; True once it has gone."""
        deadline = time.monotonic() + max(timeout, 0.0)
        while not self._closed.is_set():
            with self._lock:
                if self._active is None or not self._probe():
                    return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._closed.wait(min(self.poll_interval_s, remaining))
        return False

    def read(self, key: AccessKey | None = None, progress: ProgressCallback | None = None
             ) -> identity.ResidentIdentity:
        """Read, check and decode the card found by ``wait_for_card``. ``key`` is ignored.

        Raises CardRemoved, ResidentReadFailed, ResidentSelectFailed, CardNotAuthentic (SAM/card
        authentication failed), ResidentUnknownCardType, ResidentDataInvalid,
        ResidentCardExpired (policy), ResidentPhotoUnavailable (``photo_required``),
        ResidentLinkReset, ResidentSamFault, ResidentNoReply, ReaderUnavailable.
        """
        report = progress or (lambda _f: None)
        with self._lock:
            if self._active is None and self.wait_for_card(0) is None:
                raise ResidentCardRemoved("no card on the reader")
            t0 = time.perf_counter()
            before = self.link.stats.snapshot()
            report(0.05)
            record = self._read_record()
            try:
                report(0.6)
                new_address = self._read_new_address()
                fields = text_block.parse(record.text)
                today = self.today()
                validation.validate(fields, today)
                validation.enforce_validity(fields, today, self.expired_policy)
                outcome = photo.decode_photo(self.decoder, record.photo)
                report(0.9)
                if self.photo_required and not outcome.usable:
                    raise ResidentPhotoUnavailable(outcome.detail, reason=outcome.status)
            except BaseException:
                record.wipe()
                raise
            used = self.link.stats.since(before)
            stats = ReadStats(apdus=used.frames_out, bytes_in=used.bytes_in, bytes_out=used.bytes_out,
                              seconds=time.perf_counter() - t0)
            ident = identity.build(fields, new_address, outcome, record.photo, record.fingerprints, stats)
            record.text[:] = bytes(len(record.text))  # parsed: the raw block is no longer needed
            report(1.0)
            return ident

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            self._active = None
            self.link.close()

    # --- internals ------------------------------------------------------------------------
    def _info(self) -> CardInfo:
        return CardInfo(reader=self.name, atr=b"", protocols=PROTOCOLS)

    def _gone(self, why: str) -> ResidentCardRemoved:
        self._active = None
        self.last_removal = time.monotonic()
        return ResidentCardRemoved(why)

    def _read_record(self) -> CardRecord:
        try:
            if self.read_fingerprints:
                record = self.client.read_text_photo_fingerprint()
            else:
                record = self.client.read_text_photo()
        except LinkRestarted:
            self._active = None
            raise
        except (ResidentReadFailed, ResidentNoReply) as exc:
            if not self._probe():
                raise self._gone(f"card left during the read ({exc.code})") from None
            raise
        assert self._active is not None
        self._active.read_done = True
        return record

    def _read_new_address(self) -> str | None:
        if not self.read_new_address:
            return None
        try:
            raw = self.client.read_new_address()
        except LinkRestarted:
            self._active = None
            raise
        except (ResidentReadFailed, ResidentNoReply, ResidentStatusError):
            # without it the address may be out of date: the read is not complete
            raise self._gone("card left before the appended address was read") from None
        return text_block.decode_address(raw) if raw else None

    def _probe(self) -> bool:
        """Is the active card still on the reader? (read-new-address answers while it is)."""
        try:
            self.client.read_new_address()
            return True
        except LinkRestarted:
            self._active = None
            self.last_removal = time.monotonic()
            return False
        except (ResidentReadFailed, ResidentNoReply, ResidentStatusError):
            self._active = None
            self.last_removal = time.monotonic()
            return False
