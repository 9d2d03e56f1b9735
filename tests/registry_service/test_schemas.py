"""The fast path of the printable-text check may only ever say yes where the exact check does."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry_service.schemas import _BAD_CATEGORIES, _PLAIN, PLAIN_BLOCKS, _printable


@pytest.mark.parametrize(("lo", "hi"), PLAIN_BLOCKS)
def test_every_character_of_the_fast_blocks_is_printable(lo: int, hi: int) -> None:
    refused = [hex(c) for c in range(lo, hi + 1) if unicodedata.category(chr(c)) in _BAD_CATEGORIES]
    assert refused == []
    assert _PLAIN.fullmatch("".join(chr(c) for c in range(lo, hi + 1)))


@given(st.text())
def test_same_verdict_as_the_character_loop(value: str) -> None:
    exact = not any(unicodedata.category(c) in _BAD_CATEGORIES for c in value)
    try:
        _printable(value)
        accepted = True
    except ValueError:
        accepted = False
    assert accepted == exact
