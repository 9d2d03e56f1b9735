"""The shop-name lexicon: the generated file matches the word list, readings are rime's spelling."""

from __future__ import annotations

import re

import pytest

from kiosk.textentry import lexicon


def test_generated_lexicon_matches_the_word_list() -> None:
    pytest.importorskip("pypinyin")
    assert list(lexicon.generate()) == lexicon.entries(), "run: python -m kiosk.textentry.lexicon"


def test_readings_are_one_syllable_per_character_in_rime_spelling() -> None:
    for text, code, weight in lexicon.entries():
        syllables = code.split()
        assert len(syllables) == len(text), (text, code)
        assert all(re.fullmatch(r"[a-z]+", s) for s in syllables), (text, code)
        assert not re.search(r"\b[nl]ve\b", code), (text, code)  # rime spells nüe/lüe as nue/lue
        assert weight > 0


def test_surnames_read_as_surnames() -> None:
    rows = {t: c for t, c, _ in lexicon.entries()}
    assert rows["曾记"] == "zeng ji"  # pypinyin alone reads 曾 as céng
    assert rows["老覃"] == "lao qin"
    assert rows["茶行"] == "cha hang"  # given in the word list: a tea shop, not 行走
