"""The running configuration as technicians may see it: secrets and demo personal data masked."""

from __future__ import annotations

import dataclasses
from typing import Any

SECRET_WORDS = ("pin", "key", "secret", "password", "token", "cert")
PERSONAL = {"surname", "given_names", "name_national", "personal_number", "document_number", "birth_date",
            "address", "can", "test_card_can", "expiry_date", "sex", "nationality"}


def _masked(name: str, value: Any) -> Any:
    lowered = name.lower()
    if any(word in lowered for word in SECRET_WORDS) or name in PERSONAL:
        return "••• (set)" if value not in ("", None) else "(not set)"
    return value


def rows(settings: Any) -> list[tuple[str, Any]]:
    """(dotted key, value) for every setting, in file order."""
    out: list[tuple[str, Any]] = []
    for section in dataclasses.fields(settings):
        value = getattr(settings, section.name)
        if section.name == "path":
            out.append(("file", str(value)))
            continue
        if isinstance(value, tuple):  # [[readers]]
            for i, item in enumerate(value):
                out += _table(f"{section.name}[{i}]", item)
            continue
        out += _table(section.name, value)
    return out


def _table(name: str, value: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if hasattr(value, "kind") and hasattr(value, "options"):
        out.append((f"{name}.kind", value.kind))
        value = value.options
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            out.append((f"{name}.{f.name}", _masked(f.name, getattr(value, f.name))))
    return out
