"""The composition model's keys, with a scripted engine: what an applicant sees after each tap."""

from __future__ import annotations

import pytest

from kiosk.textentry.composition import Composition
from kiosk.textentry.engine import Candidate

# a tiny dictionary: letters -> (candidate, letters it covers), best first
WORDS = {
    "laowanglamian": [("老王拉面", 13), ("老王", 7), ("老", 3)],
    "lamian": [("拉面", 6), ("拉", 2)],
    "laowang": [("老王", 7), ("老", 3)],
    "wang": [("王", 4), ("忘", 4)],
}


class ScriptedPinyin:
    name = "scripted"

    def __init__(self) -> None:
        self.calls = 0

    def candidates(self, letters: str, limit: int) -> list[Candidate]:
        self.calls += 1
        words = WORDS.get(letters, [(f"#{i}", len(letters)) for i in range(20)])
        return [Candidate(t, "") for t, _ in words[:limit]]

    def consumed(self, letters: str, index: int) -> int:
        words = WORDS.get(letters, [(f"#{i}", len(letters)) for i in range(20)])
        return words[index][1]

    def close(self) -> None:
        pass


class ScriptedHandwriting:
    name = "scripted"

    def candidates(self, strokes: list, limit: int, pad_size: tuple | None = None) -> list[Candidate]:
        return [Candidate(ch, "") for ch in "王玉主"[: len(strokes)]][:limit]

    def close(self) -> None:
        pass


def typed(comp: Composition, letters: str) -> Composition:
    for ch in letters:
        assert comp.type_letter(ch)
    return comp


def test_choosing_part_of_the_letters_keeps_the_rest_to_choose_from() -> None:
    comp = typed(Composition(ScriptedPinyin()), "laowanglamian")
    comp.choose(1)  # 老王
    assert (comp.chosen, comp.letters, comp.text) == ("老王", "lamian", "")
    assert [c.text for c in comp.candidates(5)] == ["拉面", "拉"]
    comp.choose(0)
    assert (comp.text, comp.letters, comp.segments) == ("老王拉面", "", [])


def test_delete_takes_letters_then_gives_a_chosen_segment_back_then_committed_text() -> None:
    comp = typed(Composition(ScriptedPinyin(), text="张"), "laowanglamian")
    comp.choose(1)
    for _ in "lamian":
        comp.delete()
    assert (comp.letters, comp.chosen) == ("", "老王")
    comp.delete()
    assert (comp.letters, comp.chosen, comp.text) == ("laowang", "", "张")
    for _ in "laowang":
        comp.delete()
    comp.delete()
    assert comp.text == ""
    comp.delete()  # nothing left: no error
    assert not comp.composing


def test_space_and_finish_turn_pending_letters_into_the_first_candidates() -> None:
    comp = typed(Composition(ScriptedPinyin()), "laowang")
    comp.space()
    assert comp.text == "老王" and not comp.composing
    typed(comp, "wang")
    assert comp.finish() == "老王王"


def test_letters_no_candidate_starts_with_are_dropped_by_space() -> None:
    class Nothing(ScriptedPinyin):
        def candidates(self, letters: str, limit: int) -> list[Candidate]:
            return []

    comp = typed(Composition(Nothing(), text="A"), "iii")
    comp.space()
    assert (comp.text, comp.letters) == ("A", "")


def test_clear_empties_the_field() -> None:
    comp = typed(Composition(ScriptedPinyin(), text="老王"), "la")
    comp.clear()
    assert (comp.text, comp.letters, comp.composing) == ("", "", False)


def test_only_letters_a_to_z_are_typed_and_never_past_the_limit() -> None:
    comp = Composition(ScriptedPinyin(), max_length=3, text="老王拉")
    assert not comp.type_letter("a")  # the field is full
    comp = Composition(ScriptedPinyin())
    assert not comp.type_letter("1") and not comp.type_letter("ü") and not comp.type_letter("")
    assert comp.type_letter("L") and comp.letters == "l"


def test_a_candidate_longer_than_the_room_left_is_cut_to_fit() -> None:
    comp = typed(Composition(ScriptedPinyin(), max_length=6, text="兰州"), "laowanglamian")
    assert comp.choose(0) == "老王拉面"
    comp = typed(Composition(ScriptedPinyin(), max_length=4, text="兰州"), "laowanglamian")
    comp.choose(0)
    assert comp.text == "兰州老王"


def test_pages_of_candidates_and_their_absolute_indexes() -> None:
    comp = typed(Composition(ScriptedPinyin(), page_size=8), "x")
    first = comp.current_page()
    assert (len(first.items), first.has_previous, first.has_next, first.first_index) == (8, False, True, 0)
    assert comp.next_page()
    second = comp.current_page()
    assert second.first_index == 8 and second.items[0].text == "#8" and second.has_previous
    comp.choose(second.first_index + 1)
    assert comp.text == "#9"
    assert comp.page == 0


def test_candidates_are_cached_per_input() -> None:
    engine = ScriptedPinyin()
    comp = typed(Composition(engine), "lamian")
    comp.current_page()
    comp.current_page()
    comp.candidates(3)
    assert engine.calls == 1
    comp.delete()
    comp.current_page()
    assert engine.calls == 2


def test_handwriting_strokes_undo_choose_and_wipe() -> None:
    comp = Composition(handwriting=ScriptedHandwriting(), text="老")
    assert comp.add_stroke([(0, 0), (10, 0)], (100, 100))
    assert comp.add_stroke([(5, 0), (5, 10)], (100, 100))
    assert [c.text for c in comp.candidates(5)] == ["王", "玉"]
    assert comp.undo_stroke()
    assert [c.text for c in comp.candidates(5)] == ["王"]
    comp.choose(0)
    assert (comp.text, comp.strokes) == ("老王", [])
    comp.add_stroke([(0, 0), (1, 1)])
    comp.delete()  # the stroke first
    assert comp.text == "老王" and not comp.strokes
    comp.delete()
    assert comp.text == "老"
    assert not comp.add_stroke([])


def test_without_an_engine_nothing_is_composed() -> None:
    comp = Composition()
    assert not comp.type_letter("a")
    assert not comp.add_stroke([(1, 1)])
    assert comp.current_page().items == ()
    with pytest.raises(IndexError):
        comp.choose(0)


def test_insert_converts_pending_letters_then_appends_digits() -> None:
    comp = typed(Composition(ScriptedPinyin(), max_length=5), "wang")
    assert comp.insert("1234") == "1234"
    assert comp.text == "王1234"
    assert comp.insert("56") == ""
