"""The runner drops old printed documents' bytes at start-up and from its idle probes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.printing.journal import PrintJournal
from tests.kiosk import runner_fakes as f


def old_printed_job(var: Path) -> str:
    journal = PrintJournal(var / "journal.db")
    job = journal.add("T1", "licence", b"\x00" * 50_000, 400)
    journal.set_state(job, "confirmed")
    journal.close()
    con = sqlite3.connect(var / "journal.db")
    with con:
        con.execute("UPDATE print_jobs SET updated = 0")  # printed long ago
    con.close()
    return job


def payload(var: Path) -> int:
    con = sqlite3.connect(var / "journal.db")
    try:
        return con.execute("SELECT length(payload) FROM print_jobs").fetchone()[0]
    finally:
        con.close()


def test_start_up_drops_the_bytes_of_documents_printed_before_the_retention_period(tmp_path: Path) -> None:
    old_printed_job(tmp_path)
    r = f.runner(tmp_path, f.devices())
    try:
        r.start()
        f.pump_until(r, lambda: r.flow.view.ready, what="devices up")
        assert payload(tmp_path) == 0
    finally:
        r.shutdown()


def test_an_idle_probe_runs_it_when_due(tmp_path: Path) -> None:
    r = f.runner(tmp_path, f.devices())
    try:
        r.start()
        f.pump_until(r, lambda: r.flow.view.ready, what="devices up")
        old_printed_job(tmp_path)
        r._probe(recover=False)
        assert payload(tmp_path) > 0, "ran at start-up: not due again yet"
        r.print_retention.interval_s = 0
        r._probe(recover=False)
        assert payload(tmp_path) == 0
    finally:
        r.shutdown()
