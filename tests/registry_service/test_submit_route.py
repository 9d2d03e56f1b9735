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


def _key(n: int, **other: str) -> dict[str, Any]:
    return {**H, "Idempotency-Key": f"eq-key-{n:04d}", **other}


CORPUS: list[tuple[str, bytes, dict[str, Any]]] = [
    ("approved", _body(GOOD), H),
    ("replayed", _body(GOOD), H),
    ("key reused", _body({**GOOD, "phone": "13800138000"}), H),
    ("rejected", _body(samples.application(trade_name="中国福")), _key(2)),
    ("review", _body(samples.application(trade_name="福隆", scope_codes=["R0101"])),
     _key(3)),
    ("malformed", b'{"operator_name": ', _key(4)),
    ("malformed, no key", b'{"operator_name": ', {"Content-Type": "application/json", "X-Kiosk-Id": "k"}),
    ("empty", b"", _key(5)),
    ("array", b"[1, 2]", _key(6)),
    ("null", b"null", _key(7)),
    ("invalid utf-8", b'{"operator_name": "\xff"}', _key(8)),
    ("too deep", b"[" * 5000 + b"]" * 5000, _key(9)),
    ("bom", b"\xef\xbb\xbf" + _body(samples.application(trade_name="福顺")), _key(10)),
    ("utf-16", json.dumps(samples.application(trade_name="福和")).encode("utf-16"), _key(11)),
    ("nan", _body(GOOD).replace(b'"phone": ""', b'"phone": NaN'), _key(12)),
    ("missing field", _body({k: v for k, v in GOOD.items() if k != "premises"}), _key(13)),
    ("wrong types", _body({**GOOD, "operator_name": 42, "scope_codes": "G0101"}), _key(14)),
    ("extra field", _body({**GOOD, "is_admin": True}), _key(15)),
    ("control character", _body({**GOOD, "trade_name": "福\x00兴"}), _key(16)),
    ("lone surrogate", _body(GOOD).replace("张".encode(), b"\\ud800"), _key(17)),
    ("full-width digits", _body({**GOOD, "division_code": "４４０３０５"}), _key(18)),
    ("no key", _body(GOOD), {"Content-Type": "application/json", "X-Kiosk-Id": "k"}),
    ("short key", _body(GOOD), {**H, "Idempotency-Key": "short"}),
    ("no kiosk", _body(GOOD), {"Content-Type": "application/json", "Idempotency-Key": "eq-key-0019"}),
    ("no key, no kiosk, bad body", _body({**GOOD, "phone": 1}), {"Content-Type": "application/json"}),
    ("bad kiosk", _body(GOOD), _key(20, **{"X-Kiosk-Id": "kiosk 01"})),
    ("oversize", _body({**GOOD, "premises": "南" * 30000}), _key(21)),
    ("media type", _body(GOOD), _key(22, **{"Content-Type": "text/plain"})),
    ("json subtype", _body(samples.application(trade_name="福泰")),
     _key(23, **{"Content-Type": "application/x+json"})),
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
