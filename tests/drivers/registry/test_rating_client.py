"""HttpRegistrationClient.rate: one attempt per call (the kiosk's outbox retries), typed errors."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from drivers.errors import ServiceProtocolError, ServiceRateLimited, ServiceRequestRejected, ServiceUnreachable
from drivers.registry.http_client import HttpRegistrationClient
from drivers.registry.models import Rating
from registry_service.embedded import EmbeddedService
from tests.drivers.registry.fault_server import FaultServer


def client(url: str, key_path: Path, read_timeout: float = 30.0) -> HttpRegistrationClient:
    """A short ``read_timeout`` only where the fault server hangs: elsewhere a busy machine's slow
    answer must not read as an unreachable service."""
    return HttpRegistrationClient(url, "kiosk-rating-01", key_path, read_timeout=read_timeout, connect_timeout=5,
                                  sleep=lambda _s: None)


def rating(**over: Any) -> Rating:
    fields = {"case_kind": "kiosk_transaction", "case_id": uuid.uuid4().hex, "ending": "staff",
              "level": "dissatisfied", "reasons": ("staff_help",), "rated_at": "2026-11-30T08:00:00Z"}
    return Rating(**{**fields, **over})


def posts(faults: FaultServer) -> list[dict[str, Any]]:
    return [r for r in faults.requests if r["method"] == "POST"]


def test_a_bad_rating_comes_back_with_its_follow_up_deadline_and_replays(service: EmbeddedService,
                                                                         key_path: Path) -> None:
    c = client(service.url, key_path)
    r, key = rating(), uuid.uuid4().hex
    receipt = c.rate(r, key)
    assert uuid.UUID(receipt.rating_id) and len(receipt.follow_up_due) == 10
    assert c.rate(r, key) == receipt, "the replay is the first answer"
    good = c.rate(rating(level="very_satisfied", reasons=()), uuid.uuid4().hex)
    assert good.follow_up_due == ""
    c.close()


def test_the_body_is_the_rating_and_nothing_else(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["proxy"]
    client(faults.url, key_path).rate(rating(), "rating-key-0001")
    [sent] = posts(faults)
    assert set(json.loads(sent["body"])) == {"case_kind", "case_id", "ending", "level", "reasons", "rated_at"}
    assert sent["headers"]["Idempotency-Key"] == "rating-key-0001"


def test_a_second_rating_of_a_case_is_a_typed_rejection(service: EmbeddedService, key_path: Path) -> None:
    c = client(service.url, key_path)
    r = rating()
    c.rate(r, uuid.uuid4().hex)
    with pytest.raises(ServiceRequestRejected) as exc:
        c.rate(r, uuid.uuid4().hex)
    assert exc.value.reason == "case_already_rated"


@pytest.mark.parametrize(("script", "error"), [
    (("status", 429, {"Retry-After": "7"}), ServiceRateLimited),
    ("status:503", ServiceUnreachable),
    ("hang", ServiceUnreachable),
    ("reset", ServiceUnreachable),
])
def test_one_attempt_then_a_typed_error(faults: FaultServer, key_path: Path, script: Any, error: type) -> None:
    faults.script = [script]
    with pytest.raises(error) as exc:
        client(faults.url, key_path, read_timeout=0.5 if script == "hang" else 30.0).rate(rating(), uuid.uuid4().hex)
    assert len(posts(faults)) == 1, "no retries inside the call: the outbox owns them"
    if error is ServiceRateLimited:
        assert exc.value.retry_after_s == 7


def test_a_lost_answer_then_the_same_key_gets_the_first_answer(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["proxy_then_hang", "proxy"]
    r, key = rating(), uuid.uuid4().hex
    with pytest.raises(ServiceUnreachable):
        client(faults.url, key_path, read_timeout=0.5).rate(r, key)
    receipt = client(faults.url, key_path).rate(r, key)
    assert receipt.follow_up_due


def test_a_receipt_for_another_case_is_a_protocol_error(faults: FaultServer, key_path: Path) -> None:
    faults.script = [("tamper", lambda doc: {**doc, "case_id": uuid.uuid4().hex})]
    with pytest.raises(ServiceProtocolError, match="another case"):
        client(faults.url, key_path).rate(rating(), uuid.uuid4().hex)


def test_a_malformed_due_date_is_a_protocol_error(faults: FaultServer, key_path: Path) -> None:
    faults.script = [("tamper", lambda doc: {**doc, "follow_up": {**doc["follow_up"], "due_date": "soon"}})]
    with pytest.raises(ServiceProtocolError, match="due date"):
        client(faults.url, key_path).rate(rating(), uuid.uuid4().hex)
