"""Typed configuration loaded from TOML and validated before anything starts.

A kiosk misconfigured in the field must fail at start with one paragraph that names the file, the
key and what was expected, never with a traceback halfway through an applicant's session. Every
section and every device's options class is a strict pydantic dataclass whose fields declare their
type and range (drivers/option_fields.py); the loader only turns pydantic's findings into that
paragraph, so a new setting needs nothing but its declaration. Device tables are validated against
the options class of the device kind they name, so each driver declares its own keys.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import stat
import tomllib
from dataclasses import dataclass as plain_dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import argon2
from pydantic import AfterValidator, Field, ValidationError
from pydantic.dataclasses import dataclass

from drivers import option_fields
from drivers.option_fields import DAY_S, STRICT, OptionError, PortOrZero, Seconds, Text, rule
from kiosk import devices_catalog, i18n
from kiosk.diag.config_view import PERSONAL, SECRET_WORDS
from kiosk.flow.states import INPUT_STATES, TIMEOUT_FIELD, State
from kiosk.voice.options import VoiceSection

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.toml"
PSEUDO_FILESYSTEMS = (Path("/proc"), Path("/sys"), Path("/dev"))
MIB = 1024 * 1024


class ConfigError(Exception):
    """One readable paragraph: which file, which key, what was expected."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        # A key is the file's own text: control characters are shown escaped so the
        # message stays one line in the log and on the technician's screen.
        shown = key.encode("unicode_escape").decode("ascii") if not key.isprintable() else key
        where = f" at key '{shown}'" if key else ""
        super().__init__(f"Configuration error in {path}{where}: {problem}")


