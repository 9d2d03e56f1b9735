"""The print journal's bytes of printed and voided documents are dropped after the retention
period, held ones are kept, the rows stay, and the file gives the space back."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from kiosk.printing.journal import PrintJournal
from kiosk.printing.retention import PrintRetention

DAY_S = 86400.0
JOB_BYTES = 96 * 1024  # about a licence


def journal_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def payload_sizes(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT job_id, length(payload) FROM print_jobs").fetchall())
    finally:
        con.close()


@pytest.fixture
def journal(tmp_path: Path) -> PrintJournal:
    j = PrintJournal(tmp_path / "journal.db")
    yield j
    j.close()


def fill(j: PrintJournal, n: int, state: str) -> list[str]:
    ids = []
    for _ in range(n):
        job = j.add(os.urandom(8).hex(), "licence", os.urandom(JOB_BYTES), 2000)
        if state != "queued":
            j.set_state(job, state, flag="not_printed" if state == "held" else None)
        ids.append(job)
    return ids


def test_old_printed_and_voided_bytes_go_held_stay_and_the_file_shrinks(journal: PrintJournal, tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    confirmed, voided, held = fill(journal, 30, "confirmed"), fill(journal, 5, "voided"), fill(journal, 3, "held")
    before = journal_bytes(db)
    assert PrintRetention(db, 168).run() == 0, "nothing is older than the period yet"
    later = PrintRetention(db, 168, clock=lambda: time.time() + 8 * DAY_S)
    assert later.run() == 35
    sizes = payload_sizes(db)
    assert all(sizes[j] == 0 for j in confirmed + voided) and all(sizes[j] > JOB_BYTES for j in held)
    assert [journal.data(j) for j in held] and len(journal.jobs(limit=1000)) == 38, "the rows stay"
    assert journal.events(confirmed[0])[-1] == ("confirmed", "bytes_dropped:retention")
    after = journal_bytes(db)
    assert after < before - 30 * JOB_BYTES, (before, after)
    fill(journal, 10, "confirmed")
    assert later.run() == 10 and journal_bytes(db) < after + 5 * JOB_BYTES, "freed pages are used again"
    assert later.run() == 0


def test_runs_when_due_and_never_raises(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    t = [0.0]
    r = PrintRetention(db, 1, monotonic=lambda: t[0])
    assert r.interval_s == 900 and r.run_if_due() == 0, "a kiosk without a journal yet"
    assert r.run_if_due() is None
    t[0] = 901
    db.write_bytes(b"not a database" * 100)
    assert r.run_if_due() is None, "a journal that cannot be purged now is purged later"
    with pytest.raises(ValueError):
        PrintRetention(db, 0)


def test_the_document_hash_of_settled_old_transactions_goes(tmp_path: Path) -> None:
    from kiosk.flow.form import to_application
    from kiosk.journal import Journal
    from kiosk.sealing import Sealer
    from tests.kiosk.flow import builders as b

    journal = Journal(tmp_path / "journal.db", Sealer(tmp_path / "journal.key"))
    printed = PrintJournal(tmp_path / "journal.db")
    app = to_application(b.identity(), dict(b.COMPLETE_FORM))
    for txn, state in (("T-printed", "confirmed"), ("T-held", "held")):
        journal.record(txn, "started")
        journal.record(txn, "submitting", "k")
        journal.store_submission(txn, "k-" + txn, app, journal.holder_ref("CHN", txn))
        journal.record(txn, "closed", "x")
        job = printed.add(txn, "licence", b"x" * 100, 10)
        printed.set_state(job, state)
    PrintRetention(tmp_path / "journal.db", 1, clock=lambda: time.time() + 2 * 3600).run()
    assert journal.holder_transactions(journal.holder_ref("CHN", "T-printed")) == []
    assert [t.txn_id for t in journal.holder_transactions(journal.holder_ref("CHN", "T-held"))] == ["T-held"]
    journal.close()
    printed.close()

