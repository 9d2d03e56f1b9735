"""The identity step over several ID readers: wait on all of them at once, read from the one that
found a card.

A kiosk in China has a resident ID card reader (a SAM on a serial port) beside the PC/SC reader
for passports and ICAO ID cards; the applicant puts down whatever document they carry. Each
reader is polled by a thread of its own while the flow waits for a card. The first card
reported wins; the other threads stop at the end of their current poll and are joined before
the wait returns, so no reader is still busy with a card search when the winner is read.

One reader down does not take the kiosk out of service while another still works: most
applicants in the first market carry a resident ID card, and a broken passport reader must not
turn them away (nor a broken ID-card reader the passport holders). A reader that faults is
marked down and listeners hear which documents can still be read, so the card screen shows
only those and the technician is alerted; its thread keeps trying it every ``retry_s`` and
marks it up again once it answers. Only when every reader is down is the fault raised: then
nobody can be served.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from drivers.errors import CardRemoved, DeviceError
from drivers.idcard.base import AccessKey, CardInfo, ChipIdentity, IdReader, ProgressCallback

log = logging.getLogger(__name__)
POLL_S = 0.25  # one wait_for_card call per reader per round: how soon a cancelled wait ends
RETRY_S = 5.0  # how often a reader that faulted is tried again during a wait


class ReaderFailed(DeviceError):
    """The reader holding this applicant's card broke during the read while another reader still
    works: the kiosk stays in service, this applicant is helped by staff."""

    code = "reader_failed"
    fault = False


@dataclass(eq=False)
class Member:
    reader: IdReader
    kind: str = ""  # the config's reader kind
    document: str = ""  # devices_catalog.PASSPORT | RESIDENT_CARD
    fault: str = ""  # code of the fault that took it down; "" while it works

    @property
    def name(self) -> str:
        return str(getattr(self.reader, "name", "") or getattr(self.reader, "reader_name", "") or self.kind)


class ReaderGroup(IdReader):
    def __init__(self, members: Sequence[Member], poll_s: float = POLL_S, retry_s: float = RETRY_S) -> None:
        if not members:
            raise ValueError("a reader group needs at least one reader")
        self.members = tuple(members)
        self.poll_s, self.retry_s = poll_s, retry_s
        self.active: Member | None = None  # the reader whose card the flow reads
        self._lock = threading.Lock()
        # called with the documents still readable, after a reader went down or came back
        self.listeners: list[Callable[[tuple[str, ...], str], None]] = []

    @classmethod
    def of(cls, reader: IdReader, document: str = "") -> ReaderGroup:
        """A lone reader as a group (tools and tests that hand the runner one reader)."""
        return reader if isinstance(reader, ReaderGroup) else cls([Member(reader, document=document)])

    # --- state -----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return " + ".join(m.name for m in self.members)

    @property
    def documents(self) -> tuple[str, ...]:
        """The document families a working reader can read, in config order."""
        return tuple(dict.fromkeys(m.document for m in self.members if not m.fault and m.document))

    def mark(self, member: Member, fault: str) -> None:
        """Record a member's state (``fault`` "" = working); listeners hear of a change."""
        with self._lock:
            changed = member.fault != fault
            member.fault = fault
        if not changed:
            return
        if fault:
            log.error("reader down", extra={"reader": member.kind, "code": fault})
        else:
            log.warning("reader back", extra={"reader": member.kind})
        for listener in list(self.listeners):
            listener(self.documents, fault)

    # --- the identity step -----------------------------------------------------------------
    def wait_first(self, cancel: threading.Event) -> CardInfo | None:
        """Block until a reader reports a card (it becomes ``active``) or ``cancel`` is set (None).

        Raises the fault when every reader is down, and a reader's non-fault error (this
        applicant's card, e.g. one no protocol fits) as soon as it happens.
        """
        self.active = None
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def finish(**result: Any) -> None:
            with self._lock:
                if not outcome:
                    outcome.update(result)
            done.set()

        def poll(member: Member) -> None:
            next_try = 0.0
            while not (done.is_set() or cancel.is_set()):
                if member.fault and time.monotonic() < next_try:
                    done.wait(min(self.poll_s, next_try - time.monotonic()))
                    continue
                try:
                    info = member.reader.wait_for_card(self.poll_s)
                except DeviceError as exc:
                    if not exc.fault:
                        finish(error=exc)
                        return
                    next_try = time.monotonic() + self.retry_s
                    self.mark(member, exc.code)
                    if all(m.fault for m in self.members):
                        finish(error=exc)
                        return
                    continue
                except Exception as exc:  # a driver bug: this reader is down, like a fault
                    log.exception("reader wait crashed", extra={"reader": member.kind})
                    next_try = time.monotonic() + self.retry_s
                    self.mark(member, f"internal_error:{type(exc).__name__}")
                    if all(m.fault for m in self.members):
                        finish(error=exc)
                        return
                    continue
                if member.fault:
                    self.mark(member, "")
                if info is not None:
                    finish(member=member, info=info)
                    return

        threads = [threading.Thread(target=poll, args=(m,), name=f"card-wait-{i}", daemon=True)
                   for i, m in enumerate(self.members)]
        for t in threads:
            t.start()
        while not (done.is_set() or cancel.is_set()):
            done.wait(self.poll_s)
        done.set()
        for t in threads:
            t.join()
        if "error" in outcome:
            raise outcome["error"]
        if "member" not in outcome or cancel.is_set():
            return None
        self.active = outcome["member"]
        return outcome["info"]

    # --- IdReader ----------------------------------------------------------------------------
    def wait_for_card(self, timeout: float) -> CardInfo | None:
        cancel = threading.Event()
        timer = threading.Timer(max(timeout, 0.0), cancel.set)
        timer.start()
        try:
            return self.wait_first(cancel)
        finally:
            timer.cancel()

    def card_present(self) -> bool:
        return any(m.reader.card_present() for m in self.members if not m.fault)

    def read(self, key: AccessKey | None, progress: ProgressCallback | None = None) -> ChipIdentity:
        """Read the card the wait found. A reader that breaks during the read while another works
        is marked down and the applicant's attempt ends with ``reader_failed`` (staff)."""
        member = self.active or (self.members[0] if len(self.members) == 1 else None)
        if member is None:
            raise CardRemoved("no reader has found a card")
        try:
            return member.reader.read(key, progress)  # type: ignore[arg-type]
        except DeviceError as exc:
            if not exc.fault or len(self.members) == 1:
                raise
            self.mark(member, exc.code)
            if all(m.fault for m in self.members):
                raise
            raise ReaderFailed(f"{member.kind}: {exc.code}") from exc

    @property
    def tracks_removal(self) -> bool:
        """Can the reader of the card just read tell when it is lifted?"""
        return self.active is not None and hasattr(self.active.reader, "wait_for_removal")

    def wait_for_removal(self, timeout: float) -> bool | None:
        """True once the card just read has been lifted, False if it is still there after
        ``timeout``; None when its reader cannot tell (an ICAO chip reader here)."""
        member = self.active
        watch = getattr(member.reader, "wait_for_removal", None) if member is not None else None
        if watch is None:
            return None
        return bool(watch(timeout))

    def close(self) -> None:
        for m in self.members:
            try:
                m.reader.close()
            except Exception:  # closing must never mask the reason we are closing
                log.exception("closing a reader failed", extra={"reader": m.kind})
