"""Per-kiosk rate limits: 429 problem with Retry-After, before anything is processed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from registry_service import embedded, samples
from registry_service.app import create_app
from registry_service.limits import RateLimits
from registry_service.orm import ApplicationRow
from registry_service.rate_limit import OTHER, SUBMIT, KioskRateLimiter
from tests.registry_service.pki_helpers import make_pki
from tests.registry_service.svc_helpers import headers, settings_for

TIGHT = RateLimits(submit_per_minute=6, submit_burst=2, request_per_minute=60, request_burst=3)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- the buckets ----------------------------------------------------------------------------
def test_burst_then_wait_then_refill() -> None:
    clock = FakeClock()
    limiter = KioskRateLimiter(TIGHT, clock)
    assert [limiter.take("k1", SUBMIT) for _ in range(2)] == [0.0, 0.0]
    assert limiter.take("k1", SUBMIT) == pytest.approx(10.0)  # 6 a minute: one every 10 s
    clock.now += 4
    assert limiter.take("k1", SUBMIT) == pytest.approx(6.0)  # refused: nothing taken
    clock.now += 6
    assert limiter.take("k1", SUBMIT) == 0.0
    assert limiter.take("k2", SUBMIT) == 0.0  # another kiosk has its own bucket
    assert limiter.take("k1", OTHER) == 0.0  # and reads their own


def test_identity_table_stays_bounded() -> None:
    clock = FakeClock()
    limiter = KioskRateLimiter(RateLimits(submit_burst=1, max_tracked=100), clock)
    for i in range(1000):  # a flood of invented kiosk ids
        limiter.take(f"forged-{i}", SUBMIT)
    assert len(limiter._buckets) <= 100
    clock.now += 3600  # all refilled: forgotten first when room is needed
    limiter.take("new", SUBMIT)
    assert len(limiter._buckets) == 1


# --- over HTTP ---------------------------------------------------------------------------
@pytest.fixture
def tight_api(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(settings_for(tmp_path, rate_limits=TIGHT))
    app.state.rate_limiter.clock = FakeClock()
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def _applications(api: TestClient) -> int:
    with api.app.state.engine.connect() as c:  # type: ignore[attr-defined]
        return c.execute(select(func.count()).select_from(ApplicationRow)).scalar_one()


def test_submissions_beyond_the_burst_are_429_and_not_processed(tight_api: TestClient) -> None:
    for n in range(2):
        r = tight_api.post("/v1/applications", json=samples.application(trade_name=samples.trade_name(n)),
                           headers=headers(kiosk="kiosk-a"))
        assert r.status_code == 201
    key = uuid.uuid4().hex
    body = samples.application(trade_name=samples.trade_name(7))
    r = tight_api.post("/v1/applications", json=body, headers=headers(key, "kiosk-a"))
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "rate_limited" and r.headers["retry-after"] == "10"
    assert _applications(tight_api) == 2
    # another kiosk is not held back, and reads are a separate bucket
    assert tight_api.post("/v1/applications", json=body,
                          headers=headers(kiosk="kiosk-b")).status_code == 201
    assert tight_api.get("/v1/reference-data", headers={"X-Kiosk-Id": "kiosk-a"}).status_code == 200
    # after Retry-After the same request (same key) is decided, once
    tight_api.app.state.rate_limiter.clock.now += 10  # type: ignore[attr-defined]
    first = tight_api.post("/v1/applications", json=body, headers=headers(key, "kiosk-a"))
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    assert _applications(tight_api) == 4


def test_reads_are_limited_too(tight_api: TestClient) -> None:
    codes = [tight_api.get("/v1/reference-data", headers={"X-Kiosk-Id": "kiosk-c"}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = tight_api.post("/v1/heartbeat", json={}, headers={"X-Kiosk-Id": "kiosk-c"})
    assert r.status_code == 429 and r.headers["retry-after"] == "1"


def test_every_operation_documents_429_with_retry_after(api: TestClient) -> None:
    doc = api.get("/openapi.json").json()
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            r429 = op["responses"].get("429")
            assert r429 is not None, f"{method.upper()} {path}"
            assert "Retry-After" in r429["headers"]
            assert "application/problem+json" in r429["content"]


def test_client_certificate_is_the_identity_under_mutual_tls(tmp_path: Path) -> None:
    """Changing X-Kiosk-Id does not buy a new bucket when the certificate says who it is."""
    (tmp_path / "pki").mkdir()
    pki = make_pki(tmp_path / "pki")
    svc = embedded.start(f"sqlite:///{tmp_path / 'r.db'}", tmp_path / "keys",
                         settings=settings_for(tmp_path, rate_limits=TIGHT),
                         tls_cert=str(pki / "server.crt"), tls_key=str(pki / "server.key"),
                         client_ca=str(pki / "ca.crt"))
    try:
        with requests.Session() as s:
            s.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
            s.verify = str(pki / "ca.crt")
            s.cert = (str(pki / "kiosk.crt"), str(pki / "kiosk.key"))
            codes = [s.get(svc.url + "/v1/reference-data", headers={"X-Kiosk-Id": f"kiosk-{i}"},
                           timeout=5).status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]
    finally:
        svc.stop()


def test_a_forwarded_for_header_does_not_choose_the_address(tmp_path: Path) -> None:
    """Without a kiosk id the address is the identity: the peer's, not one a header claims."""
    svc = embedded.start("", tmp_path / "keys", settings=settings_for(tmp_path, rate_limits=TIGHT))
    try:
        with requests.Session() as s:
            s.trust_env = False
            codes = [s.get(svc.url + "/v1/reference-data", timeout=5,
                           headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]
    finally:
        svc.stop()
