"""The HTTP contract, in-process (TestClient drives the real ASGI app and SQLite file)."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from licence_wire import codec
from registry_service import samples
from registry_service.app import API_VERSION, create_app
from registry_service.orm import ApplicationRow, LicenceRow
from registry_service.schemas import ApplicationIn
from tests.registry_service.svc_helpers import headers, settings_for, stale_lookup_once


def submit(api: TestClient, key: str | None = None, kiosk: str = "kiosk-01", **overrides):  # type: ignore[no-untyped-def]
    return api.post("/v1/applications", json=samples.application(**overrides),
                    headers=headers(key, kiosk))


def test_approval_is_signed_and_retrievable(api: TestClient) -> None:
    r = submit(api)
    assert r.status_code == 201
    doc = r.json()
    assert doc["outcome"] == "approved"
    pub = api.app.state.keys.public_key  # type: ignore[attr-defined]
    codec.verify_document({k: v for k, v in doc.items() if k != "signature"}, doc["signature"], pub)
    lic = doc["licence"]
    assert codec.decode_licence(lic["qr_payload"], pub) == {
        k: v for k, v in lic.items() if k != "qr_payload"
    }
    assert lic["uscc"].startswith("92440305")
    again = api.get(f"/v1/applications/{doc['application_id']}")
    assert again.status_code == 200 and again.json() == doc
    signed = api.get(f"/v1/licences/{lic['uscc']}").json()
    assert signed["status"] == "active" and signed["uscc"] == lic["uscc"]
    v = api.post("/v1/licences/verify", json={"qr_payload": lic["qr_payload"]}).json()
    assert v == {"valid": True, "reason": "ok", "licence": lic}


def test_rejection_and_manual_review_carry_reasons(api: TestClient) -> None:
    r = submit(api, trade_name="中国福").json()
    assert r["outcome"] == "rejected" and r["reasons"] == ["name_forbidden_word"]
    assert r["licence"] is None and r["tracking_number"] == ""
    m = submit(api, scope_codes=["G0101", "R0101"]).json()
    assert m["outcome"] == "manual_review" and m["reasons"] == ["scope_prior_permit"]
    assert m["tracking_number"].startswith("MR20260601")
    minor = submit(api, birth=date(2009, 1, 1), trade_name="福隆").json()
    assert minor["outcome"] == "manual_review" and minor["reasons"] == ["operator_minor_review"]
    # the case is kept (encrypted) for the person who reviews it, and only that case
    reg = api.app.state.registry  # type: ignore[attr-defined]
    assert reg.unseal(m["application_id"])["scope_codes"] == ["G0101", "R0101"]
    assert reg.unseal(r["application_id"]) is None


def test_duplicate_name_at_same_authority(api: TestClient) -> None:
    assert submit(api).json()["outcome"] == "approved"
    dup = submit(api).json()
    assert dup["outcome"] == "rejected" and dup["reasons"] == ["name_taken"]
    # other industry, or other authority: allowed
    assert submit(api, industry_code="F5211").json()["outcome"] == "approved"
    other = submit(api, division_code="440304", premises="福田街道福华三路8号").json()
    assert other["outcome"] == "approved"


def test_replay_returns_first_response(api: TestClient) -> None:
    key = uuid.uuid4().hex
    first = submit(api, key)
    second = submit(api, key)
    assert second.status_code == first.status_code == 201
    assert second.content == first.content
    assert second.headers.get("Idempotent-Replayed") == "true"
    with api.app.state.registry._sessions() as s:  # type: ignore[attr-defined]
        assert s.scalar(select(func.count()).select_from(LicenceRow)) == 1


def test_same_key_other_payload_is_422(api: TestClient) -> None:
    key = uuid.uuid4().hex
    submit(api, key)
    r = submit(api, key, trade_name="福隆")
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    assert r.headers["content-type"] == "application/problem+json"


def test_a_key_stored_without_the_industry_term_replays_with_it_empty(api: TestClient) -> None:
    """API 1.1's industry_term at its default is the 1.0 request: a kiosk upgraded between two
    attempts gets its first answer back, not idempotency_key_reused."""
    key = uuid.uuid4().hex
    first = submit(api, key)
    second = submit(api, key, industry_term="")
    assert second.status_code == 201 and second.content == first.content
    assert submit(api, key, industry_term="拉面").json()["code"] == "idempotency_key_reused"


def test_the_industry_term_names_the_licence_and_is_bounded(api: TestClient) -> None:
    doc = submit(api, trade_name="老王", industry_term="拉面", organisation_form="馆").json()
    assert doc["outcome"] == "approved" and doc["licence"]["name"] == "深圳市南山区老王拉面馆"
    long = submit(api, trade_name="老李", industry_term="拉面拉面拉面拉").json()
    assert long["outcome"] == "rejected" and long["reasons"] == ["industry_term_too_long"]
    assert submit(api, trade_name="老张", industry_term="拉" * 11).status_code == 422  # over the wire's bound


def test_keys_are_scoped_per_kiosk(api: TestClient) -> None:
    key = uuid.uuid4().hex
    assert submit(api, key, kiosk="k-a").json()["outcome"] == "approved"
    assert submit(api, key, kiosk="k-b", trade_name="福隆").json()["outcome"] == "approved"


def test_key_won_meanwhile_returns_the_winners_answer(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = uuid.uuid4().hex
    first = submit(api, key)
    stale_lookup_once(api.app.state.registry.store, monkeypatch, request_hash=None)  # type: ignore[attr-defined]
    second = submit(api, key)
    assert second.status_code == 201 and second.content == first.content
    assert second.headers["Idempotent-Replayed"] == "true"
    with api.app.state.registry._sessions() as s:  # type: ignore[attr-defined]
        assert s.scalar(select(func.count()).select_from(LicenceRow)) == 1
        assert s.scalar(select(func.count()).select_from(ApplicationRow)) == 1


def test_key_won_meanwhile_by_another_body_is_422(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = uuid.uuid4().hex
    submit(api, key)
    stale_lookup_once(api.app.state.registry.store, monkeypatch, request_hash=None)  # type: ignore[attr-defined]
    r = submit(api, key, trade_name="福隆")
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    with api.app.state.registry._sessions() as s:  # type: ignore[attr-defined]
        assert s.scalar(select(func.count()).select_from(LicenceRow)) == 1


def test_name_won_meanwhile_is_decided_again(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A different application took the 字号 between this one's read and write: the unique
    name index refuses the licence, nothing of this attempt is kept, and the second decision
    says name_taken."""
    submit(api)
    store = api.app.state.registry.store  # type: ignore[attr-defined]
    seen = stale_lookup_once(store, monkeypatch, name_taken=False)
    r = submit(api)  # same 字号, new key
    assert [x.name_taken for x in seen] == [True, True]  # looked up again after the refusal
    assert r.status_code == 201 and r.json()["reasons"] == ["name_taken"]
    with api.app.state.registry._sessions() as s:  # type: ignore[attr-defined]
        assert s.scalar(select(func.count()).select_from(LicenceRow)) == 1
        assert s.scalar(select(func.count()).select_from(ApplicationRow)) == 2


