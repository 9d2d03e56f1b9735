"""Synthetic applications for tests, the benchmark and the demo (no real person's data)."""

from __future__ import annotations

from datetime import date
from typing import Any

from licence_wire.resident_id import make

# Common characters for generated 字号; none forms a forbidden word with its neighbour.
_NAME_CHARS = "福兴隆顺和盛昌泰安康乐美佳鑫源丰祥瑞恒达宏春华明新"


def resident_id(birth: date, sequence: int = 123, address: str = "440305") -> str:
    return make(address, birth, sequence)


def trade_name(n: int) -> str:
    """A distinct 3-character CJK 字号 for each n < 24**3, e.g. for many kiosks at once."""
    k = len(_NAME_CHARS)
    return _NAME_CHARS[n // (k * k) % k] + _NAME_CHARS[n // k % k] + _NAME_CHARS[n % k]


def application(**overrides: Any) -> dict[str, Any]:
    birth = overrides.pop("birth", date(1985, 3, 14))
    doc: dict[str, Any] = {
        "operator_name": "张伟",
        "operator_id_number": resident_id(birth),
        "operator_birth_date": birth.isoformat(),
        "composition": "individual",
        "trade_name": "福兴",
        "industry_code": "H6210",
        "organisation_form": "店",
        "division_code": "440305",
        "premises": "南山街道南山大道1001号",
        "scope_codes": ["G0101", "P0102"],
        "phone": "",
    }
    doc.update(overrides)
    return doc
