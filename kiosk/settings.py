"""Typed configuration loaded from TOML and validated before anything starts.

A kiosk misconfigured in the field must fail at start with one paragraph that names the file, the
key and what was expected, never with a traceback halfway through an applicant's session. Device
tables are validated against the options dataclass of the device kind they name, so each driver
declares its own keys and the loader needs no knowledge of them.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk import devices_catalog

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.toml"


class ConfigError(Exception):
    """One readable paragraph: which file, which key, what was expected."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        where = f" at key '{key}'" if key else ""
        super().__init__(f"Configuration error in {path}{where}: {problem}")


@dataclass(frozen=True)
class KioskSection:
    id: str = "KIOSK-DEMO-001"
    language: str = "zh_CN"  # first language shown on the attract screen
    languages: list[str] = field(default_factory=lambda: ["zh_CN", "en"])
    var_dir: str = "var"  # journal, prints, keys; relative paths are relative to the project root
    log_level: str = "INFO"


@dataclass(frozen=True)
class DisplaySection:
    width: int = 1080
    height: int = 1920
    fullscreen: bool = False
    lockdown: bool = True  # ESC and window close do nothing; cursor hidden
    show_cursor: bool = False
    maxfps: int = 30


@dataclass(frozen=True)
class TimeoutSection:
    """Seconds each state may sit without progress before its timeout transition fires."""

    consent: float = 60
    card_wait: float = 60
    card_access: float = 90
    card_read: float = 30
    face_check: float = 60
    form: float = 240
    review: float = 120
    submit: float = 40
    decision: float = 60
    decision_auto_advance: float = 2.5
    printing: float = 60
    done: float = 12
    retry: float = 45
    staff: float = 300
    out_of_service_probe: float = 10
    attract_probe: float = 60  # idle health check, so a fault shows before an applicant starts; 0: off
    idle_warning: float = 15  # a "need more time?" countdown shows for this long before timeout
    diag_pin: float = 30
    diag: float = 300


@dataclass(frozen=True)
class PolicySection:
    refuse_unverified_chip: bool = True
    max_attempts: int = 3  # per step, before the kiosk offers staff help instead of looping
    submit_retries: int = 3
    recovered_print: str = "hold"  # unprinted licences after a fault/crash: "hold" for staff, or "print" (watched tray)


@dataclass(frozen=True)
class DiagnosticsSection:
    pin_hash: str = ""  # Argon2id hash; empty: diagnostics cannot be entered (set one with `diag set-pin`)
    gesture_taps: int = 5  # taps on the header's top-left corner ...
    gesture_window_s: float = 3.0  # ... within this many seconds
    max_failures: int = 5
    lockout_s: float = 300
    metrics_host: str = "127.0.0.1"  # Prometheus text endpoint; loopback unless deliberately opened
    metrics_port: int = 9464  # 0: no endpoint
    test_card_can: str = ""  # CAN of the technicians' test card, for the reader page's test read


@dataclass(frozen=True)
class DeviceSection:
    kind: str
    options: Any  # the kind's own frozen options dataclass


@dataclass(frozen=True)
class Settings:
    path: Path
    kiosk: KioskSection
    display: DisplaySection
    timeouts: TimeoutSection
    policy: PolicySection
    diagnostics: DiagnosticsSection
    reader: DeviceSection
    camera: DeviceSection
    printer: DeviceSection
    registry: DeviceSection
    face: Any

    @property
    def var_dir(self) -> Path:
        p = Path(self.kiosk.var_dir)
        return p if p.is_absolute() else PROJECT_ROOT / p


