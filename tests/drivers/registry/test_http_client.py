"""HttpRegistrationClient against the real service on loopback, and against a misbehaving
loopback server in front of it."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from drivers.errors import ServiceProtocolError, ServiceRateLimited, ServiceRequestRejected, ServiceUnreachable
from drivers.registry.http_client import MAX_RESPONSE_BYTES, HttpRegistrationClient
from drivers.registry.models import Application
from licence_wire import codec
from registry_service import samples
from registry_service.embedded import EmbeddedService
from tests.drivers.registry.fault_server import FaultServer

_names = itertools.count(100)


def application(**overrides: Any) -> Application:
    overrides.setdefault("trade_name", samples.trade_name(next(_names)))
    return Application(**samples.application(**overrides))


def client(url: str, key_path: Path, **kw: Any) -> HttpRegistrationClient:
    # generous: a test that wants a timeout sets its own, and a slow answer on a busy machine
    # must not read as a lost one (a retry would change what the test counts)
    kw.setdefault("read_timeout", 30.0)
    kw.setdefault("connect_timeout", 5.0)
    kw.setdefault("sleep", lambda _s: None)
    return HttpRegistrationClient(url, "kiosk-test-01", key_path, **kw)


# --- against the real service -----------------------------------------------------------
def test_approval_verified_and_replayed(service: EmbeddedService, key_path: Path) -> None:
    c = client(service.url, key_path)
    app = application()
    key = str(uuid.uuid4())
    d = c.submit(app, key)
    assert d.outcome == "approved" and d.licence is not None
    assert d.licence.operator == app.operator_name
    assert codec.decode_licence(d.licence.qr_payload, codec.load_public_key(key_path))["uscc"] == d.licence.uscc
    assert c.submit(app, key) == d
    assert c.decision(d.application_id) == d
    assert c.licence(d.licence.uscc) == d.licence
    assert c.verify_payload(d.licence.qr_payload)["valid"] is True
    c.close()


def test_reasons_reach_the_kiosk(service: EmbeddedService, key_path: Path) -> None:
    c = client(service.url, key_path)
    rejected = c.submit(application(trade_name="国际", organisation_form="公司"), uuid.uuid4().hex)
    assert rejected.outcome == "rejected" and rejected.licence is None
    assert set(rejected.reasons) == {"name_forbidden_word", "organisation_form_not_allowed"}
    review = c.submit(application(scope_codes=["R0102"]), uuid.uuid4().hex)
    assert review.outcome == "manual_review" and review.tracking_number.startswith("MR")
    assert review.reasons == ("scope_prior_permit",)


def test_reference_data(service: EmbeddedService, key_path: Path) -> None:
    rd = client(service.url, key_path).reference_data()
    post = [s for s in rd.scope_items if s.permit == "post"]
    assert post and all(s.note_zh for s in post)
    assert ("440305", "南山街道南山大道") in rd.streets
    assert any(d.code == "510104" and d.name_en for d in rd.divisions)


def test_heartbeat_and_kiosk_header(faults: FaultServer, key_path: Path) -> None:
    c = client(faults.url, key_path)
    c.heartbeat()
    c.reference_data()
    assert [r["headers"]["X-Kiosk-Id"] for r in faults.requests] == ["kiosk-test-01"] * 2


def test_same_key_other_payload_is_a_typed_rejection(service: EmbeddedService, key_path: Path) -> None:
    c = client(service.url, key_path)
    key = uuid.uuid4().hex
    c.submit(application(), key)
    with pytest.raises(ServiceRequestRejected) as exc:
        c.submit(application(), key)
    assert exc.value.reason == "idempotency_key_reused"
    assert isinstance(exc.value, ServiceProtocolError)


def test_lower_case_x_from_a_chip_is_sent_canonical(faults: FaultServer, key_path: Path) -> None:
    """A chip may spell the check character x; the API takes only X, so the client folds it."""
    birth = date(1990, 5, 17)
    number = next(n for s in range(1000) if (n := samples.resident_id(birth, s)).endswith("X"))
    d = client(faults.url, key_path).submit(
        application(operator_id_number=number[:17] + "x", birth=birth), uuid.uuid4().hex)
    assert d.outcome == "approved"
    assert json.loads(faults.requests[0]["body"])["operator_id_number"] == number


def test_the_document_kind_is_sent_only_when_it_is_not_the_default(faults: FaultServer, key_path: Path) -> None:
    """A resident ID card's request stays what an API 1.0 service accepts (no operator_id_type);
    a residence permit's carries its kind."""
    birth = date(1990, 1, 1)
    c = client(faults.url, key_path)
    assert c.submit(application(), uuid.uuid4().hex).outcome == "approved"
    permit = application(operator_id_number=samples.resident_id(birth, 151, "820000"), birth=birth,
                         operator_id_type="hmt_residence_permit")
    assert c.submit(permit, uuid.uuid4().hex).outcome == "approved"
    bodies = [json.loads(r["body"]) for r in faults.requests]
    assert "operator_id_type" not in bodies[0] and bodies[1]["operator_id_type"] == "hmt_residence_permit"


