"""Where each variable field of the licence goes on a pre-printed stock: a TOML layout file per
stock (assets/layouts/), checked when the kiosk starts.

Positions are millimetres from the top-left corner of the sheet as the licence is read (the 2019
licences are landscape). A field is a label, printed by the kiosk because one stock serves every
kind of business (经营者 here, 法定代表人 on a company's), and a value box: the value is set at
``size_pt``, wrapped per character inside ``w_mm`` and, when it needs more than ``max_lines`` or
more height than ``h_mm``, set smaller in half-point steps down to ``min_size_pt``. A value that
does not fit even then is refused (LayoutError): a legal document is never cut short.
The ``[[plain.*]]`` entries are what the stock already carries (frame, title, emblem outline,
the public system's address): drawn only on plain paper, for previews and tests.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from drivers.option_fields import STRICT, OptionError, Text
from kiosk.settings import PROJECT_ROOT, ConfigError, build_dataclass

LAYOUT_DIR = PROJECT_ROOT / "assets" / "layouts"
Mm = Annotated[float, Field(ge=0, le=1200)]
Size = Annotated[float, Field(gt=0, le=1200)]
Pt = Annotated[float, Field(ge=4, le=200)]
Align = Literal["left", "center", "right"]
# the individual-business licence's variable fields, keyed as drivers.registry.models.Licence
# (issue_date: the date under 登记机关, where the authority's seal goes)
FIELDS = ("uscc", "name", "entity_type", "operator", "composition", "premises", "scope", "registration_date",
          "authority", "issue_date")


@dataclass(frozen=True, config=STRICT)
class Stock:
    name: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,32}$")]  # "fuben", "zhengben": the job kind's suffix
    title: Text  # shown to technicians: 营业执照（副本）
    width_mm: Size  # the sheet as the licence is read
    height_mm: Size
    media: Annotated[str, Field(pattern=r"^[a-z0-9_.-]+_[0-9.]+x[0-9.]+(mm|in)$")]  # IPP media, iso_a4_210x297mm
    # calibration: where this printer puts the sheet's origin relative to the stock, per tray
    offset_x_mm: Annotated[float, Field(ge=-20, le=20)] = 0.0
    offset_y_mm: Annotated[float, Field(ge=-20, le=20)] = 0.0


@dataclass(frozen=True, config=STRICT)
class Fonts:
    family: Literal["serif", "sans"] = "serif"  # Noto Serif CJK SC (Song-like) or Noto Sans CJK SC


@dataclass(frozen=True, config=STRICT)
class FieldSpec:
    x_mm: Mm  # value box, top-left (the top of the first line's em box)
    y_mm: Mm
    w_mm: Size
    h_mm: Size
    size_pt: Pt = 12.0
    min_size_pt: Pt = 8.0  # shrink no further; beyond this the record is refused
    max_lines: Annotated[int, Field(ge=1, le=60)] = 1
    line_spacing: Annotated[float, Field(ge=1.0, le=3.0)] = 1.3  # line pitch / font size
    align: Align = "left"
    bold: bool = False
    label: str = ""  # printed to the left of the box ("" = none)
    label_x_mm: Mm = 0.0
    label_y_mm: Annotated[float, Field(ge=-1, le=1200)] = -1.0  # -1: level with the value's first line
    label_width_mm: Annotated[float, Field(ge=0, le=200)] = 0.0  # >0: characters spread over it (名　　称)
    label_size_pt: Pt = 12.0
    label_bold: bool = False  # a second weight costs its own font in the PDF (~1.5 s to parse)

    def __post_init__(self) -> None:
        if self.min_size_pt > self.size_pt:
            raise OptionError("min_size_pt", f"must not exceed size_pt ({self.size_pt:g})")
        beside = self.label_y_mm < 0
        if self.label and beside and self.label_x_mm + self.label_width_mm > self.x_mm + 0.01:
            raise OptionError("label_x_mm", f"the label ({self.label_x_mm:g} + {self.label_width_mm:g} mm) runs "
                                            f"into the value box at x_mm = {self.x_mm:g}")


@dataclass(frozen=True, config=STRICT)
class QrSpec:
    x_mm: Mm  # the symbol's quiet zone included
    y_mm: Mm
    size_mm: Annotated[float, Field(ge=10, le=200)]
    min_module_mm: Annotated[float, Field(ge=0.15, le=3)] = 0.25  # smaller modules: refused


@dataclass(frozen=True, config=STRICT)
class FixedText:
    text: Text
    x_mm: Mm  # left edge; centre or right edge with align
    y_mm: Mm  # top of the em box
    size_pt: Pt = 10.0
    align: Align = "left"
    bold: bool = False
    spacing_mm: Annotated[float, Field(ge=0, le=100)] = 0.0  # extra space between characters


@dataclass(frozen=True, config=STRICT)
class FixedRect:
    x_mm: Mm
    y_mm: Mm
    w_mm: Size
    h_mm: Size
    line_mm: Annotated[float, Field(gt=0, le=10)] = 0.3


@dataclass(frozen=True, config=STRICT)
class FixedCircle:
    cx_mm: Mm
    cy_mm: Mm
    r_mm: Size
    line_mm: Annotated[float, Field(gt=0, le=10)] = 0.3
    dashed: bool = False
    label: str = ""  # small text in the middle (e.g. 国徽 for the emblem's place)


@dataclass(frozen=True)
class Layout:
    path: Path
    stock: Stock
    fonts: Fonts
    fields: dict[str, FieldSpec]
    qr: QrSpec
    texts: tuple[FixedText, ...]
    rects: tuple[FixedRect, ...]
    circles: tuple[FixedCircle, ...]


def _boxes_overlap(a: FieldSpec, b: FieldSpec) -> bool:
    return (a.x_mm < b.x_mm + b.w_mm and b.x_mm < a.x_mm + a.w_mm
            and a.y_mm < b.y_mm + b.h_mm and b.y_mm < a.y_mm + a.h_mm)


def _inside(path: Path, key: str, x: float, y: float, w: float, h: float, stock: Stock) -> None:
    if x + w > stock.width_mm + 1e-6 or y + h > stock.height_mm + 1e-6:
        raise ConfigError(path, key, f"reaches {x + w:g} x {y + h:g} mm, beyond the {stock.width_mm:g} x "
                                     f"{stock.height_mm:g} mm sheet")


def _entries(path: Path, data: dict[str, Any], key: str, cls: Any) -> tuple[Any, ...]:
    plain = data.get("plain", {})
    if not isinstance(plain, dict):
        raise ConfigError(path, "plain", "expected a table")
    items = plain.get(key, [])
    if not isinstance(items, list):
        raise ConfigError(path, f"plain.{key}", "expected an array of tables ([[plain." + key + "]])")
    return tuple(build_dataclass(path, f"plain.{key}[{i}]", cls, item) for i, item in enumerate(items))


def load_layout(path: Path | str) -> Layout:
    """Parse and check one layout file; any problem is a ConfigError naming the file and key."""
    path = Path(path)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(path, "", "the layout file does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "", f"the layout file cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "", f"the layout file is not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"stock", "fonts", "fields", "qr", "plain"})
    if unknown:
        raise ConfigError(path, unknown[0], "unknown table; expected one of: fields, fonts, plain, qr, stock")
    for required in ("stock", "fields", "qr"):
        if required not in data:
            raise ConfigError(path, required, "missing table")
    stock = build_dataclass(path, "stock", Stock, data["stock"])
    fonts = build_dataclass(path, "fonts", Fonts, data.get("fonts", {}))
    raw_fields = data["fields"]
    if not isinstance(raw_fields, dict):
        raise ConfigError(path, "fields", "expected a table of fields")
    extra = sorted(set(raw_fields) - set(FIELDS))
    if extra:
        raise ConfigError(path, f"fields.{extra[0]}", f"unknown field; expected one of: {', '.join(FIELDS)}")
    missing = [f for f in FIELDS if f not in raw_fields]
    if missing:
        raise ConfigError(path, f"fields.{missing[0]}", "missing: every field of the licence needs a place")
    fields = {name: build_dataclass(path, f"fields.{name}", FieldSpec, raw_fields[name]) for name in FIELDS}
    for name, spec in fields.items():
        _inside(path, f"fields.{name}", spec.x_mm, spec.y_mm, spec.w_mm, spec.h_mm, stock)
    names = list(fields)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if _boxes_overlap(fields[a], fields[b]):
                raise ConfigError(path, f"fields.{b}", f"its box overlaps the box of fields.{a}")
    qr = build_dataclass(path, "qr", QrSpec, data["qr"])
    _inside(path, "qr", qr.x_mm, qr.y_mm, qr.size_mm, qr.size_mm, stock)
    for name, spec in fields.items():
        if _boxes_overlap(spec, FieldSpec(qr.x_mm, qr.y_mm, qr.size_mm, qr.size_mm)):
            raise ConfigError(path, f"fields.{name}", "its box overlaps the QR code")
    return Layout(path, stock, fonts, fields, qr, _entries(path, data, "text", FixedText),
                  _entries(path, data, "rect", FixedRect), _entries(path, data, "circle", FixedCircle))
