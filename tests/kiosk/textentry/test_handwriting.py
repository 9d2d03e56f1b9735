"""Handwriting with zinnia and the kiosk's own model, on strokes the model was not trained on.

Two test sets (see data/build_stroke_fixtures.py): the same 400 common characters' Make Me a Hanzi
medians drawn by a rougher synthetic writer than the training one (other distortion parameters,
another seed), and 400 characters hand-drawn in KanjiVG, an independent source, with Japanese
stroke order where it differs. The figures are printed; the asserted floors sit a little under
what was measured, to catch a worse model, not to flatter this one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.textentry import zinnia
from kiosk.textentry.errors import HandwritingUnavailable
from kiosk.textentry.handwriting import ZinniaHandwriting
from kiosk.textentry.options import BUNDLED_MODEL
from kiosk.textentry.simplified import to_simplified
from tests.conftest import missing
from tests.kiosk.textentry.conftest import DATA, have_library


@pytest.fixture(autouse=True)
def _installed() -> None:
    if not have_library("zinnia"):
        missing("libzinnia0 is not installed (scripts/bootstrap.sh installs it)")
MMAH_FLOOR = 0.97  # measured 99.8 % (top-1 98.5 %)
KANJIVG_FLOOR = 0.93  # measured 96.0 % (top-1 86.0 %)


@pytest.fixture(scope="module")
def engine() -> ZinniaHandwriting:
    return ZinniaHandwriting(BUNDLED_MODEL)


def samples(name: str) -> tuple[int, dict[str, list]]:
    doc = json.loads((DATA / name).read_text(encoding="utf-8"))
    return doc["box"], doc["characters"]


def top_k(engine: ZinniaHandwriting, name: str) -> tuple[float, float]:
    box, chars = samples(name)
    assert len(chars) >= 300
    top1 = top10 = 0
    for ch, strokes in chars.items():
        got = [c.text for c in engine.candidates(strokes, 10, (box, box))]
        top1 += got[:1] == [ch]
        top10 += ch in got
    print(f"{name}: top-1 {top1 / len(chars):.1%}, top-10 {top10 / len(chars):.1%} of {len(chars)}")
    return top1 / len(chars), top10 / len(chars)


def test_top_10_on_a_rougher_synthetic_writer(engine: ZinniaHandwriting) -> None:
    _, top10 = top_k(engine, "strokes_mmah_test.json")
    assert top10 >= MMAH_FLOOR


def test_top_10_on_independent_kanjivg_strokes(engine: ZinniaHandwriting) -> None:
    _, top10 = top_k(engine, "strokes_kanjivg.json")
    assert top10 >= KANJIVG_FLOOR


def test_candidates_are_simplified_with_pinyin(engine: ZinniaHandwriting) -> None:
    box, chars = samples("strokes_mmah_test.json")
    for strokes in list(chars.values())[:50]:
        for cand in engine.candidates(strokes, 10, (box, box)):
            assert len(cand.text) == 1 and to_simplified(cand.text) == cand.text
            assert cand.pinyin


def test_a_character_written_small_in_a_corner_reads_the_same(engine: ZinniaHandwriting) -> None:
    box, chars = samples("strokes_mmah_test.json")
    same = 0
    for ch in list(chars)[:40]:
        full = [c.text for c in engine.candidates(chars[ch], 5, (box, box))]
        small = [[(x * 0.35 + box * 0.6, y * 0.35 + box * 0.05) for x, y in s] for s in chars[ch]]
        same += [c.text for c in engine.candidates(small, 5, (box, box))][:1] == full[:1]
    assert same >= 38, f"only {same}/40 read the same when written small in the top right corner"


def test_no_strokes_no_candidates(engine: ZinniaHandwriting) -> None:
    assert engine.candidates([], 10) == []
    assert engine.candidates([[]], 10) == []


def test_a_scribble_of_many_strokes_still_answers(engine: ZinniaHandwriting) -> None:
    scribble = [[(i * 7 % 100, i * 13 % 100), ((i * 7 + 30) % 100, (i * 13 + 40) % 100)] for i in range(200)]
    assert len(engine.candidates(scribble, 5, (100, 100))) <= 5


def test_missing_or_broken_model_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(HandwritingUnavailable) as e:
        ZinniaHandwriting(tmp_path / "absent.model")
    assert e.value.code == "textentry_handwriting_unavailable"
    broken = tmp_path / "broken.model"
    broken.write_bytes(b"not a zinnia model" * 10)
    with pytest.raises(HandwritingUnavailable):
        ZinniaHandwriting(broken)


def test_missing_library_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zinnia, "LIBRARY", "libzinnia-absent.so.0")
    with pytest.raises(HandwritingUnavailable):
        ZinniaHandwriting(BUNDLED_MODEL)