def test_response_lost_after_commit_is_replayed(tmp_path: Path) -> None:
    """The service committed but the kiosk never saw the answer (killed before responding):
    the retry with the same key gets the same licence, and no second one exists."""
    app = create_app(settings_for(tmp_path))
    key = uuid.uuid4().hex
    committed = app.state.registry.submit("kiosk-01", key, ApplicationIn(**samples.application()))
    app.state.engine.dispose()  # "process dies"
    with TestClient(create_app(settings_for(tmp_path))) as api:
        replay = submit(api, key)
        assert replay.text == committed.body
        with api.app.state.registry._sessions() as s:  # type: ignore[attr-defined]
            assert s.scalar(select(func.count()).select_from(LicenceRow)) == 1


def test_unknown_ids_are_404_problems(api: TestClient) -> None:
    r = api.get(f"/v1/applications/{uuid.uuid4()}")
    assert r.status_code == 404 and r.json()["code"] == "application_not_found"
    r = api.get("/v1/licences/92440305MADGFK2473")
    assert r.status_code == 404 and r.json()["code"] == "licence_not_found"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [("LK1:0000", "format"), ("hello", "format")],
)
def test_verify_garbage(api: TestClient, payload: str, reason: str) -> None:
    r = api.post("/v1/licences/verify", json={"qr_payload": payload})
    assert r.status_code == 200 and r.json() == {"valid": False, "reason": reason, "licence": None}


