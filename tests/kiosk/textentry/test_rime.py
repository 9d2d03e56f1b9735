"""Pinyin through librime: quality on shop names, partial pinyin, Simplified output, no learning."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.textentry.errors import PinyinUnavailable
from kiosk.textentry.rime import RimeEngine
from kiosk.textentry.simplified import to_simplified
from tests.kiosk.textentry.conftest import shop_names

TOP = 5


def enter(engine: RimeEngine, name: str, syllables: list[str], top: int = TOP) -> int | None:
    """An applicant typing the full pinyin of what is left and picking the longest right candidate
    in the first ``top``; when none fits, typing fewer syllables and trying again (as people do
    with any phone keyboard). The number of choices made, or None if the name cannot be entered."""
    target, left, picks = name, list(syllables), 0
    while target:
        for k in range(len(left), 0, -1):
            letters = "".join(left[:k])
            cands = engine.candidates(letters, top)
            fits = [i for i, c in enumerate(cands) if target.startswith(c.text)]
            if fits:
                best = max(fits, key=lambda i: len(cands[i].text))
                break
        else:
            return None
        consumed, used, covered = engine.consumed(letters, best), 0, 0
        while covered < consumed:
            covered += len(left[used])
            used += 1
        if covered != consumed or used != len(cands[best].text):
            return None  # the candidate covered other syllables than its characters
        left, target, picks = left[used:], target[used:], picks + 1
    return picks


def success_rate(engine: RimeEngine, rows: list[tuple[str, list[str]]]) -> tuple[float, list[str]]:
    failed = [name for name, syllables in rows if enter(engine, name, syllables) is None]
    return 1 - len(failed) / len(rows), failed


def test_shop_names_are_in_the_top_5_for_95_percent(rime: RimeEngine) -> None:
    rows = shop_names()
    assert len(rows) >= 200
    rate, failed = success_rate(rime, rows)
    assert rate >= 0.95, f"{rate:.1%}; not enterable from the top {TOP}: {failed}"


def test_held_out_shop_names_written_after_the_lexicon(rime: RimeEngine) -> None:
    """Names the lexicon was not written against: the figure to expect for unseen names."""
    rate, failed = success_rate(rime, shop_names("shop_names_holdout.tsv"))
    assert rate >= 0.80, f"{rate:.1%}: {failed}"


@pytest.mark.parametrize(("letters", "want"), [("laowanglamian", "老王拉面"), ("laow", "老王"), ("lw", "老王"),
                                               ("zhangji", "张记"), ("zj", "张记"), ("xinglong", "兴隆"),
                                               ("lvye", "绿叶"), ("nv", "女"), ("lue", "略")])
def test_full_partial_and_abbreviated_pinyin(rime: RimeEngine, letters: str, want: str) -> None:
    assert want in [c.text for c in rime.candidates(letters, TOP)]


def test_candidates_carry_their_pinyin(rime: RimeEngine) -> None:
    first = rime.candidates("laowang", 1)[0]
    assert (first.text, first.pinyin) == ("老王", "lǎo wáng")


def test_consumed_says_which_letters_a_candidate_covers(rime: RimeEngine) -> None:
    cands = [c.text for c in rime.candidates("laowanglamian", 10)]
    assert rime.consumed("laowanglamian", cands.index("老王")) == len("laowang")
    assert rime.consumed("laowanglamian", cands.index("老王拉面")) == len("laowanglamian")
    cands = [c.text for c in rime.candidates("lvyeshuiguo", 10)]
    assert rime.consumed("lvyeshuiguo", cands.index("绿叶")) == len("lvye")


def test_every_candidate_is_simplified(rime: RimeEngine) -> None:
    # syllables whose dictionary entries include Traditional or Japanese forms (壩, 釹, 抜)
    for letters in ("ba", "nv", "lve", "guo", "men", "ai", "shu", "long"):
        for cand in rime.candidates(letters, 60):
            assert to_simplified(cand.text) == cand.text, (letters, cand.text)
            assert not {"壩", "釹", "抜", "們", "愛", "國"} & set(cand.text)


def test_choices_are_not_learned_for_the_next_applicant(rime: RimeEngine) -> None:
    before = [c.text for c in rime.candidates("lwlm", 5)]
    rare = len(before) - 1
    for _ in range(5):
        rime.candidates("lwlm", 5)
        rime.consumed("lwlm", rare)
    assert [c.text for c in rime.candidates("lwlm", 5)] == before
    user_dir = Path(rime._keep[1].decode())
    assert not list(user_dir.rglob("*.userdb*")), "rime kept a user dictionary"


def test_bad_input_is_a_value_error_not_a_crash(rime: RimeEngine) -> None:
    for bad in ("", "LAO", "lao wang", "老", "a" * 65):
        with pytest.raises(ValueError):
            rime.candidates(bad, 5)
    rime.candidates("lamian", 5)
    assert rime.consumed("laowang", 0) == len("laowang")  # asked again for the right letters
    with pytest.raises(IndexError):
        rime.consumed("laowang", 500)


def test_a_missing_schema_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(PinyinUnavailable) as e:
        RimeEngine(tmp_path / "user", tmp_path / "no-rime-data", "pinyin_simp")
    assert e.value.code == "textentry_pinyin_unavailable"
