"""A second application by the same operator at the same authority within the window goes to a
person (operator_recent_application): a kiosk that lost track of the first licence, or an
applicant who did not see it come out and applied again under another 字号, cannot get a second
licence by itself."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from registry_service import samples
from registry_service.app import create_app
from registry_service.reasons import REASONS
from registry_service.rules import REVIEW, check_recent_application
from tests.registry_service.svc_helpers import FIXED_NOW, headers, settings_for


@pytest.fixture
def clock() -> list:
    return [FIXED_NOW]


@pytest.fixture
def api(tmp_path: Path, clock: list) -> Iterator[TestClient]:
    app = create_app(settings_for(tmp_path, clock=lambda: clock[0], recent_application_hours=24))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def submit(api: TestClient, key: str | None = None, **overrides: object) -> dict:
    r = api.post("/v1/applications", json=samples.application(**overrides), headers=headers(key))
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_a_second_application_within_the_window_is_referred(api: TestClient, clock: list) -> None:
    key = uuid.uuid4().hex
    first = submit(api, key)
    assert first["outcome"] == "approved"
    second = submit(api, trade_name="隆顺")  # the applicant's own licence took the first name
    assert (second["outcome"], second["reasons"]) == ("manual_review", ["operator_recent_application"])
    assert second["licence"] is None and second["tracking_number"]
    assert submit(api, key) == first, "a replay of the first key still answers the first decision"
    clock[0] = FIXED_NOW + timedelta(hours=20)
    assert submit(api, trade_name="和盛")["outcome"] == "manual_review"
    clock[0] = FIXED_NOW + timedelta(hours=30)
    assert submit(api, trade_name="福旺")["outcome"] == "manual_review", "the referral 10 h ago counts as well"
    clock[0] = FIXED_NOW + timedelta(hours=55)
    assert submit(api, trade_name="美佳")["outcome"] == "approved", "nothing in the last 24 h"


def test_other_people_other_authorities_and_rejections_do_not_count(api: TestClient) -> None:
    assert submit(api, trade_name="中国福")["outcome"] == "rejected"  # issued nothing
    assert submit(api)["outcome"] == "approved"
    other = samples.resident_id(samples.date(1985, 3, 14), sequence=124)
    assert submit(api, operator_id_number=other, trade_name="隆顺")["outcome"] == "approved"
    elsewhere = submit(api, division_code="440304", premises="华强北街道华强北路8号", trade_name="美佳")
    assert elsewhere["outcome"] == "approved", "another authority keeps its own record"


def test_the_window_can_be_turned_off(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path, recent_application_hours=0))
    with TestClient(app) as client:
        assert [submit(client, trade_name=n)["outcome"] for n in ("福兴", "隆顺")] == ["approved", "approved"]
    app.state.engine.dispose()


def test_the_rule_is_a_review_reason_with_its_texts() -> None:
    assert check_recent_application(True) == ["operator_recent_application"] and check_recent_application(False) == []
    assert "operator_recent_application" in REVIEW and all(REASONS["operator_recent_application"])


def test_the_operator_is_stored_as_a_keyed_hash(api: TestClient) -> None:
    submit(api)
    engine = api.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as c:
        (ref,) = c.exec_driver_sql("SELECT operator_ref FROM applications").one()
    assert len(ref) == 64 and samples.application()["operator_id_number"] not in ref
