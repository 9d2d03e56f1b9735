"""The sample reference data shipped in registry_service/data (catalogue, divisions, ...)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class ScopeEntry:
    code: str
    permit: str  # general | post | prior
    name_zh: str
    name_en: str
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class DivisionEntry:
    code: str
    name_zh: str
    name_en: str
    streets: tuple[str, ...]

    @property
    def authority_zh(self) -> str:
        return f"{self.name_zh}市场监督管理局"


@dataclass(frozen=True)
class Catalogue:
    version: str
    scope: dict[str, ScopeEntry]
    industries: dict[str, tuple[str, str]]  # code -> (name_zh, name_en)
    forms_allowed: tuple[str, ...]
    forms_forbidden: tuple[str, ...]
    divisions: dict[str, DivisionEntry]

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "scope_items": [
                {
                    "code": s.code,
                    "permit": s.permit,
                    "name_zh": s.name_zh,
                    "name_en": s.name_en,
                    "note_zh": s.note_zh,
                    "note_en": s.note_en,
                }
                for s in self.scope.values()
            ],
            "organisation_forms": list(self.forms_allowed),
            "industries": [
                {"code": c, "name_zh": zh, "name_en": en}
                for c, (zh, en) in self.industries.items()
            ],
            "divisions": [
                {"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en}
                for d in self.divisions.values()
            ],
            "streets": [
                {"division_code": d.code, "street": s}
                for d in self.divisions.values()
                for s in d.streets
            ],
        }


def _load(name: str) -> Any:
    return json.loads(resources.files("registry_service.data").joinpath(name).read_text("utf-8"))


@cache
def catalogue() -> Catalogue:
    scope_doc = _load("scope_catalogue.json")
    scope = {
        i["code"]: ScopeEntry(
            i["code"], i["permit"], i["name_zh"], i["name_en"],
            i.get("note_zh", ""), i.get("note_en", ""),
        )
        for i in scope_doc["items"]
    }
    industries = {i["code"]: (i["name_zh"], i["name_en"]) for i in _load("industries.json")["items"]}
    forms = _load("organisation_forms.json")
    divisions = {
        d["code"]: DivisionEntry(d["code"], d["name_zh"], d["name_en"], tuple(d["streets"]))
        for d in _load("divisions.json")["items"]
    }
    digest = hashlib.sha256(
        b"".join(
            resources.files("registry_service.data").joinpath(n).read_bytes()
            for n in ("scope_catalogue.json", "industries.json", "organisation_forms.json",
                      "divisions.json")
        )
    ).hexdigest()[:8]
    return Catalogue(
        version=f"{scope_doc['version']}+{digest}",
        scope=scope,
        industries=industries,
        forms_allowed=tuple(forms["allowed"]),
        forms_forbidden=tuple(forms["forbidden"]),
        divisions=divisions,
    )
