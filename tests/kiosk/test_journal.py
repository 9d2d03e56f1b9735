"""The transaction journal: WAL on disk, steps in order, personal data only sealed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from drivers.registry.models import Application
from kiosk.journal import Journal
from kiosk.sealing import Sealer

APP = Application(
    operator_name="张伟", operator_id_number="110105199003071234", operator_birth_date="1990-03-07",
    composition="individual", trade_name="张伟", industry_code="H62", organisation_form="店",
    division_code="440305", premises="科技园路8号", scope_codes=["H6210"],
)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    j = Journal(tmp_path / "journal.db", Sealer(tmp_path / "keys" / "journal.key"))
    yield j
    j.close()


def test_steps_are_recorded_in_order_and_closing_drops_the_sealed_copy(journal: Journal) -> None:
    journal.record("t1", "started")
    journal.record("t1", "submitting", "key-1")
    journal.store_submission("t1", "key-1", APP)
    (txn,) = journal.open_transactions()
    assert txn.step == "submitting" and txn.idempotency_key == "key-1" and txn.has_application
    assert journal.load_application("t1") == APP
    journal.record("t1", "closed", "printed")
    assert journal.open_transactions() == []
    assert journal.load_application("t1") is None
    assert journal.steps("t1") == [("started", ""), ("submitting", "key-1"), ("closed", "printed")]
    assert journal.counts() == {"open": 0, "closed": 1}


def test_nothing_personal_is_stored_in_clear(journal: Journal, tmp_path: Path) -> None:
    journal.record("t2", "submitting", "key-2")
    journal.store_submission("t2", "key-2", APP)
    journal.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("journal.db*"))
    for secret in ("张伟", "110105199003071234", "科技园路"):
        assert secret.encode() not in raw
    db = sqlite3.connect(tmp_path / "journal.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sealed_data_is_bound_to_its_transaction(journal: Journal, tmp_path: Path) -> None:
    journal.record("t3", "submitting")
    journal.store_submission("t3", "k", APP)
    blob = journal._db.execute("SELECT sealed_application FROM txn WHERE txn_id='t3'").fetchone()[0]
    with pytest.raises(InvalidTag):
        Sealer(tmp_path / "keys" / "journal.key").open(blob, b"another-txn")
    with pytest.raises(InvalidTag):
        Sealer(tmp_path / "other.key").open(blob, b"t3")


def test_key_file_is_private_and_a_corrupt_key_is_reported(tmp_path: Path) -> None:
    Sealer(tmp_path / "k" / "j.key")
    assert (tmp_path / "k" / "j.key").stat().st_mode & 0o777 == 0o600
    (tmp_path / "k" / "j.key").write_bytes(b"short")
    with pytest.raises(ValueError, match="corrupt"):
        Sealer(tmp_path / "k" / "j.key")


def test_survives_reopen(tmp_path: Path) -> None:
    j = Journal(tmp_path / "journal.db", Sealer(tmp_path / "j.key"))
    j.record("t4", "decided", "approved")
    j.store_application_id("t4", "app-9")
    j.close()
    j2 = Journal(tmp_path / "journal.db", Sealer(tmp_path / "j.key"))
    (txn,) = j2.open_transactions()
    assert (txn.step, txn.outcome, txn.application_id) == ("decided", "approved", "app-9")
    j2.close()
