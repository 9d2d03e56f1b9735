"""Every name rule: a case it accepts and a case it refuses, against the shipped reference data."""

from __future__ import annotations

import pytest

from registry_service.naming import REASONS, NameCheck, NameParts, checker
from registry_service.naming.engine import NameChecker
from registry_service.naming.places import stems
from registry_service.refdata import packaged

WEIHAI = "371002"  # 威海市环翠区


def check(trade: str = "老王", term: str = "拉面", form: str = "馆", division: str = WEIHAI,
          industry: str = "", registered: tuple[str, ...] | None = None) -> NameCheck:
    c = checker()
    reg = c.registered(registered) if registered is not None else None
    return c.check(NameParts(division, trade, term, form, industry), reg)


def codes(result: NameCheck) -> list[str]:
    return result.codes()


def test_a_good_name_is_previewed_whole_and_passes() -> None:
    result = check(registered=("福兴", "李家"), industry="H6291")
    assert result.full_name == "威海市环翠区老王拉面馆"
    assert result.findings == () and result.outcome == "ok"


@pytest.mark.parametrize(("division", "prefix"), [("110105", "北京市朝阳区"), ("371002001", "威海市环翠区"),
                                                  ("441900", "东莞市"), ("419001", "济源市")])
def test_division_segment(division: str, prefix: str) -> None:
    assert check(division=division).full_name == prefix + "老王拉面馆"


@pytest.mark.parametrize("division", ["999999", "", "810000", "710000"])  # unknown, empty, HK, Taiwan
def test_division_unknown(division: str) -> None:
    result = check(division=division)
    assert codes(result) == ["division_unknown"] and result.outcome == "reject" and result.full_name == ""


@pytest.mark.parametrize(("trade", "code"), [("王", "name_too_short"), ("一二三四五六七八九十一", "name_too_long")])
def test_length(trade: str, code: str) -> None:
    assert codes(check(trade)) == [code]
    assert codes(check("老王")) == [] and codes(check("一二三四五六七八九十")) == []


@pytest.mark.parametrize(("trade", "code", "char", "suggestion"), [
    ("老王ABC", "name_latin_letters", "A", ""),
    ("laowang", "name_latin_letters", "l", ""),
    ("老王８号", "name_digits", "８", ""),
    ("老王1", "name_digits", "1", ""),
    ("老王·记", "name_punctuation", "·", ""),
    ("老 王", "name_punctuation", " ", ""),
    ("麵館", "name_traditional_character", "麵", "面"),
    ("張記", "name_traditional_character", "張", "张"),
    ("峯山", "name_variant_character", "峯", "峰"),
    ("老王\U00020000", "name_nonstandard_character", "\U00020000", ""),
])
def test_characters(trade: str, code: str, char: str, suggestion: str) -> None:
    result = check(trade)
    first = next(f for f in result.findings if f.code == code)
    assert (first.text, first.suggestion, first.part, result.outcome) == (char, suggestion, "trade_name", "reject")


def test_characters_accepted_include_all_three_levels_of_the_table() -> None:
    ref = packaged()
    level3 = ref.hanzi.standard[7000]
    assert ref.hanzi.level(level3) == 3
    assert codes(check("老" + level3)) == []
    assert codes(check("一二三")) == []  # numbers written in characters are fine


def test_characters_of_the_industry_term_are_checked_too() -> None:
    result = check(term="麵食")
    assert [(f.code, f.part, f.suggestion) for f in result.findings] == [
        ("name_traditional_character", "industry_term", "面")]


@pytest.mark.parametrize("word", ["中国", "中华", "全国", "国家", "国际", "中央"])
def test_forbidden_words(word: str) -> None:
    assert codes(check("老王" + word)) == ["name_forbidden_word"]
    assert check("老王" + word).outcome == "reject"


def test_forbidden_words_accepted_neighbours() -> None:
    assert codes(check("中和")) == [] and codes(check("国平")) == []


@pytest.mark.parametrize(("trade", "code", "outcome"), [
    ("人民政府", "name_official_body", "reject"),
    ("解放军", "name_official_body", "reject"),
    ("公安", "name_official_body", "reject"),
    ("博彩", "name_prohibited_content", "reject"),
    ("色情", "name_prohibited_content", "reject"),
    ("特供", "name_misleading_word", "review"),
    ("驰名", "name_misleading_word", "review"),
    ("美国", "name_foreign_state", "review"),
    ("联合国", "name_foreign_state", "review"),
])
def test_content_rules(trade: str, code: str, outcome: str) -> None:
    result = check(trade)
    assert code in codes(result) and result.outcome == outcome


@pytest.mark.parametrize("trade", ["安民", "政通", "美食", "国风"])
def test_content_rules_accept_ordinary_words(trade: str) -> None:
    assert codes(check(trade)) == []


@pytest.mark.parametrize("form", ["店", "馆", "部", "行", "厂", "中心", "坊", "社", "室", "铺"])
def test_organisation_forms_allowed(form: str) -> None:
    assert codes(check(form=form)) == []


@pytest.mark.parametrize("form", ["公司", "企业", "合作社", "有限公司", "集团", "吧"])
def test_organisation_forms_refused(form: str) -> None:
    assert "organisation_form_not_allowed" in codes(check(form=form))


def test_organisation_form_missing_and_legal_form_words_inside_the_name() -> None:
    assert codes(check(form="")) == ["organisation_form_missing"]
    hidden = check("王氏公司")
    assert [(f.code, f.part, f.text) for f in hidden.findings] == [("organisation_form_not_allowed", "name", "公司")]


