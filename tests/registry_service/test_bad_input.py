"""Hostile or broken requests: always a 4xx problem document, never a 500."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry_service import samples
from tests.registry_service.svc_helpers import headers


def post_raw(api: TestClient, body: bytes, content_type: str = "application/json",
             path: str = "/v1/applications"):  # type: ignore[no-untyped-def]
    return api.post(path, content=body, headers={**headers(), "Content-Type": content_type})


def assert_problem(r, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    doc = r.json()
    assert doc["code"] == code and doc["status"] == status and doc["type"].endswith(code)


@pytest.mark.parametrize("body", [b"{", b"[1,", b"\xff\xfe", b"nul", b'{"a":1}}'])
def test_malformed_json(api: TestClient, body: bytes) -> None:
    assert_problem(post_raw(api, body), 400, "malformed_json")


@pytest.mark.parametrize(
    "override",
    [
        {"scope_codes": "G0101"},
        {"scope_codes": [1]},
        {"operator_name": 42},
        {"composition": "company"},
        {"division_code": 440305},
        {"division_code": "44030"},
        {"phone": None},
        {"operator_birth_date": "14/03/1985"},
        {"scope_codes": ["G0101"] * 31},
        {"trade_name": "福" * 21},
    ],
)
def test_wrong_types_and_shapes(api: TestClient, override: dict) -> None:
    doc = samples.application(**override)
    r = post_raw(api, json.dumps(doc).encode())
    assert_problem(r, 422, "invalid_request")
    assert "张伟" not in r.text  # rejected input is never echoed back


def test_unknown_field(api: TestClient) -> None:
    r = post_raw(api, json.dumps(samples.application(is_admin=True)).encode())
    assert_problem(r, 422, "invalid_request")
    assert r.json()["errors"] == [{"field": "body.is_admin", "type": "extra_forbidden"}]


def test_missing_field(api: TestClient) -> None:
    doc = samples.application()
    del doc["premises"]
    assert_problem(post_raw(api, json.dumps(doc).encode()), 422, "invalid_request")


@pytest.mark.parametrize(
    "value",
    ["福\x00兴", "福\u200b兴", "福\u202e兴", "福\ue000兴", "福\u2028兴", "福\x1b兴"],
)
def test_invalid_characters(api: TestClient, value: str) -> None:
    r = post_raw(api, json.dumps(samples.application(trade_name=value)).encode())
    assert_problem(r, 422, "invalid_request")


def test_lone_surrogate(api: TestClient) -> None:
    body = json.dumps(samples.application()).replace('"\\u5f20', '"\\ud800').encode()
    assert b"ud800" in body
    assert_problem(post_raw(api, body), 422, "invalid_request")


def test_oversize_body(api: TestClient) -> None:
    big = json.dumps(samples.application(premises="南" * 100_000)).encode()
    assert_problem(post_raw(api, big), 413, "body_too_large")


def test_oversize_body_without_content_length(api: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(100):
            yield b" " * 4096

    r = api.post("/v1/applications", content=chunks(),
                 headers={**headers(), "Content-Type": "application/json"})
    assert_problem(r, 413, "body_too_large")


def test_wrong_media_type(api: TestClient) -> None:
    body = json.dumps(samples.application()).encode()
    assert_problem(post_raw(api, body, "text/plain"), 415, "unsupported_media_type")
    assert_problem(post_raw(api, body, "application/x-www-form-urlencoded"), 415,
                   "unsupported_media_type")


@pytest.mark.parametrize("key", ["short", "has space in it", "ключ-ключ-ключ", "x" * 129])
def test_bad_idempotency_key(api: TestClient, key: str) -> None:
    h = {"X-Kiosk-Id": "k1", "Content-Type": "application/json",
         "Idempotency-Key": key.encode()}  # raw UTF-8 bytes on the wire
    r = api.post("/v1/applications", content=json.dumps(samples.application()), headers=h)
    assert_problem(r, 400, "idempotency_key_missing")


def test_missing_kiosk_id(api: TestClient) -> None:
    r = api.post("/v1/applications", json=samples.application(),
                 headers={"Idempotency-Key": "abcdefgh12"})
    assert_problem(r, 400, "kiosk_id_missing")


def test_unknown_route_and_method(api: TestClient) -> None:
    assert_problem(api.get("/v1/nothing"), 404, "not_found")
    assert_problem(api.delete("/v1/applications"), 405, "method_not_allowed")
    assert_problem(api.get("/v1/licences/lowercase-not-a-code"), 404, "not_found")
    assert_problem(api.get("/v1/licences/verify"), 405, "method_not_allowed")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(list(samples.application())), json_values))
def test_fuzzed_field_values_never_500(api: TestClient, fields: dict) -> None:
    doc = {**samples.application(), **fields}
    r = post_raw(api, json.dumps(doc).encode())
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        assert r.headers["content-type"] == "application/problem+json"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_fuzzed_bytes_never_500(api: TestClient, body: bytes) -> None:
    for path in ("/v1/applications", "/v1/licences/verify", "/v1/heartbeat"):
        r = post_raw(api, body, path=path)
        assert 400 <= r.status_code < 500, r.text


# --- digits outside ASCII: Python's \d, str.isdigit() and Rust's \d all accept some of them --
DIGIT_SCRIPTS = {
    "full-width": "０１２３４５６７８９",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "superscript": "⁰¹²³⁴⁵⁶⁷⁸⁹",
}


def _digits(text: str, script: str) -> str:
    return text.translate(str.maketrans("0123456789", DIGIT_SCRIPTS[script]))


def _decision(api: TestClient, **override: object) -> dict:  # type: ignore[type-arg]
    r = post_raw(api, json.dumps(samples.application(**override)).encode())
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize("script", DIGIT_SCRIPTS)
def test_non_ascii_digits_in_schema_fields_are_422(api: TestClient, script: str) -> None:
    good = samples.application()
    for field in ("operator_birth_date", "division_code", "industry_code", "phone"):
        value = _digits(good[field] or "13800138000", script)
        r = post_raw(api, json.dumps({**good, field: value}).encode())
        assert_problem(r, 422, "invalid_request")
        assert r.json()["errors"][0]["field"] == f"body.{field}"
    r = post_raw(api, json.dumps({**good, "scope_codes": [_digits("G0101", script)]}).encode())
    assert_problem(r, 422, "invalid_request")


@pytest.mark.parametrize("script", DIGIT_SCRIPTS)
def test_non_ascii_digits_in_rule_fields_are_rule_reasons(api: TestClient, script: str) -> None:
    good = samples.application()
    d = _decision(api, operator_id_number=_digits(good["operator_id_number"], script))
    assert d["outcome"] == "rejected" and "id_number_invalid" in d["reasons"]
    d = _decision(api, premises=_digits(good["premises"], script), trade_name="福隆")
    assert d["outcome"] == "rejected" and d["reasons"] == ["premises_house_number_invalid"]
    d = _decision(api, trade_name=_digits("福兴12", script))
    assert d["outcome"] == "rejected" and d["reasons"] == ["name_digits"]


@pytest.mark.parametrize("script", DIGIT_SCRIPTS)
def test_non_ascii_digits_in_headers_are_400(api: TestClient, script: str) -> None:
    body = json.dumps(samples.application())
    key = _digits("key-0123456789", script).encode()  # raw UTF-8 bytes on the wire
    r = api.post("/v1/applications", content=body, headers={
        "X-Kiosk-Id": "k1", "Content-Type": "application/json", "Idempotency-Key": key})
    assert_problem(r, 400, "idempotency_key_missing")
    r = api.post("/v1/applications", content=body, headers={
        "X-Kiosk-Id": _digits("kiosk-01", script).encode(), "Content-Type": "application/json",
        "Idempotency-Key": "abcdefgh12"})
    assert_problem(r, 400, "kiosk_id_missing")


@pytest.mark.parametrize("length", ["²", "١٢", "６４", "-1", "1e3", " 12"])
def test_content_length_that_is_not_ascii_digits(length: str) -> None:
    """The guard reads Content-Length itself; the HTTP parser in front normally refuses these,
    but the guard must not depend on it (superscript 2 is a latin-1 character)."""
    import asyncio

    from registry_service.problems import RequestGuard

    sent: list[dict] = []  # type: ignore[type-arg]

    async def app(_scope, _receive, _send):  # type: ignore[no-untyped-def]
        raise AssertionError("must not reach the app")

    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message)

    scope = {"type": "http", "method": "POST",
             "headers": [(b"content-length", length.encode("utf-8")),
                         (b"content-type", b"application/json")]}
    asyncio.run(RequestGuard(app)(scope, receive, send))
    assert sent[0]["status"] == 400
    assert json.loads(sent[1]["body"])["code"] == "malformed_request"
