"""Per-kiosk rate limiting: 429 with Retry-After before the request is read or processed.

A refused request did nothing, so the kiosk may send it again unchanged (same Idempotency-Key)
after Retry-After seconds and can never cause a second decision by doing so.

In memory, per worker process: with N processes a kiosk gets at most N times its rate, and in
practice its one keep-alive connection lands on one process. Hand-written (a token bucket is a
few lines) rather than a library: the ones for Starlette keep state in Redis or key on the
client address, and a hall of kiosks behind one NAT address shares one.
"""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from licence_wire.protocol import valid_kiosk_id
from registry_service.limits import RateLimits
from registry_service.problems import PROBLEM_JSON, TITLES, TYPE_BASE

SUBMIT, OTHER = "submit", "other"


@dataclass
class _Bucket:
    tokens: float
    updated: float


class KioskRateLimiter:
    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._rate = {SUBMIT: limits.submit_per_minute / 60.0, OTHER: limits.request_per_minute / 60.0}
        self._burst = {SUBMIT: float(limits.submit_burst), OTHER: float(limits.request_burst)}
        self._buckets: OrderedDict[tuple[str, str], _Bucket] = OrderedDict()

    def take(self, identity: str, kind: str) -> float:
        """0.0 when the request may proceed (one token taken), else the seconds until it may."""
        now = self.clock()
        key = (identity, kind)
        rate, burst = self._rate[kind], self._burst[kind]
        bucket = self._buckets.get(key)
        if bucket is None:
            self._make_room(now)
            bucket = self._buckets[key] = _Bucket(burst, now)
        else:
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            self._buckets.move_to_end(key)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / rate

    def _make_room(self, now: float) -> None:
        """Identities come from a header anyone can set: the table must stay bounded."""
        if len(self._buckets) < self.limits.max_tracked:
            return
        for key in [k for k, b in self._buckets.items()
                    if b.tokens + (now - b.updated) * self._rate[k[1]] >= self._burst[k[1]]]:
            del self._buckets[key]  # refilled: forgetting it changes nothing
        while len(self._buckets) >= self.limits.max_tracked:
            self._buckets.popitem(last=False)  # least recently seen


def identity(scope: Scope) -> str:
    """Who is asking: the client certificate's subject when mutual TLS is on (a kiosk cannot
    pose as another), else the X-Kiosk-Id header, else the peer address."""
    tls = scope.get("extensions", {}).get("tls") or {}
    if tls.get("client_cert_name"):
        return "cert:" + tls["client_cert_name"]
    for name, value in scope["headers"]:
        if name == b"x-kiosk-id":
            kiosk = value.decode("latin-1")
            if valid_kiosk_id(kiosk):
                return "kiosk:" + kiosk
            break
    client = scope.get("client")
    return "addr:" + (client[0] if client else "")


class RateLimitGuard:
    """Pure ASGI middleware, outermost of the app's own, so that a refused request's body is
    never even buffered."""

    def __init__(self, app: ASGIApp, limiter: KioskRateLimiter) -> None:
        self.app, self.limiter = app, limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind = SUBMIT if scope["method"] == "POST" and scope["path"] == "/v1/applications" else OTHER
        wait = self.limiter.take(identity(scope), kind)
        if not wait:
            await self.app(scope, receive, send)
            return
        retry_after = str(max(1, math.ceil(wait)))
        body = json.dumps({"type": TYPE_BASE + "rate_limited", "title": TITLES["rate_limited"],
                           "status": 429, "code": "rate_limited",
                           "detail": f"retry after {retry_after} s"}).encode()
        await send({"type": "http.response.start", "status": 429, "headers": [
            (b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
            (b"retry-after", retry_after.encode())]})
        await send({"type": "http.response.body", "body": body})
