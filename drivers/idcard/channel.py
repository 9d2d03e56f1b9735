"""Command/response exchange over a transport, plain or under secure messaging, with counters."""

from __future__ import annotations

import time

from drivers.errors import CardReadError
from drivers.idcard.apdu import Command, Response
from drivers.idcard.sm import SecureMessaging
from drivers.idcard.transport import Transport

MAX_APDUS_PER_READ = 4000  # a bound so a misbehaving chip cannot keep us looping


class ApduChannel:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.sm: SecureMessaging | None = None
        self.apdus = 0
        self.bytes_out = 0
        self.bytes_in = 0
        self.started = time.perf_counter()

    def send(self, cmd: Command) -> Response:
        """Plain exchange (before access control)."""
        if self.apdus >= MAX_APDUS_PER_READ:
            raise CardReadError("APDU budget exhausted: the chip keeps asking for more")
        raw = cmd.encode()
        answer = self.transport.transmit(raw)
        self.apdus += 1
        self.bytes_out += len(raw)
        self.bytes_in += len(answer)
        return Response.decode(answer)

    def send_secure(self, cmd: Command) -> Response:
        """Exchange under SM; a plain answer ends the session (``self.sm`` becomes None)."""
        if self.sm is None:
            raise CardReadError("secure messaging session lost")
        resp = self.send(self.sm.protect(cmd))
        if not resp.data and resp.sw in (0x6987, 0x6988):
            self.sm = None
            raise CardReadError(f"chip rejected secure messaging ({resp.sw:04X})")
        plain = self.sm.unprotect(resp)
        if plain is resp:  # unprotected error status: the chip dropped the session
            self.sm = None
        return plain

    def exchange(self, cmd: Command) -> Response:
        return self.send_secure(cmd) if self.sm is not None else self.send(cmd)
