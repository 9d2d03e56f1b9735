"""HttpRegistrationClient.check_name: the real service's answer as typed records, one quick
attempt whatever goes wrong, and no request for parts the service would refuse."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from drivers.errors import NameQueryInvalid, ServiceProtocolError, ServiceRateLimited, ServiceUnreachable
from drivers.registry.http_client import HttpRegistrationClient
from drivers.registry.models import NameFinding, NameQuery
from drivers.registry.wire import FINDINGS_MAX
from registry_service.embedded import EmbeddedService
from tests.drivers.registry.fault_server import FaultServer

LAOWANG = NameQuery("371002", "老王", "拉面", "馆", "H6291")


@pytest.fixture(scope="module", autouse=True)
def name_rules_loaded() -> None:
    """The in-process service loads its name rules a few seconds after it starts; a check before
    that loads them itself, slower than this module's short deadlines on a busy machine."""
    from registry_service.naming import checker

    checker()


def client(url: str, key_path: Path, **kw: Any) -> HttpRegistrationClient:
    kw.setdefault("sleep", lambda _s: None)
    return HttpRegistrationClient(url, "kiosk-test-01", key_path, **kw)


def test_the_whole_name_and_its_findings(service: EmbeddedService, key_path: Path) -> None:
    c = client(service.url, key_path)
    ok = c.check_name(LAOWANG)
    assert (ok.full_name, ok.outcome, ok.findings) == ("威海市环翠区老王拉面馆", "ok", ())
    bad = c.check_name(NameQuery("371002", "張記", "拉面", "公司"))
    assert bad.outcome == "reject"
    assert NameFinding("name_traditional_character", "reject", "trade_name", "張", "张") in bad.findings
    assert "organisation_form_not_allowed" in [f.code for f in bad.findings]
    assert c.check_name(NameQuery("371002", "威海", "拉面", "馆")).outcome == "review"


@pytest.mark.parametrize("query", [
    NameQuery("371002", ""), NameQuery("371002", "老" * 21), NameQuery("37100", "老王"),
    NameQuery("３７１００２", "老王"), NameQuery("371002", "老王", industry_term="面" * 11),
    NameQuery("371002", "老王", organisation_form="店" * 9), NameQuery("371002", "老王", industry_code="h62"),
])
def test_parts_the_service_would_refuse_are_not_sent(faults: FaultServer, key_path: Path, query: NameQuery) -> None:
    faults.script = ["proxy"]
    with pytest.raises(NameQueryInvalid) as err:
        client(faults.url, key_path).check_name(query)
    assert err.value.code == "name_query_invalid" and err.value.fault is False
    assert faults.requests == []


def test_one_attempt_bounded_by_its_own_deadline(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["hang"]
    c = client(faults.url, key_path, read_timeout=10, deadline_s=30, name_check_deadline_s=0.5)
    start = time.monotonic()
    with pytest.raises(ServiceUnreachable):
        c.check_name(LAOWANG)
    assert time.monotonic() - start < 3 and len(faults.requests) == 1


@pytest.mark.parametrize(("action", "error"), [("status:503", ServiceUnreachable), ("garbage", ServiceProtocolError),
                                               ("html", ServiceProtocolError),
                                               (("status", 429, {"Retry-After": "1"}), ServiceRateLimited)])
def test_failures_are_typed_and_never_retried(faults: FaultServer, key_path: Path, action: object,
                                              error: type[Exception]) -> None:
    faults.script = [action]
    with pytest.raises(error):
        client(faults.url, key_path).check_name(LAOWANG)
    assert len(faults.requests) == 1


@pytest.mark.parametrize("tamper", [
    lambda d: {**d, "outcome": "approved"},
    lambda d: {**d, "findings": "none"},
    lambda d: {**d, "findings": [{"code": "name_taken", "severity": "fatal", "part": "trade_name",
                                  "text": "", "suggestion": ""}]},
    lambda d: {**d, "findings": [{"code": "NAME TAKEN", "severity": "reject", "part": "trade_name",
                                  "text": "", "suggestion": ""}]},
    lambda d: {**d, "findings": [{"code": "name_taken", "severity": "reject", "part": "trade_name",
                                  "text": "x" * 65, "suggestion": ""}]},
    lambda d: {**d, "findings": [{"code": "name_taken", "severity": "reject", "part": "trade_name",
                                  "text": "", "suggestion": ""}] * (FINDINGS_MAX + 1)},
    lambda d: {**d, "full_name": 7},
])
def test_malformed_answers_are_protocol_errors(faults: FaultServer, key_path: Path, tamper: Any) -> None:
    faults.script = [("tamper", tamper)]
    with pytest.raises(ServiceProtocolError):
        client(faults.url, key_path).check_name(LAOWANG)


def test_query_goes_as_parameters(faults: FaultServer, key_path: Path) -> None:
    faults.script = ["proxy"]
    client(faults.url, key_path).check_name(NameQuery("371002", "老王", "拉面", "馆"))
    path = faults.requests[0]["path"]
    assert path.startswith("/v1/names/check?") and "industry_code" not in path
    assert faults.requests[0]["method"] == "GET"
