"""The form as data: prefill from the chip, suggestions, the local checks, the request built."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.flow import form
from tests.kiosk.flow import builders as b


def test_prefill_and_suggestions_come_from_the_chip() -> None:
    ident = b.identity()
    assert form.operator_name(ident) == "张伟"
    assert form.trade_name_suggestions(ident) == ["张伟", "张记", "老张"]
    assert form.prefill(ident)["trade_name"] == "张伟"
    latin = dataclasses.replace(ident, name_national="")
    assert form.operator_name(latin) == "ZHANG WEI" and form.trade_name_suggestions(latin) == []


def test_a_complete_form_has_no_problems() -> None:
    assert form.problems(dict(b.COMPLETE_FORM)) == []


@pytest.mark.parametrize(("change", "problem"), [
    ({"industry_code": ""}, "missing:industry_code"),
    ({"scope_codes": []}, "missing:scope_codes"),
    ({"house_number": "12a"}, "invalid:house_number"),
    ({"house_number": "123456"}, "invalid:house_number"),
    ({"composition": "company"}, "invalid:composition"),
    ({"trade_name": "张"}, "invalid:trade_name"),
    ({"phone": "138"}, "invalid:phone"),
    ({"phone": "23800138000"}, "invalid:phone"),  # mainland mobiles start 13-19
    ({"phone": "1280013800"}, "invalid:phone"),
])
def test_each_problem_is_named(change: dict[str, object], problem: str) -> None:
    assert form.problems({**b.COMPLETE_FORM, **change}) == [problem]


@pytest.mark.parametrize("phone", ["", "13800138000", "19912345678"])
def test_phone_is_optional_but_checked_when_given(phone: str) -> None:
    assert form.problems({**b.COMPLETE_FORM, "phone": phone}) == []


@pytest.mark.parametrize(("typed", "shown"), [
    ("", ""), ("1", "1"), ("1380", "138 0"), ("13800138000", "138 0013 8000"),
])
def test_phone_display_groups_as_people_read_it(typed: str, shown: str) -> None:
    assert form.phone_display(typed) == shown


def test_the_request_carries_the_form_and_the_chip() -> None:
    app = form.to_application(b.identity(), {**b.COMPLETE_FORM, "phone": "13800138000"})
    assert app.operator_id_number == "110105199003071234" and app.operator_birth_date == "1990-03-07"
    assert app.premises == "科技园路1号" and app.phone == "13800138000"
    assert app.scope_codes == ["H6210"]


@pytest.mark.parametrize("house", ["１２", "١٢", "۱۲", "1２", "12\n", "²"])
def test_a_house_number_is_ascii_digits(house: str) -> None:
    assert form.problems({**b.COMPLETE_FORM, "house_number": house}) == ["invalid:house_number"]


@pytest.mark.parametrize("phone", ["１３８００１３８０００", "١٣٨٠٠١٣٨٠٠٠", "1380013800０", "13800138000\n"])
def test_a_phone_number_is_ascii_digits(phone: str) -> None:
    assert form.problems({**b.COMPLETE_FORM, "phone": phone}) == ["invalid:phone"]


def test_a_road_stands_for_the_street_where_the_county_has_no_street_list() -> None:
    no_street = {**b.COMPLETE_FORM, "street": ""}
    assert form.problems(no_street) == ["missing:street"]
    assert form.problems({**no_street, "road": "人民路"}) == []


def test_premises_are_street_road_number_and_room() -> None:
    written = {**b.COMPLETE_FORM, "street": "鲸园街道", "road": "人民路", "house_number": "12", "room": "301室"}
    assert form.premises(written) == "鲸园街道人民路12号301室"
    assert form.premises({**b.COMPLETE_FORM, "street": "南山街道南山大道", "house_number": "1001"}) == \
        "南山街道南山大道1001号"  # a sample-list line: street and road in one
