"""Property: whatever a TOML file holds, `load()` returns settings or raises ConfigError, never
anything else (a traceback at a kiosk's start is a support call)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import devices_catalog
from kiosk import settings as settings_mod


def defaults(cls: Any) -> dict[str, Any]:
    """Each field's default (None where it has none), the starting point for nearby values."""
    out = {}
    for f in dataclasses.fields(cls):
        factory = f.default_factory
        out[f.name] = f.default if f.default is not dataclasses.MISSING else (
            factory() if factory is not dataclasses.MISSING else None)
    return out


FIELDS = {name: defaults(cls) for name, cls in settings_mod.SECTIONS.items()}
FIELDS["face"] = defaults(devices_catalog.face_options_class())
KIND_FIELDS = {
    (table, kind): {"kind": kind, **defaults(devices_catalog.options_class(table, kind))}
    for table, kinds in devices_catalog.KINDS.items() for kind in kinds
}

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, -1, 5, 60, 65_535, 65_536, 10**9]),
    st.floats(),
    st.sampled_from([0.0, -0.0, 0.5, 1e-9, 1e308, math.nan, math.inf, -math.inf]),
    text,
    st.sampled_from(["", "var", "/proc/x", "/etc/passwd", "zh_CN", "en", "INFO", "usb", "virtual", "http"]),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(text, inner, max_size=2), max_leaves=4)


def toml_string(v: str) -> str:
    return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F or c in '"\\' else c
                         for c in v) + '"'


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


def near(default: Any) -> st.SearchStrategy[Any]:
    """Values a person might write for a field: its own default, numbers around it, the wrong type."""
    if isinstance(default, bool):
        return st.booleans()
    if isinstance(default, int | float):
        span = abs(default) * 2 + 10
        return st.one_of(st.integers(-span, span) if isinstance(default, int) else st.floats(-span, span),
                         st.just(default), st.floats(), st.integers(-(2**63), 2**63 - 1))
    if isinstance(default, str):
        return st.one_of(st.just(default), st.just(""), text)
    if isinstance(default, list):
        return st.lists(st.sampled_from(["zh_CN", "en", "fr", ""]), max_size=3)
    return values


@st.composite
def documents(draw: st.DrawFn) -> str:
    out = []
    # the device tables are usually all there, so that the loader gets as far as their options
    devices = [t for t in devices_catalog.KINDS if draw(st.integers(0, 9))]
    tables = draw(st.lists(st.sampled_from(list(FIELDS)), unique=True, max_size=4)) + devices
    if not draw(st.integers(0, 19)):
        tables.append("extra")
    for table in tables:
        if table in devices_catalog.KINDS:
            kind = draw(st.sampled_from(sorted(devices_catalog.KINDS[table])))
            keys = KIND_FIELDS[(table, kind)]
        else:
            kind, keys = None, FIELDS.get(table, {"a": 1})
        chosen = draw(st.lists(st.sampled_from(sorted(keys)), unique=True, max_size=4))
        if not draw(st.integers(0, 9)):  # now and then a key no class knows
            chosen.append(draw(text))
        body = {k: draw(st.one_of(near(keys.get(k)), values) if draw(st.booleans()) else near(keys.get(k)))
                for k in chosen}
        if kind is not None and "kind" not in body and draw(st.integers(0, 9)):
            body["kind"] = kind
        out.append(f"[{table}]\n" + "".join(f"{toml_string(k)} = {toml_value(v)}\n" for k, v in body.items()))
    return "\n".join(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_random_toml_never_raises_anything_but_config_error(doc: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kiosk.toml"
        path.write_text(doc, encoding="utf-8")
        try:
            settings_mod.load(path)
        except settings_mod.ConfigError as exc:
            assert "\n" not in str(exc) or "not valid TOML" in str(exc)
