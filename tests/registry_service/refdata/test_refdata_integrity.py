"""The shipped reference set: sound structure, the counts of its standards, a version that matches
its content, and damage refused."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from refdata import POST, PRIOR, ReferenceDataError, content_version, files, load, packaged
from refdata.integrity import problems
from refdata.loader import packaged_dir
from refdata.model import Division, ScopeItem


def test_the_shipped_set_has_no_problems() -> None:
    assert problems(packaged()) == []


def test_counts_of_the_standards() -> None:
    ref = packaged()
    levels = [i.level for i in ref.industries.values()]
    # GB/T 4754-2017: 20 sections, 97 divisions, 473 groups; the published count of classes is
    # 1,380 (the transcription has 1,381, see docs/reference-data.md)
    assert (levels.count(1), levels.count(2), levels.count(3)) == (20, 97, 473)
    assert 1380 <= levels.count(4) <= 1382
    assert len(ref.hanzi.standard) == 8105
    counts = {level: sum(1 for d in ref.divisions.values() if d.level == level) for level in (1, 2, 3, 4)}
    assert counts[1] == 34 and counts[2] > 330 and counts[3] > 2800 and counts[4] > 38000
    assert len(ref.scope) >= 1000
    assert json.loads(files()["meta.json"])["counts"]["scope_items"] == len(ref.scope)


def test_every_small_class_has_a_scope_item_and_every_item_is_classed() -> None:
    ref = packaged()
    classes = {i.code for i in ref.industries.values() if i.level == 4}
    assert classes == {s.class_code for s in ref.scope.values()}
    kinds = {s.kind(ref.permits) for s in ref.scope.values()}
    assert kinds == {"general", POST, PRIOR}


@pytest.mark.parametrize(("name", "kind", "permit"), [
    ("餐饮服务", POST, "食品经营许可"),
    ("烟草制品零售", POST, "烟草专卖零售许可"),
    ("西药零售", POST, "药品经营许可"),
    ("普通货物道路运输", POST, "道路货物运输经营许可"),
    ("日用百货销售", "general", ""),
    ("理发服务", "general", ""),
    ("食品销售（仅销售预包装食品）", "general", ""),
    ("典当", PRIOR, "典当经营许可"),
    ("烟草制品批发", PRIOR, "烟草专卖批发企业许可"),
])
def test_permit_classification_of_known_activities(name: str, kind: str, permit: str) -> None:
    ref = packaged()
    item = next(s for s in ref.scope.values() if s.name_zh == name)
    assert item.kind(ref.permits) == kind
    assert (ref.permits[item.permit].name_zh if item.permit else "") == permit


def test_divisions_resolve_to_the_name_segment() -> None:
    ref = packaged()
    assert ref.name_prefix("371002") == "威海市环翠区"
    assert ref.name_prefix("371002001") == "威海市环翠区"  # a street resolves to its county
    assert ref.name_prefix("110105") == "北京市朝阳区"
    assert ref.name_prefix("441900") == "东莞市"  # a prefecture without counties
    assert [d.name for d in ref.division_path("371002001")] == ["山东省", "威海市", "环翠区", "环翠楼街道"]
    assert ref.county_of("999999") is None


def test_the_version_is_the_content_hash() -> None:
    raw = files()
    assert packaged().version == content_version(raw) == json.loads(raw["meta.json"])["version"]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(packaged_dir(), target)
    return target


def test_an_edited_file_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    scope = json.loads((data / "scope.json").read_bytes())
    scope["items"][0]["permit"] = ""
    (data / "scope.json").write_text(json.dumps(scope), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="does not match"):
        load(data)


def test_a_truncated_download_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    blob = (data / "divisions.json.gz").read_bytes()
    (data / "divisions.json.gz").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(ReferenceDataError, match="divisions"):
        load(data)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    (data / "hanzi.json").unlink()
    with pytest.raises(ReferenceDataError, match="hanzi.json"):
        load(data)


def test_a_copy_loads_with_the_same_version(tmp_path: Path) -> None:
    assert load(_copy(tmp_path)).version == packaged().version


def test_problems_reports_broken_structure() -> None:
    ref = packaged()
    orphan = Division("379999001", "379999", 4, "某街道", "mou jie dao", True)
    unclassed = next(iter(ref.scope.values()))
    broken = replace(
        ref,
        divisions={**ref.divisions, orphan.code: orphan},
        scope={**{k: v for k, v in ref.scope.items() if v.class_code != "H6291"},
               "X1": ScopeItem("X1", "Z9999", "虚构项目", "", "nonexistent", "class", 0, "xu gou xiang mu")},
        permits=dict(ref.permits),
    )
    found = problems(broken)
    assert any("379999001" in p and "parent" in p for p in found)
    assert any("X1" in p and "Z9999" in p for p in found)
    assert any("X1" in p and "unknown permit" in p for p in found)
    assert any("H6291" in p and "no scope item" in p for p in found)
    assert unclassed.code in ref.scope


def test_divisions_file_is_gzip_json() -> None:
    doc = json.loads(gzip.decompress(files()["divisions.json.gz"]))
    assert doc["columns"][:4] == ["code", "parent", "level", "name"]


def _rewrite(data: Path, name: str, doc: object) -> None:
    """Replace one file and re-sign meta.json with the new content hash (a consistent but bad set)."""
    raw = json.dumps(doc, ensure_ascii=False).encode()
    (data / name).write_bytes(gzip.compress(raw) if name.endswith(".gz") else raw)
    meta = json.loads((data / "meta.json").read_bytes())
    meta["version"] = content_version(files(data))
    (data / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def test_repeated_codes_are_refused_even_with_a_matching_version(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    doc = json.loads((data / "industries.json").read_bytes())
    doc["items"].append(doc["items"][0])
    _rewrite(data, "industries.json", doc)
    with pytest.raises(ReferenceDataError, match="industries: codes are not unique"):
        load(data)


def test_rows_of_the_wrong_shape_are_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    doc = json.loads(gzip.decompress((data / "divisions.json.gz").read_bytes()))
    doc["items"][5] = ["only", "three", 1]
    _rewrite(data, "divisions.json.gz", doc)
    with pytest.raises(ReferenceDataError, match="unexpected shape"):
        load(data)


def test_manifest_lists_the_served_files_and_the_version(tmp_path: Path) -> None:
    from refdata import manifest

    m = manifest()
    assert m["version"] == packaged().version
    assert set(m["files"]) == {"divisions.json.gz", "hanzi.json", "industries.json", "scope.json", "meta.json"}
    assert all(len(f["sha256"]) == 64 and f["bytes"] > 0 for f in m["files"].values())


@pytest.mark.parametrize("code", ["37\u0661002", "371002\n", "３７１００２"])
def test_a_county_code_in_other_digits_or_with_a_newline_is_a_problem(code: str) -> None:
    ref = packaged()
    county = next(d for d in ref.divisions.values() if d.level == 3)
    odd = replace(county, code=code)
    found = problems(replace(ref, divisions={**ref.divisions, code: odd}))
    assert any(repr(code)[1:-1] in repr(p) and "does not fit level 3" in p for p in found)
