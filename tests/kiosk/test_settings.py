"""Config loading: the shipped files load; every kind of mistake names file, key and expectation."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

import pytest
from pydantic.dataclasses import dataclass

from drivers.option_fields import STRICT
from kiosk import settings
from kiosk.settings import ConfigError, build_dataclass

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, config=STRICT)
class Sample:
    name: str
    count: int = 1
    ratio: float = 0.5
    on: bool = False
    tags: list[str] = field(default_factory=list)
    maybe: str | None = None


def test_builds_with_defaults_and_coerces_ints_to_floats() -> None:
    s = build_dataclass(Path("x.toml"), "t", Sample, {"name": "a", "ratio": 2, "tags": ["x"]})
    assert s == Sample(name="a", ratio=2.0, tags=["x"])


@pytest.mark.parametrize(
    ("table", "key", "expected"),
    [
        ({"name": "a", "colour": 1}, "t.colour", "unknown key"),
        ({"count": 1}, "t.name", "missing required key"),
        ({"name": 3}, "t.name", "expected text"),
        ({"name": "a", "count": "3"}, "t.count", "expected an integer"),
        ({"name": "a", "count": True}, "t.count", "expected an integer"),
        ({"name": "a", "ratio": "fast"}, "t.ratio", "expected a number"),
        ({"name": "a", "on": "yes"}, "t.on", "expected true or false"),
        ({"name": "a", "tags": "x"}, "t.tags", "expected a list"),
        ({"name": "a", "tags": [1]}, "t.tags[0]", "expected text"),
        ({"name": "a", "maybe": 5}, "t.maybe", "expected"),
    ],
)
def test_each_mistake_names_key_and_expectation(table: dict, key: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_dataclass(Path("k.toml"), "t", Sample, table)
    assert info.value.key == key and expected in info.value.problem
    assert "k.toml" in str(info.value) and key in str(info.value)


def test_shipped_configs_load() -> None:
    for name in ("default.toml", "hardware-example.toml"):
        cfg = settings.load(ROOT / "config" / name)
        assert cfg.reader.kind and cfg.printer.kind and cfg.registry.kind and cfg.camera.kind


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "kiosk.toml"
    p.write_text(text, encoding="utf-8")
    return p


BASE = (ROOT / "config" / "default.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("[kiosk]\nid = \n", "", "not valid TOML"),
        (BASE + "\n[extra]\na = 1\n", "extra", "unknown table"),
        (BASE.replace('kind = "virtual"               # the project', 'kind = "magic"  # the project'),
         "readers[1].kind", "expected one of"),
        (BASE.replace("max_attempts = 3", "max_attempts = \"three\""), "policy.max_attempts", "integer"),
        (BASE.replace("width = 1080", "widht = 1080"), "display.widht", "unknown key"),
        (BASE.replace('language = "zh_CN"', 'language = "en"').replace('["zh_CN", "en"]', '["zh_CN"]'),
         "kiosk.language", "must be one of"),
        (BASE.replace('[[readers]]\nkind = "virtual"', '[[readers]]\nkind = "virtual"\nbogus = 1'),
         "readers[1].bogus", "unknown key"),
        ("\n".join(line for line in BASE.splitlines() if not line.startswith("[printer]")
                   and not line.startswith('kind = "virtual"        # a loopback')), "printer", "missing table"),
    ],
)
def test_corrupt_or_incomplete_files(tmp_path: Path, text: str, key: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings.load(write(tmp_path, text))
    assert info.value.key == key and fragment in info.value.problem, str(info.value)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        settings.load(tmp_path / "nope.toml")
    bad = tmp_path / "bin.toml"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        settings.load(bad)
