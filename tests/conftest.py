"""Suite-wide setup: the project root on sys.path, and CI strictness for service-backed tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI") == "true"


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
