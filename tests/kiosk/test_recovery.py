"""Power cuts at every journal step: the restarted kiosk neither loses nor double-issues anything."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_config


def journey(config: Path, *args: str) -> tuple[int, dict]:
    """Run the kiosk process; when it ends, end its whole process group too, as a power cut would
    (worker processes of the face pipeline would otherwise outlive a killed parent)."""
    out, err = config.parent / "journey.out", config.parent / "journey.err"
    with out.open("w") as fo, err.open("w") as fe:
        proc = subprocess.Popen([sys.executable, "-m", "tests.kiosk.journey", str(config), *args], cwd=ROOT,
                                stdout=fo, stderr=fe, env=dict(os.environ), start_new_session=True)
        try:
            rc = proc.wait(timeout=240)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
    lines = [line for line in out.read_text().splitlines() if line.startswith("{")]
    return rc, (json.loads(lines[-1]) if lines else {"stderr": err.read_text()[-3000:]})


def licences(var: Path) -> int:
    db = next(var.glob("registry/*.db"))
    return sqlite3.connect(db).execute("SELECT count(*) FROM licences").fetchone()[0]


def printed_licences(var: Path) -> int:
    db = sqlite3.connect(var / "journal.db")
    return db.execute("SELECT count(*) FROM print_jobs WHERE kind='licence' AND state='confirmed'").fetchone()[0]


@pytest.mark.parametrize(
    ("step", "issued_after"),
    [("started", 0), ("card_read", 0), ("face_passed", 0),
     ("submitting", 0),  # journaled, not yet sent: closed, the applicant simply starts again
     ("answered", 1),  # the authority issued, the kiosk died before journaling: replay, no second licence
     ("decided", 1), ("printing", 1)],
)
def test_crash_after_each_step(tmp_path: Path, step: str, issued_after: int) -> None:
    config = write_config(tmp_path)
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
    config = write_config(tmp_path)
    rc, result = journey(config)
    assert rc == 0 and result["journey"] == "done" and result["issued"] == 1, result
    metrics = result["metrics"]  # scraped over HTTP from the kiosk's Prometheus endpoint
    for line in ('kiosk_transactions_total{event="started"} 1.0', 'kiosk_transactions_total{event="issued"} 1.0',
                 'kiosk_transactions_total{event="closed_printed"} 1.0', 'kiosk_step_seconds_count{step="submit"} 1.0',
                 'kiosk_step_seconds_count{step="print"} 1.0', 'kiosk_device_up{device="printer"} 1.0'):
        assert line in metrics, line
    assert "110105" not in metrics and "张伟" not in metrics and "ZHANG" not in metrics
    rc, again = journey(config, "--recover-only")
    assert again["recovered"] == {} and licences(tmp_path) == 1 == printed_licences(tmp_path)