SECTIONS = {
    "kiosk": KioskSection,
    "display": DisplaySection,
    "timeouts": TimeoutSection,
    "policy": PolicySection,
    "diagnostics": DiagnosticsSection,
}
DEVICE_TABLES = ("reader", "camera", "printer", "registry")


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _check_value(path: Path, key: str, value: Any, tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        for arm in typing.get_args(tp):
            if arm is type(None):
                if value is None:
                    return None
                continue
            try:
                return _check_value(path, key, value, arm)
            except ConfigError:
                continue
        raise ConfigError(path, key, f"expected {_type_name(tp)}, got {type(value).__name__} {value!r}")
    if origin in (list, tuple):
        (item_tp, *_) = typing.get_args(tp) or (Any,)
        if not isinstance(value, list):
            raise ConfigError(path, key, f"expected a list, got {type(value).__name__} {value!r}")
        items = [_check_value(path, f"{key}[{i}]", v, item_tp) for i, v in enumerate(value)]
        return items if origin is list else tuple(items)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(path, key, f"expected a number, got {type(value).__name__} {value!r}")
        return float(value)
    if tp is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(path, key, f"expected an integer, got {type(value).__name__} {value!r}")
    if tp in (str, bool) and not isinstance(value, tp):
        raise ConfigError(
            path, key, f"expected {'text' if tp is str else 'true or false'}, "
            f"got {type(value).__name__} {value!r}"
        )
    if dataclasses.is_dataclass(tp):
        return build_dataclass(path, key, tp, value)
    return value


def build_dataclass(path: Path, prefix: str, cls: Any, table: Any) -> Any:
    """Build ``cls`` from a TOML table, rejecting unknown keys and wrong types by name."""
    if not isinstance(table, dict):
        raise ConfigError(path, prefix, f"expected a table, got {type(table).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(table) - set(fields))
    if unknown:
        name = f"{prefix}.{unknown[0]}" if prefix else unknown[0]
        raise ConfigError(path, name, f"unknown key; expected one of: {', '.join(sorted(fields))}")
    values = {}
    for name, f in fields.items():
        key = f"{prefix}.{name}" if prefix else name
        if name in table:
            values[name] = _check_value(path, key, table[name], hints[name])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(path, key, f"missing required key (expected {_type_name(hints[name])})")
    try:
        return cls(**values)
    except (ValueError, TypeError) as exc:  # the options class's own checks (__post_init__)
        raise ConfigError(path, prefix, str(exc)) from None


def _device(path: Path, table_name: str, table: Any) -> DeviceSection:
    if not isinstance(table, dict):
        raise ConfigError(path, table_name, "missing table; every device needs one with a 'kind'")
    kinds = devices_catalog.KINDS[table_name]
    kind = table.get("kind")
    if kind not in kinds:
        raise ConfigError(
            path, f"{table_name}.kind", f"expected one of {', '.join(sorted(kinds))}, got {kind!r}"
        )
    options_cls = devices_catalog.options_class(table_name, kind)
    rest = {k: v for k, v in table.items() if k != "kind"}
    return DeviceSection(kind=kind, options=build_dataclass(path, table_name, options_cls, rest))


def load(path: Path | str | None = None) -> Settings:
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, "", "the file does not exist") from None
    except OSError as exc:
        raise ConfigError(path, "", f"the file cannot be read ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(path, "", f"the file is not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "", f"the file is not valid TOML ({exc})") from None
    known = set(SECTIONS) | set(DEVICE_TABLES) | {"face"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(path, unknown[0], f"unknown table; expected one of: {', '.join(sorted(known))}")
    sections = {name: build_dataclass(path, name, cls, data.get(name, {})) for name, cls in SECTIONS.items()}
    devices = {name: _device(path, name, data.get(name)) for name in DEVICE_TABLES}
    face = build_dataclass(path, "face", devices_catalog.face_options_class(), data.get("face", {}))
    settings = Settings(path=path, face=face, **sections, **devices)
    if settings.kiosk.language not in settings.kiosk.languages:
        allowed = ", ".join(settings.kiosk.languages)
        raise ConfigError(path, "kiosk.language", f"must be one of kiosk.languages ({allowed})")
    return settings
