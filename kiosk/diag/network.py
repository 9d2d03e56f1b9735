"""What the registration-service check adds beyond a heartbeat: TLS certificate expiry and the
kiosk's clock offset against the service, the two things that silently break signed exchanges."""

from __future__ import annotations

import datetime as dt
import email.utils
import ssl
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509


def tls_days_left(base_url: str, timeout: float = 3.0) -> float | None:
    """Days until the service's certificate expires; None for plain http (loopback only)."""
    parts = urlsplit(base_url)
    if parts.scheme != "https":
        return None
    # only the dates are read here, from whatever certificate the server presents (an expired
    # one included); trust is the registration client's job, which verifies every request fully
    pem = ssl.get_server_certificate((parts.hostname or "", parts.port or 443), timeout=timeout)
    cert = x509.load_pem_x509_certificate(pem.encode())
    return round((cert.not_valid_after_utc - dt.datetime.now(dt.UTC)).total_seconds() / 86400, 1)


def clock_offset_s(session: Any, base_url: str, timeout: float = 3.0) -> float | None:
    """Service clock minus kiosk clock, from the HTTP Date header (one-second resolution).

    HEAD: only the header is needed, and this runs on every idle probe (a GET moved the 14 KB
    OpenAPI document every minute, ~20 MB a day over the kiosk's uplink). Any status carries Date."""
    before = dt.datetime.now(dt.UTC)
    response = session.head(f"{base_url}/openapi.json", timeout=timeout)
    after = dt.datetime.now(dt.UTC)
    header = response.headers.get("Date")
    if not header:
        return None
    # the header is truncated to whole seconds: on average the server's clock is half a second later
    try:
        server = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if server.tzinfo is None:  # RFC 9110 dates are GMT
        server = server.replace(tzinfo=dt.UTC)
    server += dt.timedelta(seconds=0.5)
    return round((server - (before + (after - before) / 2)).total_seconds(), 1)
