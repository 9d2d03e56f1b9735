"""Suite-wide setup: the project root on sys.path, and CI strictness for service-backed tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Test data that is not part of the product (face portraits, the calibration set, the full
# recorded clip): a folder beside the project, never copied into it.
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI") == "true"

# Property tests explore new inputs on every developer run (that is how they find bugs); a CI run
# replays the same inputs each time, so its verdict is about the commit, not about the draw.
settings.register_profile("ci", derandomize=True, print_blob=True)
if IN_CI:
    settings.load_profile("ci")


def missing(message: str) -> None:
    """Something the README's set-up installs is absent: skip on a developer's machine, FAIL under
    CI=true, where the set-up ran and a silent skip would hide a broken install."""
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def shared_data(*parts: str) -> Path:
    """A path inside ../shared/data. Where it is absent the calling test skips on a developer
    machine and FAILS under CI=true (a CI run that silently skipped the face tests would pass),
    with a message that names the folder either way."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        message = (f"test data missing: {path} (the shared test-data folder {SHARED_DATA}, "
                   f"../shared/data beside the project root)")
        missing(message)
    return path


def write_config(var: Path, replace: dict[str, str] | None = None, extra: str = "") -> Path:
    """The default config with its var_dir in ``var`` (and exact-text edits), written to var/kiosk.toml."""
    text = (ROOT / "config" / "default.toml").read_text(encoding="utf-8").replace(
        'var_dir = "var"', f'var_dir = "{var}"')
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    path = var / "kiosk.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path
