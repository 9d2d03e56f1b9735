"""The alternative pinyin backend: same interface, Simplified output, no user dictionary."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.textentry.errors import PinyinUnavailable
from kiosk.textentry.googlepinyin import SYSTEM_DICT, GooglePinyinEngine
from kiosk.textentry.simplified import to_simplified
from tests.conftest import missing


@pytest.fixture(autouse=True)
def _installed() -> None:
    if not SYSTEM_DICT.exists():
        missing("libgooglepinyin0 is not installed (scripts/bootstrap.sh installs it)")


def test_candidates_and_consumed_letters() -> None:
    engine = GooglePinyinEngine.shared()
    cands = [c.text for c in engine.candidates("laowanglamian", 10)]
    assert cands[0] == "老王拉面"
    assert engine.consumed("laowanglamian", cands.index("老王")) == len("laowang")
    assert engine.consumed("laowanglamian", 0) == len("laowanglamian")
    for cand in engine.candidates("ba", 40):
        assert to_simplified(cand.text) == cand.text


def test_a_missing_dictionary_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(PinyinUnavailable):
        GooglePinyinEngine(tmp_path / "dict_pinyin.dat")
