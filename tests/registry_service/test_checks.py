"""The credit codes the service issues."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from licence_wire import credit_code
from registry_service.checks import issue_uscc


def test_issue_inputs_validated() -> None:
    with pytest.raises(ValueError):
        issue_uscc("44030", 1)
    with pytest.raises(ValueError):
        issue_uscc("440305", -1)
    with pytest.raises(ValueError):
        issue_uscc("４４０３０５", 1)  # full-width digits are not a division code


@given(st.integers(min_value=0, max_value=31**6 - 1))
def test_issued_codes_are_valid_individual_business_codes(serial: int) -> None:
    code = issue_uscc("440305", serial)
    assert credit_code.is_valid(code)
    assert code.startswith("92440305MA")
    assert credit_code.organisation_code_check_char(code[8:16]) == code[16]


def test_issued_codes_unique() -> None:
    codes = {issue_uscc("440305", n) for n in range(20000)}
    assert len(codes) == 20000