def test_the_industry_term_is_sent_only_when_the_applicant_worded_it(faults: FaultServer, key_path: Path) -> None:
    """Without a term of their own the request stays what an API 1.0 service accepts; with one the
    licence is named with it."""
    c = client(faults.url, key_path)
    assert c.submit(application(), uuid.uuid4().hex).outcome == "approved"
    termed = application(industry_term="拉面", organisation_form="馆")
    d = c.submit(termed, uuid.uuid4().hex)
    bodies = [json.loads(r["body"]) for r in faults.requests]
    assert "industry_term" not in bodies[0] and bodies[1]["industry_term"] == "拉面"
    assert d.licence is not None and d.licence.name.endswith(termed.trade_name + "拉面馆")


# --- flaky network ----------------------------------------------------------------------
def test_lost_response_is_retried_with_same_key_and_issues_once(
    faults: FaultServer, key_path: Path, service: EmbeddedService
) -> None:
    """The service commits, the answer never arrives, the client times out and retries: the
    retry gets the same licence and the service holds exactly one application."""
    faults.script = ["proxy_then_hang", "proxy"]
    c = client(faults.url, key_path, read_timeout=0.5)
    app = application()
    d = c.submit(app, "lost-response-key-1")
    posts = [r for r in faults.requests if r["method"] == "POST"]
    assert len(posts) == 2
    assert {r["headers"]["Idempotency-Key"] for r in posts} == {"lost-response-key-1"}
    assert posts[0]["body"] == posts[1]["body"]
    direct = client(service.url, key_path)
    assert direct.submit(app, "lost-response-key-1") == d  # replay: the one and only
    assert d.licence is not None
    assert direct.licence(d.licence.uscc) == d.licence


