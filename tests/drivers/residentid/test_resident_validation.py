"""Number checks per document kind, and the validity dates against today."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from resident_testkit import TODAY

from drivers.residentid import text_block, validation
from drivers.residentid.errors import ResidentCardExpired, ResidentDataInvalid
from drivers.residentid.sim import cards
from drivers.residentid.validation import ExpiredPolicy


def fields(label: str) -> text_block.TextFields:
    return text_block.parse(cards.make(label, TODAY).text)


@pytest.mark.parametrize("label", sorted(set(cards.CARDS) - {"expired"}))
def test_every_simulated_card_validates(label: str) -> None:
    validation.validate(fields(label), TODAY)
    validation.enforce_validity(fields(label), TODAY, ExpiredPolicy.REFUSE)


@pytest.mark.parametrize(("number", "ok"), [
    ("11010519491231002X", True),  # GB 11643-1999 annex example
    ("110105194912310021", False),
    ("11010519491231002x", False),  # the check character is an upper-case X
    ("1101051949123100", False),
    ("A1010519491231002X", False),
])
def test_gb11643_check_digit(number: str, ok: bool) -> None:
    assert validation.check_digit_ok(number) is ok


def _tamper(f: text_block.TextFields, **changes) -> text_block.TextFields:
    return dataclasses.replace(f, **changes)


def test_resident_number_must_agree_with_birth_and_sex() -> None:
    f = fields("resident")
    with pytest.raises(ResidentDataInvalid, match="birth"):
        validation.validate(_tamper(f, birth=f.birth + dt.timedelta(days=1)), TODAY)
    with pytest.raises(ResidentDataInvalid, match="sex"):
        validation.validate(_tamper(f, sex="2"), TODAY)
    with pytest.raises(ResidentDataInvalid, match="GB 11643"):
        validation.validate(_tamper(f, number=f.number[:-1] + ("0" if f.number[-1] != "0" else "1")), TODAY)


def test_permit_and_resident_prefixes() -> None:
    permit = fields("hmt_hk")
    assert validation.hmt_region(permit.number) == "HK"
    with pytest.raises(ResidentDataInvalid, match="810000"):
        validation.validate(_tamper(permit, number=fields("resident").number, birth=fields("resident").birth), TODAY)
    with pytest.raises(ResidentDataInvalid, match="permit number"):
        validation.validate(_tamper(permit, kind=text_block.CardKind.RESIDENT), TODAY)


def test_foreigner_numbers() -> None:
    f23 = fields("foreign_2023")
    assert f23.number.startswith("9")
    with pytest.raises(ResidentDataInvalid):
        validation.validate(_tamper(f23, number="1" + f23.number[1:]), TODAY)
    f17 = fields("foreign_2017")
    with pytest.raises(ResidentDataInvalid):
        validation.validate(_tamper(f17, number="US1110085031201"), TODAY)


def test_sex_code_and_validity_order() -> None:
    f = fields("resident")
    with pytest.raises(ResidentDataInvalid, match="sex code"):
        validation.validate(_tamper(f, sex="9"), TODAY)
    with pytest.raises(ResidentDataInvalid, match="starts after"):
        validation.validate(_tamper(f, valid_to=f.valid_from - dt.timedelta(days=1)), TODAY)
    with pytest.raises(ResidentDataInvalid, match="future"):
        validation.validate(_tamper(f, valid_from=TODAY + dt.timedelta(days=1)), TODAY)


def test_expiry_policy() -> None:
    f = fields("expired")
    validation.validate(f, TODAY)  # expired data is still consistent data
    assert validation.expired(f, TODAY)
    with pytest.raises(ResidentCardExpired) as caught:
        validation.enforce_validity(f, TODAY, ExpiredPolicy.REFUSE)
    assert caught.value.code == "resident_card_expired" and not caught.value.fault
    validation.enforce_validity(f, TODAY, ExpiredPolicy.ACCEPT)


def test_a_document_is_valid_through_its_last_day_and_long_term_never_ends() -> None:
    f = _tamper(fields("resident"), valid_to=TODAY)
    assert not validation.expired(f, TODAY)
    assert validation.expired(f, TODAY + dt.timedelta(days=1))
    assert not validation.expired(fields("long_term"), dt.date(2999, 1, 1))
