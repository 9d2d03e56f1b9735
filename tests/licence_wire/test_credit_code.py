"""GB 32100 / GB 11714 check characters, with the vectors from the field notes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from licence_wire import credit_code

VALID_USCC = [
    "914403001922038216",
    "91440300708461136T",
    "91350200776049653A",
    "12440300MB2C92173E",
    "92450100MAEL5HKP7D",
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_uscc_vectors_valid(code: str) -> None:
    assert credit_code.is_valid(code)
    # the embedded organisation code's GB 11714 check character agrees too
    assert credit_code.organisation_code_check_char(code[8:16]) == code[16]


@pytest.mark.parametrize("code", ["914403001922038217", "12440300MB2C92173A", "9144030019220382",
                                  "91440300192203821I", "", "914403001922038216\n",
                                  "９１４４０３００１９２２０３８２１６", "91440300192203821６"])
def test_uscc_vectors_invalid(code: str) -> None:
    assert not credit_code.is_valid(code)


def test_check_char_inputs_validated() -> None:
    with pytest.raises(ValueError):
        credit_code.organisation_code_check_char("MAEL5HKI")  # I is not in the GB 32100 alphabet
    with pytest.raises(ValueError):
        credit_code.check_char("9144030019220382")
    with pytest.raises(ValueError):
        credit_code.check_char("914403001922038２１")


@given(st.text(min_size=18, max_size=18, alphabet=credit_code.ALPHABET))
def test_single_character_change_detected(code: str) -> None:
    fixed = code[:17] + credit_code.check_char(code[:17])
    assert credit_code.is_valid(fixed)
    for i in range(18):
        for c in "0A":
            if fixed[i] != c:
                assert not credit_code.is_valid(fixed[:i] + c + fixed[i + 1 :])
