"""The pure parts of scripts/build_reference_data.py (the full build needs the downloaded sources)."""

from __future__ import annotations

import importlib.util
import tomllib

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("build_reference_data", ROOT / "scripts" / "build_reference_data.py")
assert spec and spec.loader
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)


def test_the_longest_permit_prefix_wins() -> None:
    permits = [{"id": "broad", "classes": ["52"]}, {"id": "narrow", "classes": ["5227"]},
               {"id": "other", "classes": []}]
    assert build._permit_for("5227", permits) == "narrow"
    assert build._permit_for("5211", permits) == "broad"
    assert build._permit_for("6210", permits) == ""


def test_every_permit_names_its_legal_basis_and_stage() -> None:
    permits = tomllib.loads((ROOT / "scripts" / "reference_sources" / "permits.toml").read_text("utf-8"))["permit"]
    assert len({p["id"] for p in permits}) == len(permits)
    for p in permits:
        assert p["stage"] in ("post", "prior") and "《" in p["basis"] and p["name_zh"], p["id"]


def test_sources_are_pinned_by_version_and_hash() -> None:
    sources = tomllib.loads((ROOT / "scripts" / "reference_sources" / "sources.toml").read_text("utf-8"))
    for name, src in sources.items():
        assert len(src["sha256"]) == 64 and src["licence"] and ("==" in src["spec"] or "@" in src["spec"]
                                                                 or "=" in src["spec"]), name


def test_transcribed_class_list_has_one_line_per_code() -> None:
    lines = (ROOT / "scripts" / "reference_sources" / "gbt4754_2017.txt").read_text("utf-8").splitlines()
    codes = [line.split(" ", 1)[0] for line in lines]
    assert len(codes) == len(set(codes))
    assert all(line.count(" ") >= 1 and line.split(" ", 1)[1].strip() for line in lines)
