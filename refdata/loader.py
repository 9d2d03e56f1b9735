"""Load the shipped reference files (or a kiosk's downloaded copy) into a ReferenceData.

The version is the content hash that scripts/build_reference_data.py wrote into meta.json; it is
recomputed here so that a truncated or edited download is refused instead of half-used.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from refdata.model import (
    Division,
    Hanzi,
    Industry,
    Permit,
    ReferenceData,
    ScopeItem,
)

FILES = ("divisions.json.gz", "hanzi.json", "industries.json", "scope.json")


class ReferenceDataError(Exception):
    """The reference files are missing, damaged or do not match their version."""

    code = "reference_data_invalid"


def packaged_dir() -> Path:
    return Path(str(resources.files("refdata").joinpath("data")))


def files(data_dir: Path | None = None) -> dict[str, bytes]:
    """The files as stored (divisions gzip-compressed), meta.json included: what a download serves."""
    base = data_dir or packaged_dir()
    return {name: (base / name).read_bytes() for name in (*FILES, "meta.json")}


def manifest(data_dir: Path | None = None) -> dict[str, Any]:
    """What a client needs to decide whether to download: the version and each file's size and
    SHA-256 as served (the body of a small GET; the files themselves are immutable per version)."""
    raw = files(data_dir)
    return {
        "version": content_version(raw),
        "files": {name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in sorted(raw.items())},
    }


def content_version(raw: dict[str, bytes]) -> str:
    """The reference-set version: hash over every file's uncompressed content, by name."""
    return plain_version(plain_files(raw))


def plain_version(plain: dict[str, bytes]) -> str:
    """`content_version` of files already uncompressed (keyed by their stored names)."""
    digest = hashlib.sha256()
    for name in sorted(FILES):
        digest.update(name.encode() + b"\0" + hashlib.sha256(plain[name]).digest())
    return digest.hexdigest()[:16]


def plain_files(raw: dict[str, bytes]) -> dict[str, bytes]:
    """The stored files with the compressed ones inflated; names unchanged."""
    plain = {}
    for name, data in raw.items():
        try:
            plain[name] = gzip.decompress(data) if name.endswith(".gz") else data
        except (OSError, EOFError) as exc:
            raise ReferenceDataError(f"{name}: {exc}") from None
    return plain


def _json(raw: bytes, name: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ReferenceDataError(f"{name}: {exc}") from None


def load(data_dir: Path | None = None) -> ReferenceData:
    try:
        raw = files(data_dir)
    except OSError as exc:
        raise ReferenceDataError(f"cannot read reference data: {exc.strerror}: {exc.filename}") from None
    return load_plain(plain_files(raw))


def load_plain(plain: dict[str, bytes]) -> ReferenceData:
    """Parse and check a set of uncompressed files (a directory's or a downloaded bundle's)."""
    missing = [name for name in (*FILES, "meta.json") if name not in plain]
    if missing:
        raise ReferenceDataError(f"reference data lacks {', '.join(missing)}")
    meta = _json(plain["meta.json"], "meta.json")
    docs = {name: _json(plain[name], name) for name in FILES}  # refuses damaged files by name
    version = plain_version(plain)
    if not isinstance(meta, dict) or meta.get("version") != version:
        raise ReferenceDataError(f"reference data content {version} does not match meta.json")

    try:
        div_doc = docs["divisions.json.gz"]
        divisions = {row[0]: Division(*row) for row in div_doc["items"]}
        children: dict[str, list[str]] = {}
        for d in divisions.values():
            children.setdefault(d.parent, []).append(d.code)

        ind_doc = docs["industries.json"]
        industries = {row[0]: Industry(*row) for row in ind_doc["items"]}

        scope_doc = docs["scope.json"]
        permits = {p["id"]: Permit(**p) for p in scope_doc["permits"]}
        scope = {
            i["code"]: ScopeItem(
                code=i["code"], class_code=i["class"], name_zh=i["name_zh"], name_en=i["name_en"],
                permit=i["permit"], origin=i["origin"], weight=i["weight"], pinyin=i["pinyin"],
                keywords=tuple((k, p) for k, p in i["keywords"]),
            )
            for i in scope_doc["items"]
        }

        hz = docs["hanzi.json"]
        hanzi = Hanzi(hz["standard"], tuple(hz["level_ends"]), hz["traditional"], hz["variant"], hz["readings"])
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise ReferenceDataError(f"reference data has an unexpected shape: {exc!r}") from None
    for name, rows, parsed in (("divisions", div_doc["items"], divisions), ("industries", ind_doc["items"], industries),
                               ("scope", scope_doc["items"], scope)):
        if len(rows) != len(parsed):
            raise ReferenceDataError(f"{name}: codes are not unique")
    return ReferenceData(
        version=version, meta=meta, divisions=divisions, industries=industries, scope=scope,
        permits=permits, hanzi=hanzi, children={k: tuple(v) for k, v in children.items()},
    )


@cache
def packaged() -> ReferenceData:
    """The copy shipped with the service, loaded once per process."""
    return load()
