"""Layout files are checked when loaded: every problem is one config-style error naming the
layout file and the key, before any licence is drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.printing.sheet_layout import FIELDS, LAYOUT_DIR, load_layout
from kiosk.settings import ConfigError

SHIPPED = LAYOUT_DIR / "licence-fuben-a4.toml"


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "layout.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["licence-fuben-a4.toml", "licence-zhengben-a3.toml"])
def test_the_shipped_layouts_load_with_every_field(name: str) -> None:
    layout = load_layout(LAYOUT_DIR / name)
    assert tuple(layout.fields) == FIELDS and layout.rects and layout.circles and layout.texts


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ("size_pt = 14.0", "size_pt = 2.0", "fields.uscc.size_pt", "from 4"),
    ("size_pt = 14.0", "size_pt = \"big\"", "fields.uscc.size_pt", "number"),
    ("min_size_pt = 11.0", "min_size_pt = 15.0", "fields.uscc.min_size_pt", "must not exceed size_pt"),
    ("w_mm = 104.0\nh_mm = 58.0", "w_mm = 104.0\nh_mm = 158.0", "fields.scope", "beyond the 297 x 210 mm sheet"),
    ("y_mm = 96.0", "y_mm = 84.0", "fields.entity_type", "overlaps the box of fields.name"),
    ("label_x_mm = 170.0", "label_x_mm = 180.0", "fields.composition.label_x_mm", "runs into the value box"),
    ("[fields.issue_date]", "[fields.issue_dat]", "fields.issue_dat", "unknown field"),
    ("x_mm = 251.0", "x_mm = 280.0", "qr", "beyond"),
    ('media = "iso_a4_210x297mm"', 'media = "A4"', "stock.media", ""),
    ("offset_x_mm = 0.0", "offset_x_mm = 40.0", "stock.offset_x_mm", "20"),
    ("line_spacing = 1.35", "colour = 1", "fields.scope.colour", "unknown key"),
])  # fmt: skip
def test_a_bad_value_names_the_file_and_key(tmp_path: Path, old: str, new: str, key: str, words: str) -> None:
    path = edited(tmp_path, old, new)
    with pytest.raises(ConfigError) as caught:
        load_layout(path)
    assert caught.value.key == key and caught.value.path == str(path)
    assert words in caught.value.problem


def test_a_missing_field_a_missing_file_and_bad_toml_are_named(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("[fields.operator]")
    path = tmp_path / "short.toml"
    path.write_text(text[:start] + text[text.index("[fields.scope]"):], encoding="utf-8")
    with pytest.raises(ConfigError, match="fields.operator"):
        load_layout(path)
    with pytest.raises(ConfigError, match="does not exist"):
        load_layout(tmp_path / "none.toml")
    (tmp_path / "bad.toml").write_text("[stock\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_layout(tmp_path / "bad.toml")


def test_the_kiosk_config_refuses_a_layout_of_the_wrong_stock(tmp_path: Path) -> None:
    from kiosk import settings
    from tests.conftest import write_config

    cfg = write_config(tmp_path, extra='\n[printing]\noutputs = "sheet"\nlayout_fuben = '
                                       '"assets/layouts/licence-zhengben-a3.toml"\n[sheet_printer]\nkind = "virtual"\n')
    with pytest.raises(ConfigError) as caught:
        settings.load(cfg)
    assert caught.value.key == "printing.layout_fuben" and "'zhengben' stock" in caught.value.problem
    cfg = write_config(tmp_path, extra='\n[printing]\noutputs = "sheet+receipt"\n')
    with pytest.raises(ConfigError) as caught:
        settings.load(cfg)
    assert caught.value.key == "printing.outputs" and "[sheet_printer]" in caught.value.problem
    bad = edited(tmp_path, "size_pt = 14.0", "size_pt = 2.0")
    cfg = write_config(tmp_path, extra=f'\n[printing]\noutputs = "sheet"\nlayout_fuben = "{bad}"\n'
                                       '[sheet_printer]\nkind = "virtual"\n')
    with pytest.raises(ConfigError) as caught:
        settings.load(cfg)
    assert (caught.value.path, caught.value.key) == (str(bad), "fields.uscc.size_pt")
