"""The lean submission endpoint answers exactly as the FastAPI route it stands in for: the same
corpus of good and broken requests through both, compared status, headers and body."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from registry_service import samples
from registry_service.app import create_app
from tests.registry_service.svc_helpers import settings_for

GOOD = samples.application()
H = {"Content-Type": "application/json", "X-Kiosk-Id": "kiosk-eq", "Idempotency-Key": "eq-key-0001"}


def _body(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


CORPUS: list[tuple[str, bytes, dict[str, Any]]] = [
    ("approved", _body(GOOD), H),
    ("replayed", _body(GOOD), H),
    ("key reused", _body({**GOOD, "phone": "13800138000"}), H),
    ("rejected", _body(samples.application(trade_name="中国福")), {**H, "Idempotency-Key": "eq-key-0002"}),
    ("review", _body(samples.application(trade_name="福隆", scope_codes=["R0101"])), {**H, "Idempotency-Key": "eq-key-0003"}),
    ("malformed", b'{"operator_name": ', {**H, "Idempotency-Key": "eq-key-0004"}),
    ("malformed, no key", b'{"operator_name": ', {"Content-Type": "application/json", "X-Kiosk-Id": "k"}),
    ("empty", b"", {**H, "Idempotency-Key": "eq-key-0005"}),
    ("array", b"[1, 2]", {**H, "Idempotency-Key": "eq-key-0006"}),
    ("null", b"null", {**H, "Idempotency-Key": "eq-key-0007"}),
    ("invalid utf-8", b'{"operator_name": "\xff"}', {**H, "Idempotency-Key": "eq-key-0008"}),
    ("too deep", b"[" * 5000 + b"]" * 5000, {**H, "Idempotency-Key": "eq-key-0009"}),
    ("bom", b"\xef\xbb\xbf" + _body(samples.application(trade_name="福顺")), {**H, "Idempotency-Key": "eq-key-0010"}),
    ("utf-16", json.dumps(samples.application(trade_name="福和")).encode("utf-16"), {**H, "Idempotency-Key": "eq-key-0011"}),
    ("nan", _body(GOOD).replace(b'"phone": ""', b'"phone": NaN'), {**H, "Idempotency-Key": "eq-key-0012"}),
    ("missing field", _body({k: v for k, v in GOOD.items() if k != "premises"}), {**H, "Idempotency-Key": "eq-key-0013"}),
    ("wrong types", _body({**GOOD, "operator_name": 42, "scope_codes": "G0101"}), {**H, "Idempotency-Key": "eq-key-0014"}),
    ("extra field", _body({**GOOD, "is_admin": True}), {**H, "Idempotency-Key": "eq-key-0015"}),
    ("control character", _body({**GOOD, "trade_name": "福\x00兴"}), {**H, "Idempotency-Key": "eq-key-0016"}),
    ("lone surrogate", _body(GOOD).replace("张".encode(), b"\\ud800"), {**H, "Idempotency-Key": "eq-key-0017"}),
    ("full-width digits", _body({**GOOD, "division_code": "４４０３０５"}), {**H, "Idempotency-Key": "eq-key-0018"}),
    ("no key", _body(GOOD), {"Content-Type": "application/json", "X-Kiosk-Id": "k"}),
    ("short key", _body(GOOD), {**H, "Idempotency-Key": "short"}),
    ("no kiosk", _body(GOOD), {"Content-Type": "application/json", "Idempotency-Key": "eq-key-0019"}),
    ("no key, no kiosk, bad body", _body({**GOOD, "phone": 1}), {"Content-Type": "application/json"}),
    ("bad kiosk", _body(GOOD), {**H, "X-Kiosk-Id": "kiosk 01", "Idempotency-Key": "eq-key-0020"}),
    ("oversize", _body({**GOOD, "premises": "南" * 30000}), {**H, "Idempotency-Key": "eq-key-0021"}),
    ("media type", _body(GOOD), {**H, "Content-Type": "text/plain", "Idempotency-Key": "eq-key-0022"}),
    ("json subtype", _body(samples.application(trade_name="福泰")), {**H, "Content-Type": "application/x+json", "Idempotency-Key": "eq-key-0023"}),
]


@pytest.fixture
def clients(tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    # one authority key for both, so that their licences and signatures are the same bytes
    lean = create_app(settings_for(tmp_path, database_url=f"sqlite:///{tmp_path / 'lean.db'}"))
    routed = create_app(settings_for(tmp_path, database_url=f"sqlite:///{tmp_path / 'routed.db'}"))

    async def through_fastapi(scope: Any, receive: Any, send: Any) -> None:
        await FastAPI.__call__(routed, scope, receive, send)  # past RegistryApp's lean path

    with TestClient(lean, raise_server_exceptions=False) as a, \
            TestClient(through_fastapi, raise_server_exceptions=False) as b:
        yield a, b
    for app in (lean, routed):
        app.state.engine.dispose()


def _comparable(r: Any) -> tuple[int, dict[str, str], Any]:
    headers = {k: v for k, v in r.headers.items() if k in ("content-type", "idempotent-replayed",
                                                             "retry-after", "content-length")}
    doc = r.json() if r.content else None
    if isinstance(doc, dict):  # random per application, and what it signs differs with it
        for field in ("application_id", "signature"):
            doc.pop(field, None)
        headers.pop("content-length", None)
    return r.status_code, headers, doc


def test_the_lean_path_answers_as_the_fastapi_route(clients: tuple[TestClient, TestClient]) -> None:
    lean, routed = clients
    for name, body, headers in CORPUS:
        a = lean.post("/v1/applications", content=body, headers=headers)
        b = routed.post("/v1/applications", content=body, headers=headers)
        assert _comparable(a) == _comparable(b), name
    # and the corpus covers every kind of answer
    statuses = {lean.post("/v1/applications", content=body, headers=h).status_code
                for _, body, h in CORPUS}
    assert {201, 400, 413, 415, 422} <= statuses


def test_submissions_do_not_go_through_fastapi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(settings_for(tmp_path))
    fastapi_call = FastAPI.__call__

    async def routed(self: FastAPI, scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] != "http", "submission went through FastAPI's routing"
        await fastapi_call(self, scope, receive, send)  # the lifespan

    monkeypatch.setattr(FastAPI, "__call__", routed)
    with TestClient(app) as client:
        assert client.post("/v1/applications", json=GOOD, headers=H).status_code == 201
    app.state.engine.dispose()
