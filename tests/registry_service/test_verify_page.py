"""The public verification page (GET /verify/{uscc}), served by the real app over loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import update

from licence_wire import credit_code
from registry_service import embedded, samples, verify_page
from registry_service.orm import LicenceRow
from tests.registry_service.svc_helpers import headers, settings_for


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[embedded.EmbeddedService]:
    service = embedded.start("", tmp_path / "keys", settings=settings_for(tmp_path))
    try:
        yield service
    finally:
        service.stop()


def _get(svc: embedded.EmbeddedService, path: str) -> requests.Response:
    with requests.Session() as s:
        s.trust_env = False
        return s.get(svc.url + path, timeout=10)


def _approved(svc: embedded.EmbeddedService) -> dict[str, str]:
    with requests.Session() as s:
        s.trust_env = False
        r = s.post(svc.url + "/v1/applications", json=samples.application(), headers=headers(), timeout=10)
    assert r.status_code == 201 and r.json()["outcome"] == "approved", r.text
    return r.json()["licence"]


def test_a_licence_shows_its_public_record_in_both_languages_and_nothing_personal(
        svc: embedded.EmbeddedService) -> None:
    lic = _approved(svc)
    r = _get(svc, f"/verify/{lic['uscc']}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    page = r.text
    for value in (lic["uscc"], lic["name"], lic["operator"], lic["authority"], lic["registration_date"],
                  "统一社会信用代码", "Unified Social Credit Code", "存续", "Active"):
        assert value in page, value
    sample = samples.application()
    for private in (sample["operator_id_number"], lic["premises"], sample["operator_birth_date"]):
        assert private not in page, "the public page shows only what a public licence register shows"


def test_a_revoked_licence_says_so(svc: embedded.EmbeddedService) -> None:
    lic = _approved(svc)
    engine = svc._server.config.app.state.engine
    with engine.begin() as c:
        c.execute(update(LicenceRow).where(LicenceRow.uscc == lic["uscc"]).values(status="revoked"))
    page = _get(svc, f"/verify/{lic['uscc']}").text
    assert "已吊销" in page and "Revoked" in page and "存续" not in page


@pytest.mark.parametrize("code", [
    "92440305MA00000000",  # well-formed alphabet, wrong check character
    "914403001922038216",  # a valid code nobody registered here
    "<img src=x onerror=alert(1)>",
    "x" * 300,
])
def test_an_unknown_or_malformed_code_is_a_404_page_that_echoes_it_escaped(
        svc: embedded.EmbeddedService, code: str) -> None:
    r = _get(svc, "/verify/" + requests.utils.quote(code, safe=""))
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "未找到" in r.text and "not found" in r.text
    assert "<img" not in r.text
    assert verify_page.escape(code[:64]) in r.text


def test_the_page_escapes_every_value() -> None:
    hostile = '<img src=x onerror="alert(1)">&'
    page = verify_page.licence_page({"uscc": "914403001922038216", "name": hostile, "entity_type": "个体工商户",
                                     "operator": hostile, "registration_date": "2026-06-01",
                                     "authority": hostile, "status": "active"})
    assert "<img" not in page and page.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;") == 3


def test_the_page_is_not_in_the_api_document(svc: embedded.EmbeddedService) -> None:
    assert credit_code.is_valid("914403001922038216")
    doc = _get(svc, "/openapi.json").json()
    assert not any(path.startswith("/verify") for path in doc["paths"])
