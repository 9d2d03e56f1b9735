"""GET /v1/names/check on a real server on loopback: every reason code's refused and accepted
case as the kiosk meets it, names registered earlier, bounded input, and the submission deciding
by the same rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from registry_service import embedded, samples
from registry_service.app import ServiceSettings
from registry_service.naming import REASONS
from tests.registry_service.svc_helpers import UNLIMITED, headers

WEIHAI = "371002"  # 威海市环翠区
SHENZHEN = "440305"  # 深圳市南山区, where the sample application registers
BASE = {"division_code": WEIHAI, "trade_name": "老王", "industry_term": "拉面", "organisation_form": "馆"}

# code -> (query that raises it, the same query made acceptable)
CASES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "division_unknown": ({"division_code": "999999"}, {"division_code": "371002001"}),
    "name_too_short": ({"trade_name": "王"}, {"trade_name": "王记"}),
    "name_too_long": ({"trade_name": "一二三四五六七八九十一"}, {"trade_name": "一二三四五六七八九十"}),
    "name_latin_letters": ({"trade_name": "老王ABC"}, {"trade_name": "老王阿贝"}),
    "name_digits": ({"trade_name": "老王8"}, {"trade_name": "老王八"}),
    "name_punctuation": ({"trade_name": "老王·记"}, {"trade_name": "老王记"}),
    "name_traditional_character": ({"trade_name": "張記"}, {"trade_name": "张记"}),
    "name_variant_character": ({"trade_name": "峯山"}, {"trade_name": "峰山"}),
    "name_nonstandard_character": ({"trade_name": "老王\U00020000"}, {"trade_name": "老王"}),
    "name_forbidden_word": ({"trade_name": "老王中国"}, {"trade_name": "老王中和"}),
    "name_official_body": ({"trade_name": "人民政府"}, {"trade_name": "人民"}),
    "name_prohibited_content": ({"trade_name": "博彩"}, {"trade_name": "博文"}),
    "name_foreign_state": ({"trade_name": "美国"}, {"trade_name": "美食"}),
    "name_misleading_word": ({"trade_name": "特供"}, {"trade_name": "特色"}),
    "name_place_name": ({"trade_name": "威海"}, {"trade_name": "海韵"}),
    "industry_term_missing": ({"industry_term": ""}, {"industry_term": "面食"}),
    "industry_term_too_long": ({"industry_term": "家常手工拉面条"}, {"industry_term": "家常手工拉面"}),
    "industry_term_unrelated": ({"industry_term": "服装", "industry_code": "H6291"},
                                {"industry_term": "小吃", "industry_code": "H6291"}),
    "organisation_form_missing": ({"organisation_form": ""}, {"organisation_form": "店"}),
    "organisation_form_not_allowed": ({"organisation_form": "公司"}, {"organisation_form": "铺"}),
}
# found only against the names registered before: a licence for 福兴 (sample application)
REGISTERED = {
    "name_taken": ({"trade_name": "福兴"}, {"trade_name": "福旺"}),
    "name_homophone": ({"trade_name": "福星"}, {"trade_name": "福旺"}),
    "name_similar": ({"trade_name": "福兴记"}, {"trade_name": "福旺记"}),
}
AT_SHENZHEN = {"division_code": SHENZHEN, "industry_term": "餐饮", "organisation_form": "店",
               "industry_code": "H6210"}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    d = tmp_path_factory.mktemp("names")
    settings = ServiceSettings(f"sqlite:///{d / 'reg.db'}", d / "keys", rate_limits=UNLIMITED,
                               recent_application_hours=0, purge_interval_s=0)
    with embedded.start("", d / "keys", settings=settings) as svc:
        r = requests.post(svc.url + "/v1/applications", json=samples.application(), headers=headers(), timeout=10)
        assert r.status_code == 201 and r.json()["outcome"] == "approved", r.text
        yield svc.url


def check(url: str, **params: str) -> requests.Response:
    return requests.get(url + "/v1/names/check", params=params, timeout=10)


def body(url: str, **params: str) -> dict[str, Any]:
    r = check(url, **params)
    assert r.status_code == 200, r.text
    return r.json()


def test_every_reason_code_has_a_case() -> None:
    assert set(CASES) | set(REGISTERED) == set(REASONS)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_rule_refuses_and_accepts(url: str, code: str) -> None:
    bad, good = CASES[code]
    found = body(url, **{**BASE, **bad})
    assert code in [f["code"] for f in found["findings"]], found
    finding = next(f for f in found["findings"] if f["code"] == code)
    assert finding["severity"] == REASONS[code].severity
    assert (finding["zh"], finding["en"]) == (REASONS[code].zh, REASONS[code].en)
    expected = {"reject": "reject", "review": "review", "warn": "ok"}[REASONS[code].severity]
    assert found["outcome"] == expected or (expected != "reject" and found["outcome"] == "reject")
    fixed = body(url, **{**BASE, **good})
    assert fixed["findings"] == [] and fixed["outcome"] == "ok", fixed


@pytest.mark.parametrize("code", sorted(REGISTERED))
def test_names_registered_in_the_industry_at_the_authority(url: str, code: str) -> None:
    bad, good = REGISTERED[code]
    found = body(url, **{**AT_SHENZHEN, **bad})
    assert [(f["code"], f["suggestion"]) for f in found["findings"]] == [(code, "福兴")]
    assert body(url, **{**AT_SHENZHEN, **good})["findings"] == []
    # another industry, or the same industry at another authority, has its own names
    assert body(url, **{**AT_SHENZHEN, **bad, "industry_code": "F5211", "industry_term": "百货"})["findings"] == []
    assert body(url, **{**AT_SHENZHEN, **bad, "division_code": "440304"})["findings"] == []


def test_the_whole_name_is_previewed(url: str) -> None:
    assert body(url, **BASE)["full_name"] == "威海市环翠区老王拉面馆"
    assert body(url, **AT_SHENZHEN, trade_name="老王")["full_name"] == "深圳市南山区老王餐饮店"
    assert body(url, **{**BASE, "division_code": "999999"})["full_name"] == ""


@pytest.mark.parametrize(("params", "field"), [
    ({**BASE, "trade_name": ""}, "query.trade_name"),
    ({**BASE, "trade_name": "老" * 21}, "query.trade_name"),
    ({**BASE, "industry_term": "面" * 11}, "query.industry_term"),
    ({**BASE, "organisation_form": "店" * 9}, "query.organisation_form"),
    ({**BASE, "division_code": "37100"}, "query.division_code"),
    ({**BASE, "division_code": "３７１００２"}, "query.division_code"),
    ({**BASE, "industry_code": "h6291"}, "query.industry_code"),
    ({**BASE, "trade_name": "老王\u202e"}, "query.trade_name"),
    ({**BASE, "trade_name": "老王\x00"}, "query.trade_name"),
    ({**BASE, "colour": "red"}, "query.colour"),
    ({k: v for k, v in BASE.items() if k != "division_code"}, "query.division_code"),
])
def test_bad_input_is_a_problem_in_plain_ascii(url: str, params: dict[str, str], field: str) -> None:
    r = check(url, **params)
    assert r.status_code == 422 and r.headers["Content-Type"] == "application/problem+json"
    assert r.content.isascii()  # the refused value is never echoed
    doc = r.json()
    assert doc["code"] == "invalid_request" and field in [e["field"] for e in doc["errors"]]


def test_repeating_the_question_gives_the_same_answer(url: str) -> None:
    first = check(url, **{**BASE, "trade_name": "美国麵"})
    assert first.status_code == 200 and check(url, **{**BASE, "trade_name": "美国麵"}).content == first.content


def test_the_submission_decides_by_the_same_rules(url: str) -> None:
    """What the endpoint refuses, the submission refuses with the same code; what it sends to
    review, the submission sends to review; what it only warns about is approved."""
    for trade, outcome, code in (("張記", "rejected", "name_traditional_character"),
                                 ("福兴", "rejected", "name_taken"),
                                 ("深圳", "manual_review", "name_place_name"),
                                 ("福星", "approved", None)):
        shown = body(url, **AT_SHENZHEN, trade_name=trade)["findings"]
        r = requests.post(url + "/v1/applications", json=samples.application(trade_name=trade),
                          headers=headers(), timeout=10)
        decision = r.json()
        assert decision["outcome"] == outcome, (trade, decision)
        if code is not None:
            assert code in [f["code"] for f in shown] and code in decision["reasons"]
        else:
            assert [f["severity"] for f in shown] == ["warn"] and not set(decision["reasons"]) & set(REASONS)


def test_documented_in_the_openapi_document(url: str) -> None:
    doc = requests.get(url + "/openapi.json", timeout=10).json()
    op = doc["paths"]["/v1/names/check"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"division_code", "trade_name", "industry_term",
                                                     "organisation_form", "industry_code"}
    assert "422" in op["responses"] and doc["info"]["version"] >= "1.1.0"

