"""Every instant-approval rule: one accept and at least one reject case each."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from licence_wire import resident_id
from registry_service import samples
from registry_service.reference import catalogue
from registry_service.rules import APPROVED, MANUAL_REVIEW, REJECTED, age_on, assess

TODAY = date(2026, 6, 1)


def run(taken: set[str] | None = None, **overrides: Any):  # type: ignore[no-untyped-def]
    doc = samples.application(**overrides)
    doc.pop("phone")
    return assess(**doc, cat=catalogue(), today=TODAY,
                  is_taken=lambda n: n in (taken or set()))


def test_baseline_application_is_approved_with_post_permit_notice() -> None:
    a = run()
    assert a.outcome == APPROVED
    assert a.reasons == ["scope_post_permit"]
    assert a.name == "深圳市南山区福兴餐饮店"
    assert a.authority == "深圳市南山区市场监督管理局"
    assert a.premises == "深圳市南山区南山街道南山大道1001号"
    assert a.composition == "个人经营"
    assert a.scope_text.startswith("一般项目：日用百货销售。许可项目：餐饮服务（依法须经批准")


@pytest.mark.parametrize(
    ("birth", "outcome", "reason"),
    [
        (date(2008, 6, 1), APPROVED, None),  # 18 today
        (date(2008, 6, 2), MANUAL_REVIEW, "operator_minor_review"),  # 18 tomorrow
        (date(2010, 6, 1), MANUAL_REVIEW, "operator_minor_review"),  # 16 today
        (date(2010, 6, 2), REJECTED, "operator_underage"),  # 15
    ],
)
def test_age_rule(birth: date, outcome: str, reason: str | None) -> None:
    a = run(birth=birth)
    assert a.outcome == outcome
    if reason:
        assert reason in a.reasons
    else:
        assert not {"operator_minor_review", "operator_underage"} & set(a.reasons)


def test_age_on_leap_day() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_id_check_character_rejected() -> None:
    good = samples.resident_id(date(1985, 3, 14))
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert run(operator_id_number=bad).reasons[0] == "id_number_invalid"
    assert run(operator_id_number=bad).outcome == REJECTED
    assert "id_number_invalid" in run(operator_id_number="44030519850314").reasons
    # valid check character but impossible date (Feb 30)
    first17 = "44030519850230123"
    assert "id_number_invalid" in run(
        operator_id_number=first17 + resident_id.check_char(first17)).reasons


def test_id_number_only_in_its_canonical_spelling() -> None:
    """x for X is folded by the kiosk at the wire; the API refuses it (licence_wire.resident_id)."""
    birth = date(1990, 5, 17)
    number = next(n for s in range(1000) if (n := samples.resident_id(birth, s)).endswith("X"))
    assert run(operator_id_number=number, operator_birth_date=birth.isoformat()).outcome == APPROVED
    lower = run(operator_id_number=number[:17] + "x", operator_birth_date=birth.isoformat())
    assert lower.outcome == REJECTED and "id_number_invalid" in lower.reasons


def test_birth_date_must_match_id() -> None:
    a = run(operator_birth_date="1985-03-15")
    assert a.outcome == REJECTED and "id_birth_date_mismatch" in a.reasons


@pytest.mark.parametrize("name", ["张伟", "欧阳娜娜", "阿依古丽·买买提"])
def test_operator_name_accepted(name: str) -> None:
    assert run(operator_name=name).outcome == APPROVED


@pytest.mark.parametrize("name", ["Zhang Wei", "张伟1", "·张伟", "张 伟"])
def test_operator_name_rejected(name: str) -> None:
    assert "operator_name_invalid" in run(operator_name=name).reasons


@pytest.mark.parametrize(
    ("trade_name", "reason"),
    [
        ("福", "name_too_short"),
        ("福兴隆顺和盛昌泰安康乐", "name_too_long"),
        ("中国福", "name_forbidden_word"),
        ("中华兴", "name_forbidden_word"),
        ("全国好", "name_forbidden_word"),
        ("国家兴", "name_forbidden_word"),
        ("国际兴", "name_forbidden_word"),
        ("Fuxing", "name_latin_letters"),
        ("福xing", "name_latin_letters"),
        ("fúxīng", "name_latin_letters"),
        ("福兴！", "name_punctuation"),
        ("福、兴", "name_punctuation"),
        ("福兴1", "name_digits"),
        ("ＡＢ", "name_latin_letters"),
        ("麵館", "name_traditional_character"),
        ("老王\U00020000", "name_nonstandard_character"),
        ("人民政府", "name_official_body"),
        ("博彩", "name_prohibited_content"),
        ("福兴公司", "organisation_form_not_allowed"),
    ],
)
def test_trade_name_rejected(trade_name: str, reason: str) -> None:
    a = run(trade_name=trade_name)
    assert a.outcome == REJECTED
    assert reason in a.reasons


@pytest.mark.parametrize(("trade_name", "reason"), [("威海", "name_place_name"), ("特供", "name_misleading_word"),
                                                  ("美国", "name_foreign_state")])
def test_trade_name_for_review(trade_name: str, reason: str) -> None:
    a = run(trade_name=trade_name)
    assert a.outcome == MANUAL_REVIEW and reason in a.reasons


def test_name_warnings_do_not_enter_the_decision() -> None:
    """老汪 sounds like the registered 老王 (a warning on the name check); the submission refuses
    only the identical 字号."""
    assert run(trade_name="老汪", taken={"老王"}).outcome == APPROVED


@pytest.mark.parametrize("trade_name", ["福兴", "张伟", "福兴隆顺和盛昌泰安康"])
def test_trade_name_accepted(trade_name: str) -> None:
    assert run(trade_name=trade_name).outcome == APPROVED


@pytest.mark.parametrize(("term", "name"), [
    ("", "深圳市南山区福兴餐饮店"), ("拉面", "深圳市南山区福兴拉面店"), ("面", "深圳市南山区福兴面店"),
    ("家常菜面食", "深圳市南山区福兴家常菜面食店"),
])
def test_the_name_carries_the_applicants_industry_term_or_else_the_standard_one(term: str, name: str) -> None:
    a = run(industry_term=term)
    assert a.outcome == APPROVED and a.name == name


@pytest.mark.parametrize(("term", "reason"), [
    ("拉面拉面拉面拉", "industry_term_too_long"),  # seven characters
    ("lamian", "name_latin_letters"),
    ("拉麵", "name_traditional_character"),
    ("拉 面", "name_punctuation"),
    ("拉面2", "name_digits"),
    ("国家拉面", "name_forbidden_word"),  # the word rules read the whole name
    ("有限公司", "organisation_form_not_allowed"),
])
def test_a_bad_industry_term_is_refused(term: str, reason: str) -> None:
    a = run(industry_term=term)
    assert a.outcome == REJECTED and reason in a.reasons


def test_a_misleading_industry_term_goes_to_review() -> None:
    a = run(industry_term="特供拉面")
    assert a.outcome == MANUAL_REVIEW and "name_misleading_word" in a.reasons


def test_an_industry_term_unlike_the_industry_only_warns() -> None:
    """The relatedness test compares characters and misses everyday wordings (饺子 for 正餐服务):
    the kiosk shows its warning while the applicant writes; the decision does not use it."""
    a = run(industry_term="饺子")
    assert a.outcome == APPROVED and "industry_term_unrelated" not in a.reasons and a.name == "深圳市南山区福兴饺子店"


def test_an_industry_term_without_a_trade_name_names_nothing() -> None:
    a = run(trade_name="", organisation_form="", industry_term="拉面")
    assert a.outcome == APPROVED and a.name == ""


def test_unnamed_business_is_allowed() -> None:
    a = run(trade_name="", organisation_form="")
    assert a.outcome == APPROVED and a.name == ""


@pytest.mark.parametrize("form", ["店", "馆", "部", "行", "厂", "中心"])
def test_allowed_forms(form: str) -> None:
    assert run(organisation_form=form).outcome == APPROVED


@pytest.mark.parametrize("form", ["企业", "公司", "合作社", "有限公司", "店铺子", ""])
def test_forbidden_forms(form: str) -> None:
    a = run(organisation_form=form)
    assert "organisation_form_not_allowed" in a.reasons and a.outcome == REJECTED


def test_duplicate_name_same_industry_same_authority() -> None:
    assert "name_taken" in run(taken={"福兴"}).reasons
    assert run(taken={"福兴"}, trade_name="福隆").outcome == APPROVED


def test_scope_rules() -> None:
    assert run(scope_codes=["G0101"]).reasons == []
    a = run(scope_codes=["G0101", "R0102"])
    assert a.outcome == MANUAL_REVIEW and "scope_prior_permit" in a.reasons
    a = run(scope_codes=["G0101", "X9999"])
    assert a.outcome == REJECTED and "scope_unknown_item" in a.reasons
    a = run(scope_codes=[])
    assert a.outcome == REJECTED and a.reasons == ["scope_empty"]
    # repeated codes are listed once
    assert run(scope_codes=["G0101", "G0101"]).scope_text == "一般项目：日用百货销售。"


def test_post_permit_items_carry_their_note() -> None:
    a = run(scope_codes=["P0101", "P0103"])
    assert a.outcome == APPROVED
    assert a.scope_text.startswith("许可项目：食品销售；烟草制品零售（依法须经批准的项目")
    assert a.scope_text.count("依法须经批准") == 1  # the same note is printed once


@pytest.mark.parametrize(
    ("division", "premises", "reason"),
    [
        ("440305", "南山街道南山大道1001号", None),
        ("440305", "南山街道南山大道1001号B座201", None),
        ("440305", "南山街道南山大道", "premises_house_number_invalid"),
        ("440305", "南山街道南山大道一千号", "premises_house_number_invalid"),
        ("440305", "华强北街道华强北路1号", "premises_not_in_list"),  # a Futian street
        ("440305", "月球街1号", "premises_not_in_list"),
        ("999999", "南山街道南山大道1001号", "division_unknown"),
    ],
)
def test_premises_rules(division: str, premises: str, reason: str | None) -> None:
    a = run(division_code=division, premises=premises)
    if reason is None:
        assert a.outcome == APPROVED
    else:
        assert a.outcome == REJECTED and reason in a.reasons


def test_unknown_industry_rejected() -> None:
    assert "industry_unknown" in run(industry_code="Z9999").reasons


def test_reject_beats_review() -> None:
    a = run(birth=date(2009, 1, 1), trade_name="中国福")
    assert a.outcome == REJECTED
    assert {"operator_minor_review", "name_forbidden_word"} <= set(a.reasons)


# --- the operator's identity document (API 1.1) ------------------------------------------------
def test_a_rare_character_outside_the_bmp_is_a_valid_name() -> None:
    """Resident ID cards carry names such as 吉𠮷 (U+20BB7, CJK Extension B)."""
    assert run(operator_name="吉\U00020bb7").outcome == APPROVED
    assert "operator_name_invalid" in run(operator_name="王\ue8a0").reasons  # a private-use code point


def test_a_residence_permit_number_is_accepted_with_its_kind_and_checked_for_its_region() -> None:
    birth = date(1990, 1, 1)
    permit = samples.resident_id(birth, 151, "810000")  # Hong Kong
    a = run(operator_id_number=permit, operator_birth_date=birth.isoformat(), operator_id_type="hmt_residence_permit")
    assert a.outcome == APPROVED
    not_a_permit = samples.resident_id(birth, 151, "440305")
    a = run(operator_id_number=not_a_permit, operator_birth_date=birth.isoformat(),
            operator_id_type="hmt_residence_permit")
    assert a.outcome == REJECTED and "id_number_invalid" in a.reasons


@pytest.mark.parametrize("number", ["USA110085031201", "9118401990070401" + "2" + resident_id.check_char(
    "91184019900704012")])
def test_a_foreign_permanent_resident_goes_to_manual_review(number: str) -> None:
    a = run(operator_id_number=number, operator_birth_date="1990-07-04", operator_id_type="foreign_permanent_residence",
            operator_name="SMITH JOHN")
    assert a.outcome == MANUAL_REVIEW and "operator_foreign_review" in a.reasons
    assert "id_birth_date_mismatch" not in a.reasons  # the number does not carry it in a published place


@pytest.mark.parametrize(("number", "name", "reason"), [
    ("usa110085031201", "SMITH JOHN", "id_number_invalid"),  # canonical spelling only
    ("9118401990070401" + "20", "SMITH JOHN", "id_number_invalid"),  # wrong check character
    ("USA110085031201", "Smith John", "operator_name_invalid"),
    ("USA110085031201", "SMITH JOHN 2", "operator_name_invalid"),
])
def test_a_foreign_permanent_resident_card_with_bad_data_is_rejected(number: str, name: str, reason: str) -> None:
    a = run(operator_id_number=number, operator_birth_date="1990-07-04", operator_id_type="foreign_permanent_residence",
            operator_name=name)
    assert a.outcome == REJECTED and reason in a.reasons


def test_a_latin_name_needs_a_foreign_document() -> None:
    assert "operator_name_invalid" in run(operator_name="SMITH JOHN").reasons


def test_national_scope_items_print_the_standard_wording() -> None:
    a = run(scope_codes=["C006", "C001"])
    assert a.outcome == APPROVED and a.reasons == ["scope_post_permit"]
    assert a.scope_text.startswith("一般项目：日用百货销售（除依法须经批准的项目外")
    assert "许可项目：餐饮服务（依法须经批准的项目" in a.scope_text
    assert run(scope_codes=["C006", "G0101"]).reasons == ["scope_unknown_item"]  # one catalogue at a time


def test_a_national_prior_permit_item_goes_to_review() -> None:
    prior = next(s.code for s in catalogue().national.scope.values()
                 if s.permit and catalogue().national.permits[s.permit].stage == "prior")
    assert run(scope_codes=["C006", prior]).outcome == MANUAL_REVIEW


@pytest.mark.parametrize(
    ("division", "premises", "reason"),
    [
        ("371002", "鲸园街道新威路12号301室", None),
        ("441900", "莞城街道东正路3号", None),  # a prefecture without counties registers itself
        ("371002", "新威路12号", "premises_not_in_list"),  # the street from the unit's list
        ("371002", "鲸园街道12号", "premises_house_number_invalid"),  # no road
        ("371002", "鲸园街道新威路", "premises_house_number_invalid"),
        ("371000", "鲸园街道新威路12号", "division_unknown"),  # 威海市 has counties
        ("371002001", "鲸园街道新威路12号", "division_unknown"),  # a street is not a division here
        ("710000", "中正路1号", "division_unknown"),  # not registrable by this system
    ],
)
def test_national_premises(division: str, premises: str, reason: str | None) -> None:
    a = run(division_code=division, premises=premises, scope_codes=["C006"])
    assert (reason in a.reasons) if reason else not any(r.startswith(("premises", "division")) for r in a.reasons)


def test_a_national_division_names_the_business_and_its_authority() -> None:
    a = run(division_code="371002", premises="鲸园街道新威路12号", scope_codes=["C006"])
    assert a.name == "威海市环翠区福兴餐饮店" and a.authority == "威海市环翠区市场监督管理局"
    assert a.premises == "威海市环翠区鲸园街道新威路12号"
