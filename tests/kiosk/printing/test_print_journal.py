"""The print journal: states, encryption at rest, key handling, durability across reopen."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from drivers.errors import PrinterJobError
from kiosk.printing.journal import PrintJournal, load_key

SECRET = "王𠮷䶮".encode("gb18030") + b"\x1dv0\x00" + os.urandom(2000)


def test_bytes_are_encrypted_at_rest(tmp_path: Path) -> None:
    j = PrintJournal(tmp_path / "journal.db")
    job = j.add("T1", "licence", SECRET, 100)
    assert j.data(job) == SECRET
    j.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("journal.db*"))
    assert SECRET[:20] not in raw and SECRET[-64:] not in raw
    assert "王".encode("gb18030") + "𠮷".encode("gb18030") not in raw


def test_key_file_is_private(tmp_path: Path) -> None:
    PrintJournal(tmp_path / "j.db").close()
    key = tmp_path / "print-journal.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    key.chmod(0o644)
    with pytest.raises(PrinterJobError, match="readable by others"):
        PrintJournal(tmp_path / "j.db")
    key.chmod(0o600)
    key.write_bytes(b"short")
    with pytest.raises(PrinterJobError, match="32 bytes"):
        load_key(key)


def test_wrong_key_or_tampering_is_detected(tmp_path: Path) -> None:
    j = PrintJournal(tmp_path / "journal.db")
    a = j.add("T1", "licence", SECRET, 1)
    b = j.add("T2", "licence", b"other", 1)
    j.close()
    db = sqlite3.connect(tmp_path / "journal.db")
    blob_a = db.execute("SELECT payload FROM print_jobs WHERE job_id=?", (a,)).fetchone()[0]
    db.execute("UPDATE print_jobs SET payload=? WHERE job_id=?", (blob_a, b))  # moved blob
    db.commit()
    db.close()
    j = PrintJournal(tmp_path / "journal.db")
    with pytest.raises(PrinterJobError, match="authentication"):
        j.data(b)
    assert j.data(a) == SECRET
    j.close()
    other = PrintJournal(tmp_path / "journal.db", key_path=tmp_path / "other.key")
    with pytest.raises(PrinterJobError):
        other.data(a)


def test_states_events_and_reopen(tmp_path: Path) -> None:
    j = PrintJournal(tmp_path / "journal.db")
    job = j.add("T1", "licence", b"x", 5)
    j.set_state(job, "sending", attempt=True)
    j.set_state(job, "failed", error="printer_paper_out")
    j.close()
    j = PrintJournal(tmp_path / "journal.db")
    info = j.get(job)
    assert (info.state, info.attempts, info.error) == ("failed", 1, "printer_paper_out")
    assert j.events(job) == [("queued", ""), ("sending", ""), ("failed", "printer_paper_out")]
    assert j.find("T1", "licence") == info and j.find("T1", "referral") is None
    with pytest.raises(ValueError):
        j.set_state(job, "printed")
    with pytest.raises(PrinterJobError):
        j.set_state("nope", "queued")
    with pytest.raises(sqlite3.IntegrityError):
        j.add("T1", "licence", b"y", 1)  # one licence job per transaction
    mode = sqlite3.connect(tmp_path / "journal.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_repr_of_rows_has_no_payload(tmp_path: Path) -> None:
    j = PrintJournal(tmp_path / "journal.db")
    job = j.add("T1", "licence", SECRET, 1)
    assert "payload" not in repr(j.get(job)) and str(len(SECRET)) in repr(j.get(job))


def test_a_change_from_an_unexpected_state_is_refused(tmp_path: Path) -> None:
    """The expected state is checked in the UPDATE itself: a job another process moved first is
    not overwritten (e.g. a reprint claiming a job that was voided meanwhile)."""
    j = PrintJournal(tmp_path / "journal.db")
    other = PrintJournal(tmp_path / "journal.db")  # as the technician's CLI would open it
    job = j.add("T1", "licence", b"x", 5)
    j.set_state(job, "held", expect=("queued",), flag="not_printed")
    other.set_state(job, "voided", expect=("held",), detail="voided:cli")
    with pytest.raises(PrinterJobError, match="is voided, not held"):
        j.set_state(job, "sending", expect=("held",), attempt=True)
    info = j.get(job)
    assert (info.state, info.attempts) == ("voided", 0)
    assert j.events(job) == [("queued", ""), ("held", "not_printed"), ("voided", "voided:cli")]
