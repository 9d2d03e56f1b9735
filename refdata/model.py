"""The national reference set as plain immutable records with the look-ups the rules need.

Pure Python (no FastAPI, no database) so that the kiosk can load the same files it downloaded
and run the same checks offline.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PROVINCE, PREFECTURE, COUNTY, TOWNSHIP = 1, 2, 3, 4
SECTION, DIVISION, GROUP, CLASS = 1, 2, 3, 4  # GB/T 4754: 门类, 大类, 中类, 小类
GENERAL, POST, PRIOR = "general", "post", "prior"


@dataclass(frozen=True, slots=True)
class Division:
    """One GB/T 2260 unit (levels 1-3) or township/street (level 4, NBS 9-digit code)."""

    code: str
    parent: str
    level: int
    name: str
    pinyin: str
    registrable: bool  # False for Taiwan, Hong Kong and Macao: not registered by this system


@dataclass(frozen=True, slots=True)
class Industry:
    """One GB/T 4754-2017 node; `code` carries its section letter (H6210, H62, H621, H)."""

    code: str
    parent: str
    level: int
    name: str
    pinyin: str
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class Permit:
    id: str
    name_zh: str
    name_en: str
    stage: str  # POST or PRIOR
    authority_zh: str
    basis: str


@dataclass(frozen=True, slots=True)
class ScopeItem:
    code: str
    class_code: str  # the GB/T 4754 small class it is filed under
    name_zh: str
    name_en: str
    permit: str  # Permit.id, "" for a general item
    origin: str  # "class" (the class's own name) or "common" (everyday wording)
    weight: int  # search prior: everyday items and shop sectors first
    pinyin: str
    keywords: tuple[tuple[str, str], ...] = ()

    def kind(self, permits: dict[str, Permit]) -> str:
        return permits[self.permit].stage if self.permit else GENERAL


@dataclass(frozen=True)
class Hanzi:
    """通用规范汉字表 membership and the simplified form of traditional and variant characters."""

    standard: str  # the 8,105 characters in table order
    level_ends: tuple[int, ...]
    traditional: dict[str, str]
    variant: dict[str, str]
    readings: dict[str, str]
    members: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", frozenset(self.standard))

    def level(self, ch: str) -> int:
        """1, 2 or 3 (the table's three levels), 0 if not in the table."""
        pos = self.standard.find(ch)
        if pos < 0:
            return 0
        return next(n for n, end in enumerate(self.level_ends, start=1) if pos < end)


@dataclass(frozen=True)
class ReferenceData:
    version: str
    meta: dict[str, Any]
    divisions: dict[str, Division]
    industries: dict[str, Industry]
    scope: dict[str, ScopeItem]
    permits: dict[str, Permit]
    hanzi: Hanzi
    children: dict[str, tuple[str, ...]]  # division code -> child codes ("" -> provinces)

    def division_path(self, code: str) -> list[Division]:
        """From the province down to `code`; empty if unknown."""
        path: list[Division] = []
        node = self.divisions.get(code)
        while node is not None:
            path.append(node)
            node = self.divisions.get(node.parent) if node.parent else None
        return path[::-1]

    def county_of(self, code: str) -> Division | None:
        """The registering unit of an address: the county, or a prefecture without counties."""
        path = self.division_path(code)
        units = [d for d in path if d.level <= COUNTY]
        return units[-1] if units and units[-1].level >= PREFECTURE else None

    def name_prefix(self, code: str) -> str:
        """The 行政区划 segment of a business name: prefecture + county, e.g. 威海市环翠区.

        Municipalities and county-level units directly under a province use the county alone
        (北京市朝阳区 keeps the municipality, 济源市 stands alone)."""
        path = [d for d in self.division_path(code) if d.level <= COUNTY]
        if not path:
            return ""
        county = path[-1]
        parent = path[-2] if len(path) >= 2 else None
        if county.level == PREFECTURE or parent is None:
            return county.name
        if parent.level == PROVINCE and not parent.name.endswith("市"):
            return county.name
        return parent.name + county.name

    def items_of_class(self, class_code: str) -> list[ScopeItem]:
        return [s for s in self.scope.values() if s.class_code == class_code]

    def iter_county_level(self) -> Iterator[Division]:
        """Every unit at county level or above (the names that may not be a 字号)."""
        return (d for d in self.divisions.values() if d.level <= COUNTY)