def test_verify_signed_but_unregistered(api: TestClient) -> None:
    lic = submit(api).json()["licence"]
    fields = {k: v for k, v in lic.items() if k != "qr_payload"}
    forged = codec.encode_licence({**fields, "uscc": "92440305MAU207483X"},
                                  api.app.state.keys.private_key)  # type: ignore[attr-defined]
    r = api.post("/v1/licences/verify", json={"qr_payload": forged}).json()
    assert r["valid"] is False and r["reason"] == "not_registered"


def test_reference_data(api: TestClient) -> None:
    doc = api.get("/v1/reference-data").json()
    permits = {i["permit"] for i in doc["scope_items"]}
    assert permits == {"general", "post", "prior"}
    assert {"店", "馆", "部", "行", "厂", "中心"} <= set(doc["organisation_forms"])
    assert not {"企业", "公司", "合作社"} & set(doc["organisation_forms"])
    assert all(i["name_zh"] and i["name_en"] for i in doc["industries"] + doc["divisions"])
    assert {"division_code": "440305", "street": "南山街道南山大道"} in doc["streets"]


def test_heartbeat(api: TestClient) -> None:
    r = api.post("/v1/heartbeat", json={"software_version": "0.1.0"}, headers={"X-Kiosk-Id": "k1"})
    assert r.status_code == 200 and r.json()["reference_data_version"].startswith("2026.1")
    r = api.post("/v1/heartbeat", json={}, headers={"X-Kiosk-Id": "k1"})
    assert r.status_code == 200
    r = api.post("/v1/heartbeat", json={})
    assert r.status_code == 400 and r.json()["code"] == "kiosk_id_missing"


def test_openapi_is_versioned_and_committed(api: TestClient) -> None:
    served = api.get("/openapi.json").json()
    assert served["info"]["version"] == API_VERSION
    committed_path = Path(__file__).parents[2] / "registry_service" / "openapi" / "v1.json"
    committed = json.loads(committed_path.read_text("utf-8"))
    assert served == committed, (
        "API changed: regenerate with `python -m registry_service.openapi_dump` and bump the version"
    )


def test_the_operator_document_kind_travels_and_is_kept_for_review(api: TestClient) -> None:
    """API 1.1: a residence permit is approved like a resident card; a foreign permanent
    resident's application is kept for the person who reviews it, with its document kind; an
    unknown kind is refused by the schema."""
    birth = date(1990, 1, 1)
    hk = submit(api, operator_id_number=samples.resident_id(birth, 151, "810000"), birth=birth,
                operator_id_type="hmt_residence_permit", trade_name="福隆").json()
    assert hk["outcome"] == "approved"
    foreign = submit(api, operator_id_number="USA110085031201", operator_birth_date="1985-03-12",
                     operator_id_type="foreign_permanent_residence", operator_name="SMITH JOHN",
                     trade_name="福顺").json()
    assert foreign["outcome"] == "manual_review" and foreign["reasons"] == ["operator_foreign_review"]
    reg = api.app.state.registry  # type: ignore[attr-defined]
    assert reg.unseal(foreign["application_id"])["operator_id_type"] == "foreign_permanent_residence"
    bad = submit(api, operator_id_type="passport")
    assert bad.status_code == 422
