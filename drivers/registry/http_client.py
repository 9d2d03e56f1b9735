"""RegistrationClient over HTTPS with `requests`.

Retries are hand-rolled rather than urllib3's Retry because the rule is per request, not per
method: a POST of an application is safe to repeat only because it always carries the same
Idempotency-Key, a 409 "request_in_progress" must be retried like a 503, and a read timeout
on a submit must be retried (the first attempt may have been issued; the replay returns it).
"""

from __future__ import annotations

import ipaddress
import json as json_mod
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from drivers.errors import (
    NameQueryInvalid,
    ServiceProtocolError,
    ServiceRateLimited,
    ServiceRequestRejected,
    ServiceUnreachable,
)
from drivers.registry.base import RegistrationClient
from drivers.registry.models import (
    Application,
    Decision,
    Download,
    Licence,
    NameCheck,
    NameQuery,
    Rating,
    RatingReceipt,
    ReferenceData,
)
from drivers.registry.wire import (
    parse_decision,
    parse_licence,
    parse_name_check,
    parse_rating_receipt,
    parse_reference_data,
    verify_signed,
)
from licence_wire import codec, protocol, resident_id

log = logging.getLogger("drivers.registry")

MAX_RESPONSE_BYTES = 1 << 20
# A reference download as sent (gzip): the national set is about 0.8 MB compressed; its
# decompressed size is bounded again where it is inflated (refdata.bundle)
MAX_DOWNLOAD_BYTES = 16 << 20
_ETAG = re.compile(r'(?:W/)?"[\x21\x23-\x7e]{1,80}"', re.ASCII)
_READ_CHUNK = 16384
_LENGTH = re.compile(r"[0-9]{1,19}", re.ASCII)
_RETRY_STATUSES = {500, 502, 503, 504}
_LOOPBACK_NAMES = {"localhost"}
_SECONDS = re.compile(r"[0-9]{1,6}", re.ASCII)  # Retry-After delay-seconds; not isdigit(): "²"
# The service's bounds for a name check (registry_service.schemas.NameCheckQuery): a query
# outside them is not sent.
_DIVISION = re.compile(r"[0-9]{6}([0-9]{3})?", re.ASCII)
_INDUSTRY = re.compile(r"[A-Z0-9]{0,16}", re.ASCII)
_NAME_LIMITS = {"trade_name": (1, 20), "industry_term": (0, 10), "organisation_form": (0, 8)}


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After as delay-seconds (ASCII digits only), else None (an HTTP date or garbage)."""
    if retry_after and _SECONDS.fullmatch(retry_after.strip()):
        return float(retry_after.strip())
    return None


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class HttpRegistrationClient(RegistrationClient):
    def __init__(
        self,
        base_url: str,
        kiosk_id: str,
        authority_public_key: bytes | str | Path,
        *,
        connect_timeout: float = 3.05,
        read_timeout: float = 10.0,
        ca_bundle: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        max_attempts: int = 4,
        deadline_s: float = 30.0,
        backoff_s: float = 0.2,
        backoff_max_s: float = 3.0,
        software_version: str = "",
        name_check_deadline_s: float = 2.0,
        on_close: Callable[[], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("base_url must be an http(s) URL")
        if parts.scheme == "http" and not _is_loopback(parts.hostname):
            # Plain HTTP is only for the embedded service on this machine: TLS is mandatory
            # for anything that leaves the kiosk.
            raise ValueError("plain http is allowed only to a loopback address")
        if (client_cert is None) != (client_key is None):
            raise ValueError("client_cert and client_key go together")
        if not protocol.valid_kiosk_id(kiosk_id):
            raise ValueError("kiosk_id must be 1-64 of A-Z a-z 0-9 _ . -")
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.public_key = codec.load_public_key(authority_public_key)
        self.timeout = (connect_timeout, read_timeout)
        self.max_attempts = max(1, max_attempts)
        if not deadline_s > 0:
            raise ValueError("deadline_s must be more than 0")
        self.deadline_s = deadline_s
        if not name_check_deadline_s > 0:
            raise ValueError("name_check_deadline_s must be more than 0")
        # advice while the applicant writes: late is useless, so short and never retried
        self.name_check_deadline_s = min(name_check_deadline_s, deadline_s)
        self.backoff_s, self.backoff_max_s = backoff_s, backoff_max_s
        self.software_version = software_version
        self._on_close = on_close
        self._sleep = sleep
        self._clock = clock
        self.session = requests.Session()
        self.session.verify = ca_bundle or True  # never False
        self.session.trust_env = False  # no proxy or CA overrides from the environment
        if client_cert and client_key:
            self.session.cert = (client_cert, client_key)
        self.session.headers.update(
            {
                protocol.KIOSK_ID_HEADER: kiosk_id,
                "Accept": "application/json, application/problem+json",
                "User-Agent": "licence-kiosk-registry-client/1",
                "Accept-Encoding": "identity",
            }
        )

    # --- RegistrationClient -------------------------------------------------------------
    def reference_data(self) -> ReferenceData:
        return parse_reference_data(self._call("GET", "/v1/reference-data", retry=True))

    def download(self, path: str, etag: str = "") -> Download | None:
        """A reference document as sent (gzip kept: the caller caches it so), or None when
        `etag` still names the current version (304)."""
        headers = {"Accept-Encoding": "gzip"}
        if etag:
            headers["If-None-Match"] = etag
        resp, content = self._call("GET", path, headers=headers, retry=True, ok=(200, 304), raw=True)
        if resp.status_code == 304:
            return None
        media = resp.headers.get("Content-Type", "").split(";")[0].strip()
        tag = resp.headers.get("ETag", "")
        if media != "application/json" or not _ETAG.fullmatch(tag):
            raise ServiceProtocolError(f"{path}: download without JSON content type or ETag")
        gzipped = resp.headers.get("Content-Encoding", "identity").strip().lower() == "gzip"
        return Download(tag, content, gzipped)

    def submit(self, application: Application, idempotency_key: str) -> Decision:
        body = asdict(application)
        # the wire's edge for a number read from a chip: the API takes only the canonical form
        body["operator_id_number"] = resident_id.normalise(application.operator_id_number)
        if body["operator_id_type"] == "resident_id":
            del body["operator_id_type"]  # the default: a service older than API 1.1 refuses the field
        if not body["industry_term"]:
            del body["industry_term"]  # likewise (API 1.1): absent is the industry's standard term
        decision = parse_decision(
            self._call(
                "POST",
                "/v1/applications",
                json=body,
                headers={protocol.IDEMPOTENCY_KEY_HEADER: idempotency_key},
                retry=True,  # same key on every attempt: the service answers at most once
                ok=(200, 201),
            ),
            self.public_key,
        )
        if decision.licence is not None and decision.licence.operator != application.operator_name:
            raise ServiceProtocolError("licence issued to someone else")
        return decision

    def check_name(self, query: NameQuery) -> NameCheck:
        params = {"division_code": query.division_code, "trade_name": query.trade_name,
                  "industry_term": query.industry_term, "organisation_form": query.organisation_form,
                  "industry_code": query.industry_code}
        if not _DIVISION.fullmatch(query.division_code) or not _INDUSTRY.fullmatch(query.industry_code):
            raise NameQueryInvalid("division or industry code malformed")
        for field, (low, high) in _NAME_LIMITS.items():
            if not low <= len(params[field]) <= high:
                raise NameQueryInvalid(f"{field} length outside {low}-{high}")
        if not query.industry_code:
            del params["industry_code"]
        return parse_name_check(self._call("GET", "/v1/names/check", params=params, retry=False,
                                           deadline_s=self.name_check_deadline_s))

    def decision(self, application_id: str) -> Decision:
        path = "/v1/applications/" + quote(application_id, safe="")
        decision = parse_decision(self._call("GET", path, retry=True), self.public_key)
        if decision.application_id != application_id:
            raise ServiceProtocolError("decision for another application")
        return decision

    def rate(self, rating: Rating, idempotency_key: str) -> RatingReceipt:
        body = {"case_kind": rating.case_kind, "case_id": rating.case_id, "ending": rating.ending,
                "level": rating.level, "reasons": list(rating.reasons), "rated_at": rating.rated_at}
        doc = self._call("POST", "/v1/ratings", json=body,
                         headers={protocol.IDEMPOTENCY_KEY_HEADER: idempotency_key},
                         retry=False,  # the outbox retries, later, with the same key
                         ok=(200, 201))
        return parse_rating_receipt(doc, rating.case_kind, rating.case_id, rating.level)

    def heartbeat(self) -> None:
        self._call(
            "POST",
            "/v1/heartbeat",
            json={"software_version": self.software_version, "status": "in_service"},
            retry=False,
        )

    def close(self) -> None:
        self.session.close()
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close()

    # --- extras for the technician tools ------------------------------------------------
    def licence(self, uscc: str) -> Licence:
        doc = self._call("GET", "/v1/licences/" + quote(uscc, safe=""), retry=True)
        if not isinstance(doc, dict):
            raise ServiceProtocolError("licence is not an object")
        verify_signed(doc, self.public_key)
        licence = parse_licence(doc, self.public_key)
        if licence.uscc != uscc:
            raise ServiceProtocolError("licence for another code")
        return licence

    def verify_payload(self, qr_payload: str) -> dict[str, Any]:
        doc = self._call("POST", "/v1/licences/verify", json={"qr_payload": qr_payload},
                         retry=True)
        if not isinstance(doc, dict) or not isinstance(doc.get("valid"), bool):
            raise ServiceProtocolError("verify answer malformed")
        return doc

    # --- transport ----------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        retry: bool,
        ok: tuple[int, ...] = (200,),
        deadline_s: float | None = None,
        raw: bool = False,
    ) -> Any:
        """One call: attempts (failures) are bounded by max_attempts, and the whole call, waits
        included, by deadline_s. A 429 is not a failure: nothing was processed, so the same
        request goes again after Retry-After if that still fits the deadline, and otherwise
        ServiceRateLimited says how long the kiosk should wait."""
        budget = deadline_s or self.deadline_s
        deadline = self._clock() + budget
        attempts = self.max_attempts if retry else 1
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= attempts
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise ServiceUnreachable(f"{method} {path}: no answer within {budget:g} s")
            timeout = (min(self.timeout[0], remaining), min(self.timeout[1], remaining))
            try:
                resp, content = self._exchange(method, path, json, headers, timeout, deadline, params, raw)
            except requests.exceptions.SSLError as exc:
                # A certificate problem does not heal by retrying.
                raise ServiceUnreachable(f"TLS failure: {type(exc).__name__}") from None
            except (
                requests.exceptions.ConnectionError,
                requests.exceptions.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                log.warning("%s %s attempt %d: %s", method, path, attempt, type(exc).__name__)
                if last:
                    raise ServiceUnreachable(f"{method} {path}: {type(exc).__name__}") from None
                self._pause(self._backoff(attempt, None), deadline, f"{method} {path}")
                continue
            except requests.exceptions.RequestException as exc:
                raise ServiceProtocolError(f"{method} {path}: {type(exc).__name__}") from None
            status = resp.status_code
            if status in ok:
                return (resp, content) if raw else self._json(resp, content, path)
            problem = self._problem(resp, content)
            if status == 429:
                wait = _seconds(resp.headers.get("Retry-After")) or self._backoff(attempt, None)
                if not retry or self._clock() + wait > deadline:
                    raise ServiceRateLimited(f"{method} {path}: HTTP 429 {problem}".strip(),
                                             retry_after_s=wait)
                log.warning("%s %s: rate limited, retrying in %.1f s", method, path, wait)
                attempt -= 1  # not a failed attempt: the service did nothing
                self._sleep(wait)
                continue
            retryable = status in _RETRY_STATUSES or (
                status == 409 and problem == "request_in_progress"
            )
            if retryable:
                log.warning("%s %s attempt %d: HTTP %d %s", method, path, attempt, status, problem)
                if last:
                    raise ServiceUnreachable(f"{method} {path}: HTTP {status} {problem}".strip())
                self._pause(self._backoff(attempt, resp.headers.get("Retry-After")), deadline,
                            f"{method} {path}")
                continue
            if 400 <= status < 500 and problem:
                raise ServiceRequestRejected(f"{method} {path}: HTTP {status}", reason=problem)
            raise ServiceProtocolError(f"{method} {path}: unexpected HTTP {status}")

    def _pause(self, seconds: float, deadline: float, what: str) -> None:
        if self._clock() + seconds >= deadline:
            raise ServiceUnreachable(f"{what}: no answer within {self.deadline_s:g} s")
        self._sleep(seconds)

    def _exchange(self, method: str, path: str, body: Any, headers: dict[str, str] | None,
                  timeout: tuple[float, float], deadline: float,
                  params: dict[str, str] | None = None,
                  download: bool = False) -> tuple[requests.Response, bytes]:
        """One request and its body, read as a stream and abandoned at MAX_RESPONSE_BYTES: a
        service (or something impersonating it) that sends an endless body must not fill the
        kiosk's memory before the size is checked. A `download` may be larger and gzip-encoded;
        it is read as sent, never inflated here."""
        limit = MAX_DOWNLOAD_BYTES if download else MAX_RESPONSE_BYTES
        resp = self.session.request(method, self.base_url + path, json=body, headers=headers,
                                    params=params, timeout=timeout, allow_redirects=False, stream=True)
        try:
            declared = resp.headers.get("Content-Length", "")
            if _LENGTH.fullmatch(declared) and int(declared) > limit:
                raise ServiceProtocolError(f"{path}: response of {declared} bytes refused")
            # identity only (asked for in the session headers): a compressed body would be
            # inflated a whole network read at a time, past any bound checked here
            encoding = resp.headers.get("Content-Encoding", "identity").strip().lower()
            if encoding not in (("identity", "gzip") if download else ("identity",)):
                raise ServiceProtocolError(f"{path}: unexpected content encoding")
            chunks: list[bytes] = []
            size = 0
            body = resp.raw.stream(_READ_CHUNK, decode_content=False) if download else resp.iter_content(
                chunk_size=_READ_CHUNK)
            for chunk in body:
                size += len(chunk)
                if size > limit:
                    raise ServiceProtocolError(f"{path}: response over {limit} bytes")
                if self._clock() > deadline:  # read_timeout bounds each read, not a slow drip
                    raise ServiceUnreachable(f"{path}: answer not complete within {self.deadline_s:g} s")
                chunks.append(chunk)
            return resp, b"".join(chunks)
        finally:
            resp.close()  # an unfinished body closes the connection instead of pooling it

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        seconds = _seconds(retry_after)
        if seconds is not None:
            return min(seconds, self.backoff_max_s)
        # full jitter: many kiosks recovering from one outage must not retry in lock-step
        return random.uniform(0, min(self.backoff_max_s, self.backoff_s * 2 ** (attempt - 1)))

    @staticmethod
    def _problem(resp: requests.Response, content: bytes) -> str:
        if not resp.headers.get("Content-Type", "").startswith("application/problem+json"):
            return ""
        try:
            code = json_mod.loads(content).get("code", "")
        except (ValueError, AttributeError, RecursionError):
            return ""
        return code if isinstance(code, str) and len(code) <= 64 else ""

    @staticmethod
    def _json(resp: requests.Response, content: bytes, path: str) -> Any:
        media = resp.headers.get("Content-Type", "").split(";")[0].strip()
        if media != "application/json":
            raise ServiceProtocolError(f"{path}: unexpected content type {media!r}")
        try:
            return json_mod.loads(content)
        except (ValueError, RecursionError):  # also UnicodeDecodeError; [[[[... nested too deep
            raise ServiceProtocolError(f"{path}: response is not JSON") from None
