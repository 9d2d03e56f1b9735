"""POST /v1/ratings: one rating per case, idempotent, strict, a follow-up for every bad one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from registry_service import samples
from registry_service.app import create_app
from registry_service.limits import RateLimits
from registry_service.orm import FollowUpRow, RatingRow
from registry_service.workdays import add_working_days, is_working_day
from tests.registry_service.svc_helpers import headers, settings_for

TXN = "0123456789abcdef0123456789abcdef"


def rating(**over: Any) -> dict[str, Any]:
    body = {"case_kind": "kiosk_transaction", "case_id": TXN, "ending": "abandoned",
            "level": "satisfied", "reasons": [], "rated_at": "2026-06-01T03:59:00Z"}
    return {**body, **over}


def bad(**over: Any) -> dict[str, Any]:
    return rating(level="very_dissatisfied", reasons=["too_slow", "device_problem"], **over)


def rows(api: TestClient, table: Any) -> list[Any]:
    with api.app.state.engine.connect() as c:  # type: ignore[attr-defined]
        return list(c.execute(select(table.__table__)).mappings())


def test_a_good_rating_is_stored_without_a_follow_up(api: TestClient) -> None:
    r = api.post("/v1/ratings", json=rating(), headers=headers())
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["follow_up"] is None and doc["level"] == "satisfied" and doc["case_id"] == TXN
    assert uuid.UUID(doc["rating_id"])
    [row] = rows(api, RatingRow)
    assert (row["case_kind"], row["ending"], row["level"], row["reasons"]) == (
        "kiosk_transaction", "abandoned", "satisfied", "")
    assert rows(api, FollowUpRow) == []


def test_a_bad_rating_opens_a_follow_up_due_in_five_working_days(api: TestClient) -> None:
    r = api.post("/v1/ratings", json=bad(), headers=headers())
    assert r.status_code == 201, r.text
    follow = r.json()["follow_up"]
    # received Monday 2026-06-01 12:00 Beijing: due the following Monday
    assert follow["due_date"] == "2026-06-08" and follow["working_days"] == 5 and follow["status"] == "open"
    [row] = rows(api, FollowUpRow)
    assert row["public_id"] == follow["follow_up_id"] and row["due_date"] == date(2026, 6, 8)
    assert row["indicators"] == "efficiency,quality" and row["status"] == "open"
    [rated] = rows(api, RatingRow)
    assert row["rating_id"] == rated["id"] and rated["reasons"] == "too_slow,device_problem"


def test_the_deadline_skips_the_national_day_holidays_and_counts_the_worked_saturday(tmp_path: Path) -> None:
    received = datetime(2026, 9, 28, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing
    app = create_app(settings_for(tmp_path, clock=lambda: received))
    with TestClient(app) as api:
        r = api.post("/v1/ratings", json=bad(), headers=headers())
    app.state.engine.dispose()
    # 29, 30 September, then 1-7 October off, 8, 9 and Saturday 10 October (调休) worked
    assert r.json()["follow_up"]["due_date"] == "2026-10-10"


def test_the_deadline_counts_beijing_days(tmp_path: Path) -> None:
    """23:30 UTC on Sunday is Monday morning in Beijing: Monday does not count."""
    received = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    app = create_app(settings_for(tmp_path, clock=lambda: received))
    with TestClient(app) as api:
        r = api.post("/v1/ratings", json=bad(), headers=headers())
    app.state.engine.dispose()
    assert r.json()["follow_up"]["due_date"] == "2026-06-08"


def test_working_days_of_a_year_without_a_schedule_are_monday_to_friday() -> None:
    assert not is_working_day(date(2030, 1, 5)) and is_working_day(date(2030, 1, 7))  # Saturday, Monday
    assert add_working_days(date(2030, 1, 4), 5) == date(2030, 1, 11)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 6, 1), 0)


def test_the_same_key_and_body_replays_the_first_answer(api: TestClient) -> None:
    h = headers()
    first = api.post("/v1/ratings", json=bad(), headers=h)
    again = api.post("/v1/ratings", json=bad(), headers=h)
    assert again.status_code == 201 and again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert len(rows(api, RatingRow)) == 1 and len(rows(api, FollowUpRow)) == 1


def test_the_same_key_with_another_body_is_refused(api: TestClient) -> None:
    h = headers()
    assert api.post("/v1/ratings", json=rating(), headers=h).status_code == 201
    r = api.post("/v1/ratings", json=rating(level="very_satisfied"), headers=h)
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"


def test_a_case_is_rated_once(api: TestClient) -> None:
    assert api.post("/v1/ratings", json=rating(), headers=headers()).status_code == 201
    r = api.post("/v1/ratings", json=bad(), headers=headers())
    assert r.status_code == 409 and r.json()["code"] == "case_already_rated"
    assert len(rows(api, RatingRow)) == 1 and rows(api, FollowUpRow) == []


def test_cases_are_per_kiosk(api: TestClient) -> None:
    assert api.post("/v1/ratings", json=rating(), headers=headers(kiosk="kiosk-a")).status_code == 201
    assert api.post("/v1/ratings", json=rating(), headers=headers(kiosk="kiosk-b")).status_code == 201


def test_an_application_case_must_be_this_kiosks_application(api: TestClient) -> None:
    decided = api.post("/v1/applications", json=samples.application(), headers=headers(kiosk="kiosk-a"))
    application_id = decided.json()["application_id"]
    body = rating(case_kind="application", case_id=application_id, ending="issued")
    r = api.post("/v1/ratings", json=body, headers=headers(kiosk="kiosk-b"))
    assert r.status_code == 422 and r.json()["code"] == "case_not_found"
    r = api.post("/v1/ratings", json=rating(case_kind="application", case_id=str(uuid.uuid4())),
                 headers=headers(kiosk="kiosk-a"))
    assert r.status_code == 422 and r.json()["code"] == "case_not_found"
    r = api.post("/v1/ratings", json=body, headers=headers(kiosk="kiosk-a"))
    assert r.status_code == 201 and r.json()["case_kind"] == "application"


@pytest.mark.parametrize("extra", ["operator_name", "operator_id_number", "phone", "name", "comment", "face"])
def test_no_personal_data_is_accepted(api: TestClient, extra: str) -> None:
    """Unknown fields are refused, so nothing beyond the case number can be sent along."""
    r = api.post("/v1/ratings", json={**rating(), extra: "张伟"}, headers=headers())
    assert r.status_code == 422 and r.json()["errors"] == [{"field": f"body.{extra}", "type": "extra_forbidden"}]
    assert "张伟" not in r.text, "the refused value is never echoed"
    assert rows(api, RatingRow) == []


@pytest.mark.parametrize(("body", "field"), [
    (rating(level="good"), "body.level"),
    (rating(ending="done"), "body.ending"),
    (rating(case_kind="licence"), "body.case_kind"),
    (rating(case_id="x" * 32), "body.case_id"),
    (rating(case_id=str(uuid.uuid4())), "body"),  # a uuid is not a kiosk transaction id
    (rating(reasons=["too_slow"]), "body"),  # reasons only with a bad rating
    (rating(level="dissatisfied"), "body"),  # a bad rating names a reason
    (rating(level="dissatisfied", reasons=["too_slow", "too_slow"]), "body"),
    (rating(level="dissatisfied", reasons=["rude"]), "body.reasons.0"),
    (rating(rated_at="2026-13-45T10:00:00Z"), "body"),
    (rating(rated_at="2026-06-01 10:00:00"), "body.rated_at"),
    (rating(level=5), "body.level"),
    ({k: v for k, v in rating().items() if k != "ending"}, "body.ending"),
])
def test_malformed_ratings_are_refused_with_the_field(api: TestClient, body: dict[str, Any], field: str) -> None:
    r = api.post("/v1/ratings", json=body, headers=headers())
    assert r.status_code == 422 and r.json()["code"] == "invalid_request", r.text
    assert field in [e["field"] for e in r.json()["errors"]]


def test_headers_are_required(api: TestClient) -> None:
    r = api.post("/v1/ratings", json=rating(), headers={"X-Kiosk-Id": "k1"})
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_missing"
    r = api.post("/v1/ratings", json=rating(), headers={"Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 400 and r.json()["code"] == "kiosk_id_missing"


@pytest.fixture
def tight_api(tmp_path: Path) -> Iterator[TestClient]:
    limits = RateLimits(submit_per_minute=60, submit_burst=3, request_per_minute=60, request_burst=3)
    app = create_app(settings_for(tmp_path, rate_limits=limits))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def test_ratings_are_rate_limited_like_other_calls(tight_api: TestClient) -> None:
    codes = [tight_api.post("/v1/ratings", json=rating(case_id=f"{i:032x}"), headers=headers()).status_code
             for i in range(4)]
    assert codes == [201, 201, 201, 429]
    with tight_api.app.state.engine.connect() as c:  # type: ignore[attr-defined]
        assert c.scalar(select(func.count()).select_from(RatingRow)) == 3, "a refused rating did nothing"
