"""Connection limits uvicorn does not have: request-head size, head and body read deadlines, an
idle deadline from the first byte on, and bounded connections per client address and overall.

uvicorn (0.54) with httptools buffers a request head of any size (httptools concatenates a
header value until it ends: a 128 MB header took the service from 145 to 262 MB), resets its
keep-alive timer on every byte received (one byte every few seconds holds a connection for
ever), arms no timer at all on a connection that never sends anything, and bounds connections
only overall, with ``limit_concurrency``. h11 has a head size limit (``max_incomplete_event_size``)
but no timeouts either, and is several times slower. Hence a subclass of uvicorn's httptools
protocol; the version is pinned in pyproject.toml because it relies on that class's hooks
(``data_received``, the parser callbacks, ``timeout_keep_alive_task``).

Refusals are problem documents followed by closing the connection: 431 ``headers_too_large``,
408 ``request_timeout``, 503 ``too_many_connections`` (with Retry-After). A connection that
never sent a byte, or that is idle between requests, is closed without a word, as HTTP/1.1
keep-alive allows.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections import Counter
from typing import Any

import uvicorn
from cryptography import x509
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from registry_service.limits import ConnectionLimits

log = logging.getLogger("registry_service.connections")


class GuardedConfig(uvicorn.Config):
    """uvicorn's Config plus the limits; a module-level class so that it pickles into worker
    processes (uvicorn starts them with multiprocessing's spawn)."""

    def __init__(self, app: Any, limits: ConnectionLimits, **kwargs: Any) -> None:
        kwargs.setdefault("timeout_keep_alive", limits.idle_timeout_s)
        # uvicorn would take X-Forwarded-For from any client on 127.0.0.1 as the client's
        # address, which is where the rate limiter turns when a request names no kiosk; the
        # service is not behind a proxy unless deployed so, and then says so here
        kwargs.setdefault("proxy_headers", False)
        super().__init__(app, http=GuardedHttpToolsProtocol, **kwargs)
        self.limits = limits


# Open connections per peer address, per server (several servers may share a process: tests,
# the embedded service next to another).
_OPEN: weakref.WeakKeyDictionary[ServerState, Counter[str]] = weakref.WeakKeyDictionary()


def _problem(status: int, reason: bytes, code: str, extra: bytes = b"") -> bytes:
    body = json.dumps({"type": f"https://licence-kiosk.example/problems/{code}", "title": code,
                       "status": status, "code": code, "detail": ""}).encode()
    return (b"HTTP/1.1 %d %s\r\ncontent-type: application/problem+json\r\ncontent-length: %d\r\n"
            b"%sconnection: close\r\n\r\n" % (status, reason, len(body), extra)) + body


TOO_LARGE = _problem(431, b"Request Header Fields Too Large", "headers_too_large")
TIMED_OUT = _problem(408, b"Request Timeout", "request_timeout")
TOO_MANY = _problem(503, b"Service Unavailable", "too_many_connections", b"retry-after: 1\r\n")


def _tls_extension(transport: asyncio.Transport) -> dict[str, Any] | None:
    """The ASGI TLS extension's client certificate name (RFC 4514), which uvicorn does not
    provide: the rate limiter keys on it, so that a kiosk cannot pose as another."""
    ssl_object = transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(binary_form=True)
    name = x509.load_der_x509_certificate(der).subject.rfc4514_string() if der else None
    return {"client_cert_name": name}


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, config: uvicorn.Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits: ConnectionLimits = getattr(config, "limits", ConnectionLimits())
        self._open = _OPEN.setdefault(server_state, Counter())
        self._peer: str | None = None  # set while counted in _open
        self._in_request = False  # bytes of a request have arrived, and not all of it yet
        self._head_done = False  # the current request's head is complete
        self._head_bytes = 0
        self._deadline: asyncio.TimerHandle | None = None
        self._tls: dict[str, Any] | None = None  # ASGI TLS extension of this connection

    # --- connection ------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peer = self.client[0] if self.client else ""
        if (sum(self._open.values()) >= self.limits.max_connections
                or self._open[peer] >= self.limits.max_connections_per_client):
            log.warning("connection refused: %d open from this address, %d in all",
                        self._open[peer], sum(self._open.values()))
            self._refuse(TOO_MANY)
            return
        self._open[peer] += 1
        self._peer = peer
        self._tls = _tls_extension(transport)
        # uvicorn arms its keep-alive timer only after a response; a silent new connection
        # would otherwise stay open for ever. data_received cancels it (uvicorn's own hook).
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        if self._peer is not None:
            self._open[self._peer] -= 1
            if self._open[self._peer] <= 0:
                del self._open[self._peer]
            self._peer = None
        super().connection_lost(exc)

    # --- reading ----------------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if not self._in_request:
            # from the first byte on, even blank lines before a request line: any byte would
            # otherwise postpone uvicorn's keep-alive timer for ever
            self._start_request()
        expecting_head = not self._head_done
        super().data_received(data)
        if self.transport.is_closing() or not expecting_head or self._head_done:
            return
        # Counted after parsing, so that a chunk holding the end of the head and the start of the
        # body is not held against the head; httptools then holds at most the limit plus one
        # read (256 KiB).
        self._head_bytes += len(data)
        if self._head_bytes > self.limits.max_head_bytes:
            log.warning("request head over %d bytes refused", self.limits.max_head_bytes)
            self._refuse(TOO_LARGE)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._tls is not None:
            self.scope["extensions"] = {"tls": self._tls}
        if not self._in_request:  # a pipelined request that began inside the last read
            self._start_request()

    def on_headers_complete(self) -> None:
        self._head_done = True
        self._head_bytes = 0
        self._arm_deadline(self.limits.body_timeout_s)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._cancel_deadline()
        self._in_request = self._head_done = False  # the next bytes are the next request's
        super().on_message_complete()

    # --- helpers ----------------------------------------------------------------------------
    def _start_request(self) -> None:
        self._in_request, self._head_done, self._head_bytes = True, False, 0
        self._arm_deadline(self.limits.head_timeout_s)

    def _arm_deadline(self, seconds: float) -> None:
        self._cancel_deadline()
        self._deadline = self.loop.call_later(seconds, self._timed_out)

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        log.warning("request not received in time: connection closed")
        if self.cycle is not None and self.cycle.response_started and not self.cycle.response_complete:
            self.transport.close()  # an answer is already on its way: just stop
            return
        self._refuse(TIMED_OUT)

    def _refuse(self, response: bytes) -> None:
        self._cancel_deadline()
        self._unset_keepalive_if_required()
        self.transport.write(response)
        self.transport.close()