def test_industry_term_of_one_to_six_characters() -> None:
    assert codes(check(term="面")) == [] and codes(check(term="家常手工拉面")) == []
    assert codes(check(term="家常手工拉面条")) == ["industry_term_too_long"]


def test_industry_term_missing_and_unrelated() -> None:
    assert codes(check(term="")) == ["industry_term_missing"]
    assert codes(check(term="服装", industry="H6291")) == ["industry_term_unrelated"]
    unrelated = check(term="服装", industry="H6291")
    assert unrelated.outcome == "ok"  # a warning does not stop the registration
    for term, industry in (("拉面", "H6291"), ("小吃", "H6291"), ("服装", "F5232"), ("便利", "F5213"),
                           ("理发", "O8040"), ("餐饮", "H6210")):
        assert codes(check(term=term, industry=industry)) == [], (term, industry)


@pytest.mark.parametrize(("trade", "place"), [
    ("威海", "威海市"), ("环翠", "环翠区"), ("朝阳", "朝阳区"), ("北京", "北京市"), ("新疆", "新疆维吾尔自治区"),
    ("延边", "延边朝鲜族自治州"), ("老北京市", "北京市"),
])
def test_place_names_as_trade_name_go_to_review(trade: str, place: str) -> None:
    result = check(trade)
    finding = next(f for f in result.findings if f.code == "name_place_name")
    assert result.outcome == "review"
    assert finding.text == place or place in stems(finding.text)


@pytest.mark.parametrize("trade", ["老王", "福兴", "阳光", "海韵", "金山银山"])
def test_ordinary_trade_names_are_not_place_names(trade: str) -> None:
    assert "name_place_name" not in codes(check(trade))


def test_place_stems() -> None:
    assert stems("环翠区") == {"环翠区", "环翠"}
    assert stems("恩施土家族苗族自治州") == {"恩施土家族苗族自治州", "恩施"}
    assert stems("内蒙古自治区") == {"内蒙古自治区", "内蒙古"}
    assert stems("东区") == {"东区"}  # no one-character stem


def test_taken_similar_and_homophone() -> None:
    registered = ("老王", "张三丰", "李家")
    assert codes(check("老王", registered=registered)) == ["name_taken"]
    assert check("老王", registered=registered).outcome == "reject"
    homophone = check("老汪", registered=registered)
    assert [(f.code, f.suggestion, f.severity) for f in homophone.findings] == [("name_homophone", "老王", "warn")]
    assert codes(check("里家", registered=registered)) == ["name_homophone"]
    assert codes(check("张三风", registered=registered)) == ["name_homophone"]
    similar = check("张三峰", registered=registered)
    assert "name_homophone" in codes(similar) or "name_similar" in codes(similar)
    assert codes(check("张三丰记", registered=registered)) == ["name_similar"]
    assert codes(check("老王记", registered=registered)) == ["name_similar"]


def test_names_that_are_not_alike_pass() -> None:
    registered = ("老王", "张三丰", "李家")
    for trade in ("老李", "福兴", "王五", "丰收"):
        assert codes(check(trade, registered=registered)) == [], trade


def test_a_compatibility_ideograph_is_a_variant_and_compared_in_its_standard_form() -> None:
    # U+F9A3 looks like 念 and folds to it under NFKC, the form name_key compares
    result = check("老\uf9a3", registered=("老念",))
    assert [(f.code, f.suggestion) for f in result.findings] == [
        ("name_variant_character", "念"), ("name_taken", "老念")]
    assert codes(check("老念", registered=("老王",))) == []


def test_every_code_the_engine_emits_has_texts_and_a_basis() -> None:
    for code, reason in REASONS.items():
        assert reason.severity in ("reject", "review", "warn"), code
        assert reason.zh and reason.en and reason.basis, code


def test_findings_are_ordered_reject_review_warn() -> None:
    result = check("美国麵", registered=("美国面",))
    severities = [f.severity for f in result.findings]
    assert severities == sorted(severities, key=("reject", "review", "warn").index)


def test_a_custom_maximum_length() -> None:
    short = NameChecker(packaged(), trade_name_max=4)
    assert short.check(NameParts(WEIHAI, "一二三四五", "拉面", "馆")).codes() == ["name_too_long"]


def test_response_body() -> None:
    body = check("麵館").as_dict()
    assert body["full_name"] == "威海市环翠区麵館拉面馆" and body["outcome"] == "reject"
    assert body["findings"][0] == {
        "code": "name_traditional_character", "severity": "reject", "part": "trade_name", "text": "麵",
        "suggestion": "面", "zh": REASONS["name_traditional_character"].zh,
        "en": REASONS["name_traditional_character"].en}


def test_codes_shared_with_the_service_rules_have_one_wording() -> None:
    from registry_service.reasons import REASONS as SERVICE

    shared = set(SERVICE) & set(REASONS)
    assert shared >= {"name_too_short", "name_too_long", "name_forbidden_word", "organisation_form_not_allowed",
                      "name_taken", "division_unknown"}
    for code in shared:
        assert (REASONS[code].zh, REASONS[code].en) == SERVICE[code], code


def test_place_names_with_another_meaning_can_be_exempted_by_the_authority() -> None:
    assert "name_place_name" in codes(check("平安"))  # 平安区, Haidong
    lenient = NameChecker(packaged(), place_name_exemptions=frozenset({"平安"}))
    assert lenient.check(NameParts(WEIHAI, "平安", "拉面", "馆")).codes() == []
    assert lenient.check(NameParts(WEIHAI, "威海", "拉面", "馆")).codes() == ["name_place_name"]
