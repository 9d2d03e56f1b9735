"""GB 11643 resident ID numbers: one implementation and one spelling rule for both sides."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from licence_wire import resident_id


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_vectors_valid(number: str) -> None:
    assert resident_id.is_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "11010519491331002X",  # month 13
        "1101051949123100",
        "11010519491231002X\n",  # a trailing newline must not pass a $-anchored pattern
        "11010519491231002x",  # only the canonical X is valid; normalise() is the edge
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic
        "¹¹⁰¹⁰⁵¹⁹⁴⁹¹²³¹⁰⁰²X",  # superscript
        "11010519491231002Ｘ",  # full-width X
    ],
)
def test_invalid(number: str) -> None:
    assert not resident_id.is_valid(number)


def test_lower_case_x_is_normalised_at_the_edge_only() -> None:
    assert resident_id.normalise("11010519491231002x") == "11010519491231002X"
    assert resident_id.is_valid(resident_id.normalise("11010519491231002x"))
    # nothing else is folded: other spellings stay invalid
    for other in ("１１０１０５１９４９１２３１００２x", " 11010519491231002x", "11010519491231002"):
        assert resident_id.normalise(other) == other


@pytest.mark.parametrize("first17", ["1234567890123456", "１２３４５６７８９０１２３４５６７", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧",
                                     "¹²³⁴⁵⁶⁷⁸⁹⁰¹²³⁴⁵⁶⁷"])
def test_check_char_refuses_anything_but_17_ascii_digits(first17: str) -> None:
    with pytest.raises(ValueError):
        resident_id.check_char(first17)


@pytest.mark.parametrize("number", ["１１０１０５１９４９１２３１００２Ｘ", "11010519491331002X", ""])
def test_birth_date_and_sex_refuse_malformed_numbers(number: str) -> None:
    with pytest.raises(ValueError):
        resident_id.birth_date(number)
    if len(number) != 18 or not number.isascii():
        with pytest.raises(ValueError):
            resident_id.is_male(number)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.integers(min_value=0, max_value=999))
def test_made_numbers_are_valid_and_decode(birth: dt.date, sequence: int) -> None:
    number = resident_id.make("440305", birth, sequence)
    assert resident_id.is_valid(number)
    assert resident_id.birth_date(number) == birth
    assert resident_id.is_male(number) == (sequence % 2 == 1)


def test_kiosk_card_side_uses_the_same_implementation() -> None:
    from drivers.idcard import resident_id as card_side

    assert card_side.is_valid is resident_id.is_valid
    assert card_side.check_char is resident_id.check_char
