from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry_service.checks import (
    issue_uscc,
    organisation_code_check_char,
    resident_id_check_char,
    resident_id_valid,
    uscc_check_char,
    uscc_valid,
)

VALID_USCC = [
    "914403001922038216",
    "91440300708461136T",
    "91350200776049653A",
    "12440300MB2C92173E",
    "92450100MAEL5HKP7D",
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_uscc_vectors_valid(code: str) -> None:
    assert uscc_valid(code)
    # the embedded organisation code's GB 11714 check character agrees too
    assert organisation_code_check_char(code[8:16]) == code[16]


@pytest.mark.parametrize("code", ["914403001922038217", "12440300MB2C92173A", "9144030019220382",
                                  "91440300192203821I", ""])
def test_uscc_vectors_invalid(code: str) -> None:
    assert not uscc_valid(code)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_resident_id_valid(number: str) -> None:
    assert resident_id_valid(number)


@pytest.mark.parametrize(
    "number",
    ["110105194912310021", "11010519491231002x", "1101051949123100", "１１０１０５１９４９１２３１００２Ｘ"],
)
def test_resident_id_invalid(number: str) -> None:
    assert not resident_id_valid(number)


def test_check_char_inputs_validated() -> None:
    with pytest.raises(ValueError):
        resident_id_check_char("12345")
    with pytest.raises(ValueError):
        organisation_code_check_char("MAEL5HKI")  # I is not in the GB 32100 alphabet
    with pytest.raises(ValueError):
        issue_uscc("44030", 1)
    with pytest.raises(ValueError):
        issue_uscc("440305", -1)


@given(st.integers(min_value=0, max_value=31**6 - 1))
def test_issued_codes_are_valid_individual_business_codes(serial: int) -> None:
    code = issue_uscc("440305", serial)
    assert uscc_valid(code)
    assert code.startswith("92440305MA")
    assert organisation_code_check_char(code[8:16]) == code[16]


def test_issued_codes_unique() -> None:
    codes = {issue_uscc("440305", n) for n in range(20000)}
    assert len(codes) == 20000


@given(st.text(min_size=18, max_size=18, alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY"))
def test_single_character_change_detected(code: str) -> None:
    fixed = code[:17] + uscc_check_char(code[:17])
    assert uscc_valid(fixed)
    for i in range(18):
        for c in "0A":
            if fixed[i] != c:
                assert not uscc_valid(fixed[:i] + c + fixed[i + 1 :])
