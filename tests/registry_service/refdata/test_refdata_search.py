"""Type-ahead search: the obvious answer first, for Chinese, initials, full and mixed pinyin."""

from __future__ import annotations

from functools import cache

import pytest

from refdata import packaged
from refdata.search import Entry, SearchIndex, division_index, normalise, scope_index


@cache
def scope() -> SearchIndex:
    return scope_index(packaged())


@cache
def places() -> SearchIndex:
    return division_index(packaged())


@pytest.mark.parametrize(("query", "first"), [
    ("cy", "餐饮服务"),
    ("餐饮", "餐饮服务"),
    ("canyin", "餐饮服务"),
    ("canyfw", "餐饮服务"),
    ("CY", "餐饮服务"),
    ("ｃｙ", "餐饮服务"),  # full-width letters from a Chinese keyboard
    ("lf", "理发服务"),
    ("yc", "烟草制品零售"),
    ("shipin", "食品销售"),
])
def test_scope_search_puts_the_obvious_answer_first(query: str, first: str) -> None:
    assert scope().search(query)[0].name == first


def test_a_keyword_finds_the_item_it_belongs_to() -> None:
    hits = scope().search("拉面")
    assert {h.name for h in hits[:2]} == {"餐饮服务", "小餐饮"}
    assert hits[0].via == "拉面"
    assert {h.name for h in scope().search("lm")[:2]} == {"餐饮服务", "小餐饮"}


def test_division_search_by_initials_full_pinyin_and_chinese() -> None:
    assert places().search("环翠")[0].code == "371002"
    assert places().search("huancuiqu")[0].code == "371002"
    assert places().search("huancuilou")[0].code == "371002001"
    assert "371000" in [h.code for h in places().search("wh")]


def test_division_search_down_to_county_level() -> None:
    counties = division_index(packaged(), max_level=3)
    assert len(counties) < 3300
    assert counties.search("huancui")[0].code == "371002"
    assert all(len(h.code) == 6 for h in counties.search("dongcheng", limit=50))


def test_division_search_within_a_county() -> None:
    streets = division_index(packaged(), within="371002")
    codes = [h.code for h in streets.search("j", limit=50)]
    assert codes and all(c.startswith("371002") and len(c) == 9 for c in codes)
    assert streets.search("jingyuan")[0].code.startswith("371002")


def test_whole_beats_prefix_beats_inner_and_weight_breaks_ties() -> None:
    index = SearchIndex([
        Entry("a", "餐饮配送", "can yin pei song", 0),
        Entry("b", "餐饮", "can yin", 0),
        Entry("c", "中式餐饮", "zhong shi can yin", 0),
        Entry("d", "彩印", "cai yin", 1),
    ])
    assert [h.code for h in index.search("cy")] == ["d", "b", "a", "c"]
    assert [h.code for h in index.search("canyin")] == ["b", "a", "c"]
    assert [h.code for h in index.search("餐饮")] == ["b", "a", "c"]


@pytest.mark.parametrize("query", ["", "   ", "!!", "1", "a1", "x" * 200])
def test_odd_queries_give_no_error(query: str) -> None:
    assert isinstance(scope().search(query), list)
    assert isinstance(places().search(query), list)


def test_normalise_folds_width_case_and_separators() -> None:
    assert normalise("Can'Yin FU wu") == "canyinfuwu"
    assert normalise("ＣＹ") == "cy"
    assert len(normalise("a" * 100)) == 32


def test_limit_is_respected() -> None:
    assert len(places().search("z", limit=7)) == 7
    assert scope().search("cy", limit=0) == []


def test_large_indexes_match_inner_letters_as_initials_only() -> None:
    entries = [Entry("z", "中关村", "zhong guan cun", 0), Entry("g", "关东", "guan dong", 0)]
    full, initials = SearchIndex(entries), SearchIndex(entries, inner_syllables=False)
    assert [h.code for h in full.search("guan")] == ["g", "z"]
    assert [h.code for h in initials.search("guan")] == ["g"]  # inside 中关村 only as initials
    assert [h.code for h in initials.search("gc")] == ["z"]
    assert [h.code for h in initials.search("zgc")] == ["z"]
    assert "371002001" in [h.code for h in places().search("hcl")]  # 环翠楼街道 from its start


def test_the_last_entry_of_an_index_matched_whole_is_ranked_whole_not_an_error() -> None:
    index = SearchIndex([Entry("A", "餐饮服务", "can yin fu wu", 5), Entry("B", "水稻", "shui dao", 0)])
    assert [h.code for h in index.search("水稻")] == ["B"]
    assert index.search("shuidao")[0].score > index.search("shuid")[0].score  # whole beats prefix
    assert index.search("餐饮服务")[0].score > index.search("餐饮")[0].score
