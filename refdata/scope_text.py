"""The licence's 经营范围 wording for a chosen set of scope items, in the printed standard form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from refdata.model import GENERAL, PRIOR, Permit, ReferenceData, ScopeItem

GENERAL_HEAD = "一般项目："
GENERAL_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
LICENSED_HEAD = "许可项目："
LICENSED_TAIL = ("（依法须经批准的项目，经相关部门批准后方可开展经营活动，"
                 "具体经营项目以相关部门批准文件或许可证件为准）")
SEPARATOR = "；"


@dataclass(frozen=True)
class ScopeStatement:
    text: str  # the printed wording, "" when nothing known was chosen
    general: tuple[ScopeItem, ...] = ()
    licensed: tuple[ScopeItem, ...] = ()  # post and prior items, printed under 许可项目
    permits: tuple[Permit, ...] = ()  # the permits the licensed items need, first use first
    needs_prior_permit: bool = False  # some item needs its permit before registration
    unknown: tuple[str, ...] = field(default=())  # codes not in the catalogue


def scope_statement(codes: Iterable[str], ref: ReferenceData) -> ScopeStatement:
    """Wording and classification of the chosen items; order kept, repeats dropped."""
    general: list[ScopeItem] = []
    licensed: list[ScopeItem] = []
    permits: dict[str, Permit] = {}
    unknown: list[str] = []
    for code in dict.fromkeys(codes):
        item = ref.scope.get(code)
        if item is None:
            unknown.append(code)
        elif item.kind(ref.permits) == GENERAL:
            general.append(item)
        else:
            licensed.append(item)
            permits.setdefault(item.permit, ref.permits[item.permit])
    parts = []
    if general:
        parts.append(GENERAL_HEAD + SEPARATOR.join(i.name_zh for i in general) + GENERAL_TAIL)
    if licensed:
        parts.append(LICENSED_HEAD + SEPARATOR.join(i.name_zh for i in licensed) + LICENSED_TAIL)
    return ScopeStatement(
        text="".join(parts), general=tuple(general), licensed=tuple(licensed),
        permits=tuple(permits.values()),
        needs_prior_permit=any(p.stage == PRIOR for p in permits.values()),
        unknown=tuple(unknown),
    )