def resolve_var_dir(value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else PROJECT_ROOT / p


def _usable_var_dir(value: str) -> str:
    """A directory the kiosk can create and keep to itself: not a file, not a kernel
    pseudo-filesystem, not a directory others share (the kiosk makes its var dir owner-only)."""
    if "\0" in value:
        raise ValueError("expected a path without NUL characters")
    path = _resolved(resolve_var_dir(value))
    if any(path == fs or fs in path.parents for fs in PSEUDO_FILESYSTEMS):
        raise ValueError("expected a directory on disk, not under /proc, /sys or /dev")
    if path == Path(path.anchor) or path.parent == Path(path.anchor) or path == Path.home():
        raise ValueError("expected a directory of the kiosk's own such as /var/lib/licence-kiosk, "
                         "not the root, a top-level or a home directory")
    try:
        if path.is_dir() and path.stat().st_mode & stat.S_ISVTX:
            raise ValueError(f"expected a directory of the kiosk's own; {path} is shared (sticky, like /tmp)")
        existing = next((p for p in (path, *path.parents) if p.exists()), None)
    except OSError as exc:  # e.g. a parent the kiosk's user may not enter
        raise ValueError(f"expected a directory the kiosk can use; {path}: {exc.strerror}") from None
    if existing is not None and not existing.is_dir():
        what = "is a file" if existing == path else f"cannot be created: {existing} is not a directory"
        raise ValueError(f"expected a directory; {path} {what}")
    return value


_usable_var_dir.expectation = (  # type: ignore[attr-defined]
    "a directory of the kiosk's own, relative to the project root or absolute: not a file, not under /proc, "
    "/sys or /dev, not /, a top-level, a home or a shared (sticky) directory")


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: judge the path as written
        return path


def _is_host(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return 0 < len(value) <= 253 and all(c.isascii() and (c.isalnum() or c in ".-") for c in value)


def _is_argon2id(value: str) -> bool:
    try:
        return argon2.extract_parameters(value).type is argon2.Type.ID
    except (ValueError, argon2.exceptions.InvalidHashError):
        return False


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
Language = Annotated[str, rule(lambda s: s in i18n.languages(),
                               f"a language with a catalogue in assets/locale ({', '.join(i18n.languages())})")]
SixDigits = Annotated[str, rule(lambda s: s == "" or (len(s) == 6 and s.isascii() and s.isdigit()),
                                "empty or 6 digits")]


@dataclass(frozen=True, config=STRICT)
class KioskSection:
    # shown in logs and the technicians' tools
    id: Annotated[str, rule(lambda s: 0 < len(s) <= 64 and s.isascii() and all(c.isalnum() or c in "-_." for c in s),
                            "1 to 64 letters, digits, '-', '_' or '.'")] = "KIOSK-DEMO-001"
    language: Language = "zh_CN"  # first language shown on the attract screen
    # the header's language buttons offer these (the catalogues in assets/locale)
    languages: Annotated[list[Language], Field(min_length=1, max_length=10)] = dataclasses.field(
        default_factory=lambda: ["zh_CN", "en"])
    # journal, prints, keys, logs; relative paths are relative to the project root
    var_dir: Annotated[str, Field(min_length=1), AfterValidator(_usable_var_dir)] = "var"
    log_level: LogLevel = "INFO"  # the kiosk's own records (kiosk, drivers, registry_service)
    library_log_level: LogLevel = "WARNING"  # everything else: Kivy, urllib3, fontTools, uvicorn ...
    log_max_bytes: Annotated[int, Field(ge=64 * 1024, le=1024 * MIB)] = 10 * MIB  # kiosk.log rotates at this size
    log_backups: Annotated[int, Field(ge=1, le=100)] = 5  # kiosk.log.1 ... kiosk.log.N are kept

    def __post_init__(self) -> None:
        if len(set(self.languages)) != len(self.languages):
            raise OptionError("languages", "a language is listed twice")
        if self.language not in self.languages:
            raise OptionError("language", f"must be one of kiosk.languages ({', '.join(self.languages)})")


@dataclass(frozen=True, config=STRICT)
class DisplaySection:
    width: Annotated[int, Field(ge=240, le=8192)] = 1080  # window size in pixels (portrait touchscreen)
    height: Annotated[int, Field(ge=240, le=8192)] = 1920
    fullscreen: bool = False  # borderless full screen (a real kiosk)
    lockdown: bool = True  # ESC and window close do nothing; cursor hidden
    show_cursor: bool = False
    maxfps: Annotated[int, Field(ge=1, le=240)] = 30  # frame-rate cap (Kivy's 0, no cap, busy-spins the CPU)


@dataclass(frozen=True, config=STRICT)
class TimeoutSection:
    """Seconds each screen may sit without progress before its timeout fires (docs/flow.md)."""

    consent: Seconds = 60
    card_wait: Seconds = 60
    card_access: Seconds = 90
    card_read: Seconds = 30
    face_check: Seconds = 60
    form: Seconds = 240
    review: Seconds = 120
    submit: Seconds = 40
    decision: Seconds = 60
    decision_auto_advance: Seconds = 2.5
    printing: Seconds = 60
    done: Seconds = 12
    rating: Seconds = 45  # the service rating; no answer counts as no rating
    rating_thanks: Seconds = 5  # the "thank you" after a rating, then the attract screen
    retry: Seconds = 45
    staff: Seconds = 300
    out_of_service_probe: Annotated[float, Field(ge=1, le=DAY_S)] = 10  # re-check while out of service
    # idle health check, so a fault shows before an applicant starts; 0: off
    attract_probe: Annotated[float, Field(ge=0, le=DAY_S), rule(lambda v: v == 0 or v >= 1,
                                                                "0 (off) or at least 1 second")] = 60
    # the "tap to continue, or what you entered is cleared" countdown this long before an input
    # screen times out; shorter than them all
    idle_warning: Annotated[float, Field(ge=0, le=DAY_S)] = 15
    # elderly mode (长辈模式): the applicant's screens, their countdown and the rating's "thank
    # you" wait this many times longer (device timeouts do not change)
    elderly_factor: Annotated[float, Field(ge=1, le=5)] = 2
    diag_pin: Seconds = 30
    diag: Seconds = 300

    def __post_init__(self) -> None:
        limit, name = min((getattr(self, TIMEOUT_FIELD[s]), TIMEOUT_FIELD[s]) for s in INPUT_STATES - {State.DONE})
        if self.idle_warning >= limit:
            raise OptionError("idle_warning", f"must be shorter than timeouts.{name} ({limit:g}): the countdown "
                                              "would show from the moment that screen opens")


@dataclass(frozen=True, config=STRICT)
class PolicySection:
    refuse_unverified_chip: bool = True  # a chip failing Passive Authentication is refused
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 3  # per step, before the kiosk offers staff help
    submit_retries: Annotated[int, Field(ge=0, le=10)] = 3  # not read: [registry] max_attempts bounds retries
    # unprinted documents after a fault or crash: "hold" for staff, or "print" (a tray staff watch)
    recovered_print: Literal["hold", "print"] = "hold"
    # the service rating (好差评) after every case with a real step; false only where the hall
    # offers its own rating device at the kiosk
    rating: bool = True
    # a printed or voided document's stored bytes are dropped this long after (held ones: never)
    print_retention_hours: Annotated[float, Field(ge=0.01, le=8760)] = 168


Copy = Literal["fuben", "zhengben"]


@dataclass(frozen=True, config=STRICT)
class PrintingSection:
    """Where the licence comes out (docs/printing.md). On pre-printed stock each copy has a layout file."""

    # "thermal": the licence on [printer] (the demo); "sheet": on licence stock in [sheet_printer];
    # "sheet+receipt": on stock, plus a 回执 (case number, name, USCC, QR, where to collect) on [printer]
    outputs: Literal["thermal", "sheet", "sheet+receipt"] = "thermal"
    # which licence copies the sheet printer prints, in order: 副本 (A4) and, where the bureau wants it, 正本 (A3)
    copies: Annotated[list[Copy], Field(min_length=1, max_length=2)] = dataclasses.field(
        default_factory=lambda: ["fuben"])
    # layout files (assets/layouts/), relative to the project root or absolute
    layout_fuben: Text = "assets/layouts/licence-fuben-a4.toml"
    layout_zhengben: Text = "assets/layouts/licence-zhengben-a3.toml"
    # the receipt's line on where to collect the licence; "" = the built-in wording
    collect_at: Annotated[str, Field(max_length=200)] = ""

    def __post_init__(self) -> None:
        if len(set(self.copies)) != len(self.copies):
            raise OptionError("copies", "a copy is listed twice")


@dataclass(frozen=True, config=STRICT)
class DiagnosticsSection:
    # Argon2id hash; empty: diagnostics cannot be entered (set one with `diag set-pin`)
    pin_hash: Annotated[str, rule(lambda s: s == "" or _is_argon2id(s),
                                  "empty or an Argon2id hash written by `main.py diag set-pin`")] = ""
    gesture_taps: Annotated[int, Field(ge=3, le=20)] = 5  # taps on the header's top-left corner ...
    gesture_window_s: Annotated[float, Field(gt=0, le=30)] = 3.0  # ... within this many seconds
    max_failures: Annotated[int, Field(ge=1, le=20)] = 5  # wrong PINs before the lockout
    lockout_s: Annotated[float, Field(ge=60, le=DAY_S)] = 300  # then no PIN is accepted for this long
    # Prometheus text endpoint; loopback unless deliberately opened ("" or 0.0.0.0: every interface)
    metrics_host: Annotated[str, rule(lambda s: s == "" or _is_host(s), "an IP address or host name")] = "127.0.0.1"
    metrics_port: PortOrZero = 9464  # 0: no endpoint
    test_card_can: SixDigits = ""  # CAN of the technicians' test card, for the reader page's test read
    audit_max_bytes: Annotated[int, Field(ge=64 * 1024, le=1024 * MIB)] = 1 * MIB  # audit.log rotates here
    audit_backups: Annotated[int, Field(ge=1, le=100)] = 5  # audit.log.1 ... audit.log.N are kept


@plain_dataclass(frozen=True)
class DeviceSection:
    kind: str
    options: Any  # the kind's own frozen options dataclass
    key: str = ""  # where it is in the file ("printer", "readers[1]"), for error messages

    @property
    def document(self) -> str:
        """For a reader: the document family it reads (devices_catalog.READER_DOCUMENT)."""
        return devices_catalog.READER_DOCUMENT.get(self.kind, "")


@plain_dataclass(frozen=True)
class Settings:
    path: Path
    kiosk: KioskSection
    display: DisplaySection
    timeouts: TimeoutSection
    policy: PolicySection
    diagnostics: DiagnosticsSection
    printing: PrintingSection
    readers: tuple[DeviceSection, ...]  # in config order; the identity step waits on all of them
    camera: DeviceSection
    printer: DeviceSection
    registry: DeviceSection
    sheet_printer: DeviceSection
    face: Any
    layouts: tuple[Any, ...] = ()  # kiosk.printing.sheet_layout.Layout per copy, when printing on stock
    voice: VoiceSection = dataclasses.field(default_factory=VoiceSection)  # spoken prompts (docs/voice.md)

    @property
    def var_dir(self) -> Path:
        return resolve_var_dir(self.kiosk.var_dir)

    @property
    def reader(self) -> DeviceSection:
        """The first configured reader."""
        return self.readers[0]

    def reader_for(self, document: str) -> DeviceSection | None:
        """The first reader of a document family (devices_catalog.PASSPORT / RESIDENT_CARD)."""
        return next((r for r in self.readers if r.document == document), None)


SECTIONS = {
    "kiosk": KioskSection,
    "display": DisplaySection,
    "timeouts": TimeoutSection,
    "policy": PolicySection,
    "diagnostics": DiagnosticsSection,
    "printing": PrintingSection,
    "voice": VoiceSection,
}
DEVICE_TABLES = ("camera", "printer", "registry", "sheet_printer")
OPTIONAL_DEVICES = {"sheet_printer": {"kind": "none"}}  # a missing table means this
MAX_READERS = 4
# Options naming one physical reader: two entries naming the same one would race for its cards.
READER_IDENTITY = {"pcsc": "reader", "resident_id": "port"}


def _shown(name: str, value: Any) -> str:
    """The offending value, unless it is a secret or (simulated) personal data."""
    if any(word in name.lower() for word in SECRET_WORDS) or name in PERSONAL:
        return ""
    return option_fields.shown(name, value)


def _translate(path: Path, prefix: str, cls: Any, exc: ValidationError) -> ConfigError:
    key, problem = option_fields.explain(cls, exc, _shown)
    return ConfigError(path, _join(prefix, key) if key else prefix, problem)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def build_dataclass(path: Path, prefix: str, cls: Any, table: Any) -> Any:
    """Build the strict dataclass ``cls`` from a TOML table; any finding becomes a ConfigError."""
    if not isinstance(table, dict):
        raise ConfigError(path, prefix, f"expected a table, got {type(table).__name__}")
    fields = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise ConfigError(path, _join(prefix, unknown[0]), f"unknown key; expected one of: {', '.join(sorted(fields))}")
    try:
        return cls(**table)
    except ValidationError as exc:
        raise _translate(path, prefix, cls, exc) from None


def _device(path: Path, table_name: str, table: Any, key: str | None = None) -> DeviceSection:
    """A device table validated against its kind's options; ``key`` names it in errors
    (``readers[1]``) when that is not the catalogue's table name."""
    key = key or table_name
    if table is None:
        raise ConfigError(path, key, "missing table; every device needs one with a 'kind'")
    if not isinstance(table, dict):
        raise ConfigError(path, key, f"expected a table with a 'kind', got {type(table).__name__}")
    kinds = devices_catalog.KINDS[table_name]
    kind = table.get("kind")
    if not isinstance(kind, str) or kind not in kinds:
        raise ConfigError(
            path, f"{key}.kind", f"expected one of {', '.join(sorted(kinds))}, got {kind!r}"
        )
    options_cls = devices_catalog.options_class(table_name, kind)
    rest = {k: v for k, v in table.items() if k != "kind"}
    return DeviceSection(kind=kind, options=build_dataclass(path, key, options_cls, rest), key=key)


def _readers(path: Path, data: dict[str, Any]) -> tuple[DeviceSection, ...]:
    """``[[readers]]`` tables in order, or the single ``[reader]`` table older configs have."""
    if "reader" in data and "readers" in data:
        raise ConfigError(path, "readers", "use either one [reader] table or [[readers]] tables, not both "
                                           "(a [reader] table is the same as one [[readers]] table)")
    if "readers" not in data:
        if "reader" not in data:
            raise ConfigError(path, "readers", "missing; every kiosk needs at least one [[readers]] table "
                                               "with a 'kind'")
        return (_device(path, "reader", data["reader"]),)
    tables = data["readers"]
    if not isinstance(tables, list) or not 1 <= len(tables) <= MAX_READERS:
        raise ConfigError(path, "readers", f"expected 1 to {MAX_READERS} [[readers]] tables")
    readers = tuple(_device(path, "reader", t, f"readers[{i}]") for i, t in enumerate(tables))
    seen: dict[tuple[str, object], int] = {}
    for i, r in enumerate(readers):
        option = READER_IDENTITY.get(r.kind)
        if option is None:
            continue
        name = (r.kind, getattr(r.options, option))
        if name in seen:
            raise ConfigError(path, f"readers[{i}].{option}",
                              f"names the same reader as readers[{seen[name]}]; each reader once")
        seen[name] = i
    return readers


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
    known = set(SECTIONS) | set(DEVICE_TABLES) | {"face", "reader", "readers"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(path, unknown[0], f"unknown table; expected one of: {', '.join(sorted(known))}")
    sections = {name: build_dataclass(path, name, cls, data.get(name, {})) for name, cls in SECTIONS.items()}
    readers = _readers(path, data)
    devices = {name: _device(path, name, data.get(name, OPTIONAL_DEVICES.get(name))) for name in DEVICE_TABLES}
    face = build_dataclass(path, "face", devices_catalog.face_options_class(), data.get("face", {}))
    layouts = _layouts(path, sections["printing"], devices["sheet_printer"])
    return Settings(path=path, face=face, layouts=layouts, readers=readers, **sections, **devices)


def _layouts(path: Path, printing: PrintingSection, sheet: DeviceSection) -> tuple[Any, ...]:
    """Printing on stock needs a sheet printer, and every copy's layout file must load: checked
    at start like the rest, a layout's own errors naming the layout file and its key."""
    if printing.outputs == "thermal":
        return ()
    if sheet.kind == "none":
        raise ConfigError(path, "printing.outputs", f'"{printing.outputs}" needs a [sheet_printer] table with a kind '
                                                    "other than \"none\"")
    from kiosk.printing.sheet_layout import load_layout

    layouts = []
    for copy in printing.copies:
        layout = load_layout(getattr(printing, f"layout_{copy}"))
        if layout.stock.name != copy:
            raise ConfigError(path, f"printing.layout_{copy}", f"{layout.path} is the layout of the "
                                                               f"{layout.stock.name!r} stock, not {copy!r}")
        layouts.append(layout)
    return tuple(layouts)
