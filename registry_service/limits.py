"""The service's limits on what one connection or one kiosk may ask of it. Plain dataclasses,
light to import (the command line builds its options from them before anything else loads)."""

from __future__ import annotations

from dataclasses import dataclass

from licence_wire.protocol import REPLAY_WINDOW_HOURS


@dataclass(frozen=True)
class ConnectionLimits:
    # Request line + headers. Kiosks send ~400 bytes; 16 KiB is h11's default.
    max_head_bytes: int = 16384
    # From a request's first byte until its head is complete, and then until its body is.
    # A 64 KiB body over a slow mobile link still arrives well inside 20 s.
    head_timeout_s: float = 10.0
    body_timeout_s: float = 20.0
    # Between requests on a keep-alive connection, and before the first one.
    idle_timeout_s: float = 15.0
    # Per peer address and per process. A hall of kiosks behind one NAT address shares the first
    # bound; behind a reverse proxy every connection has the proxy's address.
    max_connections_per_client: int = 32
    max_connections: int = 512  # stays clear of the usual 1024 file descriptors per process


@dataclass(frozen=True)
class RateLimits:
    """Token buckets per kiosk (its client certificate under mutual TLS, else its X-Kiosk-Id,
    else its address), per process. A kiosk serves one applicant at a time, each taking
    minutes: 10 submissions a minute with a burst of 10 covers retries and crash-recovery
    replays and still stops a kiosk stuck in a loop. Everything else (reference data,
    heartbeats, the technician's checks) shares a second bucket."""

    submit_per_minute: int = 10
    submit_burst: int = 10
    request_per_minute: int = 120
    request_burst: int = 60
    max_tracked: int = 10000  # kiosk identities remembered; full buckets are forgotten first


def check_retention(hours: float) -> None:
    """ValueError unless stored answers outlive every replay a kiosk may still make
    (registry_service.retention)."""
    if not hours > REPLAY_WINDOW_HOURS:
        raise ValueError(f"retention must exceed the kiosks' replay window of {REPLAY_WINDOW_HOURS} "
                         f"hours (30 days), not {hours:g}")
