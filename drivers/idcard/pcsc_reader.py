"""IdReader on a real PC/SC reader: list readers, wait for insertion/removal, exclusive use."""

from __future__ import annotations

import contextlib
import logging
import time

from smartcard import scard

from drivers.errors import CardRemoved, ReaderUnavailable
from drivers.idcard.base import AccessKey, CardInfo, ChipIdentity, IdReader, ProgressCallback
from drivers.idcard.factory import PcscReaderOptions
from drivers.idcard.pcsc_transport import CARD_PRESENT, PcscTransport, check
from drivers.idcard.session import ChipSession, ReadReport, probe
from drivers.idcard.trust_store import TrustStore

log = logging.getLogger(__name__)


def list_readers() -> list[str]:
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    check(hresult, "connect to the PC/SC service")
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        check(hresult, "list readers")
        return list(readers)
    finally:
        scard.SCardReleaseContext(context)


class PcscIdReader(IdReader):
    def __init__(self, options: PcscReaderOptions, trust: TrustStore) -> None:
        self.options = options
        self.trust = trust
        self._context: int | None = None
        self._transport: PcscTransport | None = None
        self.reader: str | None = None
        self.last_report: ReadReport | None = None
        self._used = False

    def _ctx(self) -> int:
        if self._context is None:
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            check(hresult, "connect to the PC/SC service (is pcscd running?)")
            self._context = context
        return self._context

    def _reset_context(self) -> None:
        if self._context is not None:
            scard.SCardReleaseContext(self._context)
        self._context = None

    def _readers(self) -> list[str]:
        hresult, readers = scard.SCardListReaders(self._ctx(), [])
        if hresult in (scard.SCARD_E_NO_READERS_AVAILABLE, scard.SCARD_E_NO_SERVICE,
                       scard.SCARD_E_SERVICE_STOPPED):
            self._reset_context()
            raise ReaderUnavailable("no PC/SC reader connected")
        if hresult != scard.SCARD_S_SUCCESS:
            self._reset_context()  # a stale context (pcscd restarted) is useless from now on
        check(hresult, "list readers")
        wanted = [r for r in readers if self.options.reader in r]
        if not wanted:
            raise ReaderUnavailable(f"no reader matching {self.options.reader!r}")
        return wanted

    def _states(self, readers: list[str], timeout_ms: int) -> list[tuple[str, int]]:
        hresult, states = scard.SCardGetStatusChange(
            self._ctx(), timeout_ms, [(r, scard.SCARD_STATE_UNAWARE) for r in readers])
        if hresult == scard.SCARD_E_TIMEOUT:
            return []
        check(hresult, "query reader state")
        return [(r, s) for r, s, _ in states]

    def card_present(self) -> bool:
        if self._transport is not None:
            hresult, _, state, _, _ = scard.SCardStatus(self._transport.card)
            if hresult == scard.SCARD_S_SUCCESS and state & CARD_PRESENT:
                return True
            self._drop()
            return False
        return any(s & scard.SCARD_STATE_PRESENT for _, s in self._states(self._readers(), 0))

    def _drop(self) -> None:
        if self._transport is not None:
            with contextlib.suppress(Exception):  # the card is gone anyway
                self._transport.close()
        self._transport = None

    def wait_for_card(self, timeout: float) -> CardInfo | None:
        """Blocks in SCardGetStatusChange (no busy polling); re-lists readers every
        ``poll_interval_s`` at most so a reader plugged in meanwhile is seen."""
        deadline = time.monotonic() + max(timeout, 0.0)
        if self._transport is not None and not self.card_present():
            self._drop()
        while True:
            readers = self._readers()
            states = self._states(readers, 0)
            present = [r for r, s in states
                       if s & scard.SCARD_STATE_PRESENT and not s & scard.SCARD_STATE_MUTE]
            if present:
                return self._connect(present[0])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            wait_ms = int(min(remaining, max(self.options.poll_interval_s, 1.0)) * 1000)
            hresult, _ = scard.SCardGetStatusChange(
                self._ctx(), wait_ms, [(r, s & ~scard.SCARD_STATE_CHANGED) for r, s in states])
            if hresult not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_TIMEOUT):
                check(hresult, "wait for a card")

    def _connect(self, reader: str) -> CardInfo:
        if self._transport is None or self.reader != reader:
            self._drop()
            self._transport = PcscTransport(self._ctx(), reader, self.options.exclusive,
                                            self.options.extended_length)
            self.reader = reader
            self._used = False
        return probe(self._transport, reader)

    def wait_for_removal(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.card_present():
            if time.monotonic() >= deadline:
                return False
            time.sleep(self.options.poll_interval_s)
        return True

    def read(self, key: AccessKey, progress: ProgressCallback | None = None) -> ChipIdentity:
        if self._transport is None and self.wait_for_card(0) is None:
            raise CardRemoved("no card on the reader")
        assert self._transport is not None
        session = ChipSession(self._transport, self.trust, self.options.extended_length,
                              self.options.unproven_chip)
        try:
            if self._used:  # a previous session left SM keys and selections: start clean
                self._transport.reset()
            self._used = True
            return session.read(key, progress)
        except CardRemoved:
            self._drop()
            raise
        except ReaderUnavailable:  # e.g. pcscd restarted: reconnect from scratch next time
            self._drop()
            self._reset_context()
            raise
        finally:
            self.last_report = session.report

    def close(self) -> None:
        self._drop()
        self._reset_context()