def test_timeouts_exhaust_into_service_unreachable(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["hang"]
    c = client(faults.url, key_path, read_timeout=0.2, max_attempts=3)
    with pytest.raises(ServiceUnreachable):
        c.submit(application(), "timeout-key-0001")
    assert len(faults.requests) == 3
    assert {r["headers"]["Idempotency-Key"] for r in faults.requests} == {"timeout-key-0001"}


def test_connection_reset_then_success(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["reset", "reset", "proxy"]
    d = client(faults.url, key_path).submit(application(), uuid.uuid4().hex)
    assert d.outcome == "approved"
    assert len(faults.requests) == 3


def test_5xx_retried_then_success(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["status:503", "status:502", "status:500", "proxy"]
    assert client(faults.url, key_path).reference_data().version


@pytest.mark.parametrize("retry_after", ["²", "١", "２", "1.5", "-1", "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_retry_after_that_is_not_ascii_seconds_falls_back_to_backoff(
        faults: FaultServer, key_path: Path, retry_after: str) -> None:
    faults.script = [("status", 503, {"Retry-After": retry_after}), "proxy"]
    slept: list[float] = []
    assert client(faults.url, key_path, sleep=slept.append).reference_data().version
    assert len(slept) == 1 and 0 <= slept[0] <= 0.2  # the first jittered backoff step


def test_5xx_forever_is_unreachable(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["status:503"]
    with pytest.raises(ServiceUnreachable):
        client(faults.url, key_path, max_attempts=2).submit(application(), uuid.uuid4().hex)


def test_heartbeat_is_not_retried(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["status:503"]
    with pytest.raises(ServiceUnreachable):
        client(faults.url, key_path).heartbeat()
    assert len(faults.requests) == 1


def test_connection_refused(key_path: Path) -> None:
    s = __import__("socket").socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(ServiceUnreachable):
        client(f"http://127.0.0.1:{port}", key_path, max_attempts=2).reference_data()


@pytest.mark.parametrize("action", ["garbage", "html"])
def test_garbage_is_protocol_error_not_retried(faults: FaultServer, key_path: Path, action: str) -> None:
    faults.script = [action]
    with pytest.raises(ServiceProtocolError):
        client(faults.url, key_path).submit(application(), uuid.uuid4().hex)
    assert len(faults.requests) == 1


@pytest.mark.parametrize("action", ["endless", "endless_chunked", "huge_length"])
def test_endless_body_is_abandoned_at_the_size_limit(faults: FaultServer, key_path: Path,
                                                      action: str) -> None:
    faults.script = [action]
    with pytest.raises(ServiceProtocolError, match="response"):
        client(faults.url, key_path, read_timeout=5).reference_data()
    assert len(faults.requests) == 1  # not retried
    # what the server got out before the client hung up: the limit plus socket buffers
    assert faults.sent < MAX_RESPONSE_BYTES + 8 * 1024 * 1024


def test_compressed_body_is_refused_unread(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["gzip_bomb"]
    with pytest.raises(ServiceProtocolError, match="encoding"):
        client(faults.url, key_path).reference_data()


def test_deeply_nested_json_is_a_protocol_error(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["deep_json"]
    with pytest.raises(ServiceProtocolError):
        client(faults.url, key_path).reference_data()


# --- rate limits and the call's deadline -------------------------------------------------
class FakeTime:
    """sleep() advances clock(): the client's deadline arithmetic without real waiting."""

    def __init__(self) -> None:
        self.now, self.slept = 100.0, []  # type: ignore[var-annotated]

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_429_waits_retry_after_and_resends_the_same_request(faults: FaultServer, key_path: Path) -> None:
    faults.script = [("status", 429, {"Retry-After": "2"}), ("status", 429, {"Retry-After": "2"}), "proxy"]
    t = FakeTime()
    d = client(faults.url, key_path, sleep=t.sleep, clock=t.clock, max_attempts=1).submit(
        application(), "rate-limited-key-1")
    assert d.outcome == "approved"
    assert t.slept == [2.0, 2.0]  # the full Retry-After, and not counted as failed attempts
    posts = [r for r in faults.requests if r["method"] == "POST"]
    assert len(posts) == 3 and len({r["body"] for r in posts}) == 1
    assert {r["headers"]["Idempotency-Key"] for r in posts} == {"rate-limited-key-1"}


def test_429_longer_than_the_deadline_is_a_typed_error_at_once(faults: FaultServer, key_path: Path) -> None:
    faults.script = [("status", 429, {"Retry-After": "60"})]
    t = FakeTime()
    with pytest.raises(ServiceRateLimited) as exc:
        client(faults.url, key_path, sleep=t.sleep, clock=t.clock, deadline_s=30).submit(
            application(), uuid.uuid4().hex)
    assert exc.value.code == "service_rate_limited" and exc.value.retry_after_s == 60
    assert isinstance(exc.value, ServiceUnreachable)  # handled wherever unreachable is
    assert t.slept == [] and len(faults.requests) == 1


def test_429_forever_ends_at_the_deadline(faults: FaultServer, key_path: Path) -> None:
    faults.script = [("status", 429, {"Retry-After": "3"})]
    t = FakeTime()
    with pytest.raises(ServiceRateLimited):
        client(faults.url, key_path, sleep=t.sleep, clock=t.clock, deadline_s=10).submit(
            application(), uuid.uuid4().hex)
    assert t.slept == [3.0, 3.0, 3.0] and len(faults.requests) == 4


def test_heartbeat_429_is_not_waited_for(faults: FaultServer, key_path: Path) -> None:
    faults.script = [("status", 429, {"Retry-After": "1"})]
    with pytest.raises(ServiceRateLimited):
        client(faults.url, key_path).heartbeat()
    assert len(faults.requests) == 1


def test_deadline_bounds_the_whole_call(faults: FaultServer, key_path: Path) -> None:
    """Many attempts that each time out: the call still ends at its deadline."""
    faults.script = ["hang"]
    c = client(faults.url, key_path, read_timeout=0.3, max_attempts=50, deadline_s=1.0,
               sleep=time.sleep)
    t0 = time.monotonic()
    with pytest.raises(ServiceUnreachable):
        c.submit(application(), uuid.uuid4().hex)
    assert time.monotonic() - t0 < 2.0
    assert 2 <= len(faults.requests) < 10


def test_rate_limited_submissions_wait_and_never_duplicate(tmp_path: Path) -> None:
    """Against the real service with a burst of 2 and one submission a second: the third
    waits for Retry-After (1 s, really) and every application is decided exactly once."""
    from registry_service import embedded
    from registry_service.limits import RateLimits
    from tests.registry_service.svc_helpers import settings_for

    limits = RateLimits(submit_per_minute=60, submit_burst=2)
    svc = embedded.start("", tmp_path / "keys", settings=settings_for(tmp_path, rate_limits=limits))
    try:
        c = client(svc.url, svc.public_key_path, read_timeout=5, sleep=time.sleep)
        keys = [uuid.uuid4().hex for _ in range(3)]
        t0 = time.monotonic()
        decisions = [c.submit(application(), k) for k in keys]
        assert time.monotonic() - t0 >= 0.9
        assert all(d.outcome == "approved" for d in decisions)
        assert len({d.application_id for d in decisions}) == 3
        with svc._server.config.app.state.engine.connect() as conn:
            n = conn.exec_driver_sql("select count(*), count(distinct idempotency_key) "
                                     "from applications").one()
        assert tuple(n) == (3, 3)
    finally:
        svc.stop()


# --- signatures -------------------------------------------------------------------------
def _set(path: list[str], value: Any):  # type: ignore[no-untyped-def]
    def fn(doc: dict[str, Any]) -> dict[str, Any]:
        target = doc
        for p in path[:-1]:
            target = target[p]
        target[path[-1]] = value
        return doc

    return fn


@pytest.mark.parametrize(
    "tamper",
    [
        _set(["outcome"], "rejected"),
        _set(["licence", "name"], "深圳市南山区假冒餐饮店"),
        _set(["signature"], "00" * 64),
        _set(["key_id"], "0000000000000000"),
        lambda doc: {k: v for k, v in doc.items() if k != "signature"},
    ],
)
def test_bad_signature_detected(faults: FaultServer, key_path: Path, tamper: Any) -> None:
    faults.script = [("tamper", tamper)]
    with pytest.raises(ServiceProtocolError):
        client(faults.url, key_path).submit(application(), uuid.uuid4().hex)


def test_document_signed_by_another_key_refused(faults: FaultServer, key_path: Path) -> None:
    attacker = Ed25519PrivateKey.generate()

    def resign(doc: dict[str, Any]) -> dict[str, Any]:
        doc["licence"]["operator"] = "李四"
        fields = {k: doc["licence"][k] for k in codec.LICENCE_FIELDS}
        doc["licence"]["qr_payload"] = codec.encode_licence(fields, attacker)
        unsigned = {k: v for k, v in doc.items() if k != "signature"}
        doc["signature"] = codec.sign_document(unsigned, attacker)
        return doc

    faults.script = [("tamper", resign)]
    with pytest.raises(ServiceProtocolError):
        client(faults.url, key_path).submit(application(), uuid.uuid4().hex)


def test_decision_of_another_application_refused(service: EmbeddedService, faults: FaultServer, key_path: Path) -> None:
    d = client(service.url, key_path).submit(application(), uuid.uuid4().hex)
    faults.script = ["proxy"]
    c = client(faults.url, key_path)
    other = str(uuid.uuid4())
    # the fault server forwards /v1/applications/<other> to d's id: a mix-up must be caught
    faults.upstream = service.url
    orig = faults._forward

    def swap(h: Any, body: bytes) -> tuple[int, str, bytes]:
        h.path = h.path.replace(other, d.application_id)
        return orig(h, body)

    faults._forward = swap  # type: ignore[method-assign]
    with pytest.raises(ServiceProtocolError):
        c.decision(other)


# --- configuration guards ---------------------------------------------------------------
def test_plain_http_only_to_loopback(key_path: Path) -> None:
    with pytest.raises(ValueError):
        HttpRegistrationClient("http://registry.example.cn", "k1", key_path)
    HttpRegistrationClient("http://127.0.0.1:1", "k1", key_path).close()
    c = HttpRegistrationClient("https://registry.example.cn", "k1", key_path, ca_bundle=None)
    assert c.session.verify is True
    c.close()
    with pytest.raises(ValueError):
        HttpRegistrationClient("https://x.example", "k1", key_path, client_cert="a.pem")


def test_session_is_reused(faults: FaultServer, key_path: Path) -> None:
    c = client(faults.url, key_path)
    assert isinstance(c.session, requests.Session)
    c.reference_data()
    c.reference_data()
    assert len(c.session.adapters["http://"].poolmanager.pools) == 1


# --- reference downloads -----------------------------------------------------------------
def test_a_download_is_kept_as_sent_and_a_304_is_none(service: EmbeddedService, key_path: Path) -> None:
    c = client(service.url, key_path, read_timeout=30)
    got = c.download("/v1/reference-data/national")
    assert got is not None and got.gzipped and got.body[:2] == b"\x1f\x8b" and len(got.body) < 1_000_000
    assert c.download("/v1/reference-data/national", got.etag) is None
    assert c.download("/v1/reference-data/national", '"0000000000000000"') is not None


@pytest.mark.parametrize("action", ["endless", "huge_length"])
def test_a_download_is_abandoned_at_its_own_limit(faults: FaultServer, key_path: Path, action: str) -> None:
    from drivers.registry.http_client import MAX_DOWNLOAD_BYTES

    faults.script = [action]
    with pytest.raises(ServiceProtocolError, match="response"):
        client(faults.url, key_path, read_timeout=5).download("/v1/reference-data/national")
    assert faults.sent < MAX_DOWNLOAD_BYTES + 8 * 1024 * 1024


def test_a_download_without_an_etag_is_refused(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["proxy"]  # the fault server passes the body on, not the ETag
    with pytest.raises(ServiceProtocolError, match="ETag"):
        client(faults.url, key_path).download("/v1/reference-data")
