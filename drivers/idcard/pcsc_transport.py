"""PC/SC transport through pyscard's low-level `scard` API (pcsc-lite's pcscd on Debian).

The low-level API (not pyscard's CardConnection wrappers) gives the exact PC/SC error codes,
which we need to tell a removed card from a dead reader or service.
"""

from __future__ import annotations

import time

from smartcard import scard

from drivers.errors import CardReadError, CardRemoved, ReaderUnavailable
from drivers.idcard.transport import Transport

#: SCardStatus state bit (pcsc-lite's SCARD_PRESENT; pyscard 2.3 does not export it)
CARD_PRESENT = 0x0004

_REMOVED = {scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_RESET_CARD,
            scard.SCARD_W_UNPOWERED_CARD, scard.SCARD_W_UNRESPONSIVE_CARD}


def check(hresult: int, what: str) -> None:
    if hresult == scard.SCARD_S_SUCCESS:
        return
    code = hresult & 0xFFFFFFFF
    message = f"{what}: {scard.SCardGetErrorMessage(hresult)} (0x{code:08X})"
    if hresult in _REMOVED or code in {c & 0xFFFFFFFF for c in _REMOVED}:
        raise CardRemoved(message)
    raise ReaderUnavailable(message)


class PcscTransport(Transport):
    def __init__(self, context: int, reader: str, exclusive: bool = True,
                 extended_length: bool = True) -> None:
        self.context = context
        self.reader_name = reader
        share = scard.SCARD_SHARE_EXCLUSIVE if exclusive else scard.SCARD_SHARE_SHARED
        hresult, self.card, self.protocol = scard.SCardConnect(
            context, reader, share, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
        if hresult == scard.SCARD_E_SHARING_VIOLATION:
            raise ReaderUnavailable(f"{reader} is in use by another program")
        check(hresult, f"connect to {reader}")
        hresult, _, _, _, atr = scard.SCardStatus(self.card)
        check(hresult, "read the ATR")
        self.atr = bytes(atr)
        # T=0 cannot carry extended APDUs; for T=1 trust the configuration (and the ATR later)
        self.supports_extended = extended_length and self.protocol == scard.SCARD_PROTOCOL_T1
        self._pci = scard.SCARD_PCI_T1 if self.protocol == scard.SCARD_PROTOCOL_T1 \
            else scard.SCARD_PCI_T0

    def _check_transmit(self, hresult: int) -> None:
        """A failed exchange is the card's fault unless the reader itself is gone: removed
        card -> CardRemoved, card present but garbled exchange -> CardReadError."""
        if hresult == scard.SCARD_S_SUCCESS:
            return
        if hresult == scard.SCARD_E_NOT_TRANSACTED:
            status, _, state, _, _ = scard.SCardStatus(self.card)
            if status != scard.SCARD_S_SUCCESS or not state & CARD_PRESENT:
                raise CardRemoved("card left during the exchange")
            raise CardReadError("exchange with the card failed (0x80100016)")
        check(hresult, "transmit")

    def transmit(self, apdu: bytes) -> bytes:
        hresult, response = scard.SCardTransmit(self.card, self._pci, list(apdu))
        self._check_transmit(hresult)
        answer = bytes(response)
        if len(answer) < 2 and self._gone_soon():
            raise CardRemoved("card left the field (no answer)")
        # T=0 case 2/4: the card says "61xx, more data": fetch it with GET RESPONSE.
        data = b""
        for _ in range(64):
            if len(answer) != 2 or answer[0] != 0x61:
                break
            data += answer[:-2]
            hresult, response = scard.SCardTransmit(
                self.card, self._pci, [0x00, 0xC0, 0x00, 0x00, answer[1]])
            self._check_transmit(hresult)
            answer = bytes(response)
        return data + answer if data else answer

    def _gone_soon(self, wait_s: float = 0.6) -> bool:
        """A card that vanishes mid-APDU (vpcd: socket closed) can yield an empty answer
        before pcscd's presence poll marks it absent: look for up to ``wait_s``."""
        deadline = time.monotonic() + wait_s
        while True:
            status, _, state, _, _ = scard.SCardStatus(self.card)
            if status != scard.SCARD_S_SUCCESS or not state & CARD_PRESENT:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def reset(self) -> None:
        hresult, self.protocol = scard.SCardReconnect(
            self.card, scard.SCARD_SHARE_EXCLUSIVE,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1, scard.SCARD_RESET_CARD)
        check(hresult, "reset the card")

    def close(self) -> None:
        scard.SCardDisconnect(self.card, scard.SCARD_LEAVE_CARD)
