"""County-level and higher place names, as they could appear in a 字号 (个体名称办法第八条第二款)."""

from __future__ import annotations

from collections.abc import Iterable

from registry_service.naming.words import DIVISION_SUFFIXES, NATIONALITIES


def stems(name: str) -> set[str]:
    """The full name and the name without its administrative and nationality parts:
    环翠区 -> {环翠区, 环翠}; 延边朝鲜族自治州 -> {延边朝鲜族自治州, 延边}; 新疆维吾尔自治区 -> {.., 新疆}."""
    out = {name}
    base = name
    for suffix in DIVISION_SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix) + 1:
            base = base[: -len(suffix)]
            break
    if "自治" in name:
        stripped = True
        while stripped:
            stripped = False
            for nat in sorted(NATIONALITIES, key=len, reverse=True):
                for tail in (nat + "族", nat):
                    if base.endswith(tail) and len(base) - len(tail) >= 2:
                        base = base[: -len(tail)]
                        stripped = True
                        break
                if stripped:
                    break
    if len(base) >= 2:
        out.add(base)
    return out


class PlaceNames:
    def __init__(self, names: Iterable[str]) -> None:
        self.exact: dict[str, str] = {}  # stem -> an official name it comes from
        self.full: set[str] = set()
        for name in names:
            self.full.add(name)
            for s in stems(name):
                self.exact.setdefault(s, name)

    def found_in(self, trade_name: str) -> str | None:
        """The official name the 字号 is or contains, or None."""
        if trade_name in self.exact:
            return self.exact[trade_name]
        for length in range(len(trade_name), 2, -1):  # full names of 3+ characters inside the 字号
            for i in range(len(trade_name) - length + 1):
                if trade_name[i: i + length] in self.full:
                    return trade_name[i: i + length]
        return None
