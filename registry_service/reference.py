"""The reference data the rules decide with: the sample pick lists shipped in registry_service/data
(catalogue, divisions, ...) and the national set (`refdata`: GB/T 2260 divisions, the GB/T 4754
scope catalogue). Codes of the two never collide (sample scope codes are G/P/R + 4 digits, national
ones S + class code or C + 3 digits), so a submission may use either."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import refdata
from refdata.model import COUNTY, PREFECTURE


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
    national: bool = False  # a GB/T 2260 unit: premises are street + road + number, not a list line

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

    @property
    def national(self) -> refdata.ReferenceData:
        """The national set, parsed on first use (about 0.5 s): a service start does not wait."""
        return refdata.packaged()

    def division(self, code: str) -> DivisionEntry | None:
        """A registrable national county-level unit (a prefecture without counties counts: 东莞市),
        whose streets are its townships (乡级, possibly none), else a sample division. The sample
        codes are national codes too, so their premises lines (街道 + road) still pass."""
        ref = self.national
        unit = ref.divisions.get(code)
        if unit is None or not unit.registrable or unit.level not in (PREFECTURE, COUNTY):
            return self.divisions.get(code)
        kids = [ref.divisions[c] for c in ref.children.get(code, ())]
        if unit.level == PREFECTURE and any(k.level == COUNTY for k in kids):
            return None  # a prefecture with counties registers nothing itself
        return DivisionEntry(code, ref.name_prefix(code), "", tuple(k.name for k in kids if k.level > COUNTY),
                             national=True)

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
