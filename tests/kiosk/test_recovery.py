"""Power cuts at every journal step: the restarted kiosk neither loses nor double-issues anything."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED_DATA

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "video").is_dir(),
                                reason=f"test data folder {SHARED_DATA / 'video'} absent")


def config_in(var: Path) -> Path:
    text = (ROOT / "config" / "default.toml").read_text(encoding="utf-8").replace(
        'var_dir = "var"', f'var_dir = "{var}"')
    path = var / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def journey(config: Path, *args: str) -> tuple[int, dict]:
    proc = subprocess.run([sys.executable, "-m", "tests.kiosk.journey", str(config), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=240, env=dict(os.environ))
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    return proc.returncode, (json.loads(lines[-1]) if lines else {"stderr": proc.stderr[-3000:]})


def licences(var: Path) -> int:
    db = next(var.glob("registry/*.db"))
    return sqlite3.connect(db).execute("SELECT count(*) FROM licences").fetchone()[0]


def printed_licences(var: Path) -> int:
    db = sqlite3.connect(var / "journal.db")
    return db.execute("SELECT count(*) FROM print_jobs WHERE kind='licence' AND state='confirmed'").fetchone()[0]


@pytest.mark.parametrize(
    ("step", "issued_after"),
    [("started", 0), ("card_read", 0), ("face_passed", 0), ("submitting", 1), ("decided", 1), ("printing", 1)],
)
def test_crash_after_each_step(tmp_path: Path, step: str, issued_after: int) -> None:
    config = config_in(tmp_path)
    rc, first = journey(config, "--crash-after", step)
    assert rc == 137, first
    rc, second = journey(config, "--recover-only")
    assert rc == 0, second
    assert second["open"] == [], "every unfinished transaction was resumed or closed"
    assert licences(tmp_path) == issued_after
    assert printed_licences(tmp_path) == issued_after, "issued licences are printed exactly once"
    rc, third = journey(config, "--recover-only")
    assert third["recovered"] == {} and licences(tmp_path) == issued_after == printed_licences(tmp_path)


def test_a_full_journey_then_a_restart_changes_nothing(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    rc, result = journey(config)
    assert rc == 0 and result["journey"] == "done" and result["issued"] == 1, result
    rc, again = journey(config, "--recover-only")
    assert again["recovered"] == {} and licences(tmp_path) == 1 == printed_licences(tmp_path)
