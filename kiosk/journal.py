"""Transaction journal: every step is on disk before it takes effect.

SQLite in WAL mode with synchronous=FULL, so a committed step survives a power cut. Rows hold
no personal data in clear: the one thing recovery needs (an application that was sent but not
answered, to replay with the same idempotency key) is sealed with the kiosk's key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from drivers.registry.models import Application
from kiosk.sealing import Sealer

SCHEMA = """
CREATE TABLE IF NOT EXISTS txn (
    txn_id TEXT PRIMARY KEY,
    started_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    step TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT,
    sealed_application BLOB,
    application_id TEXT,
    closed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS txn_step (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    txn_id TEXT NOT NULL REFERENCES txn(txn_id),
    at REAL NOT NULL,
    step TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS txn_open ON txn(closed) WHERE closed = 0;
"""
# Added later: journals written before it get the column at start-up.
HOLDER_REF = """
ALTER TABLE txn ADD COLUMN holder_ref TEXT;
CREATE INDEX IF NOT EXISTS txn_holder ON txn(holder_ref) WHERE holder_ref IS NOT NULL;
"""


@dataclass(frozen=True)
class OpenTxn:
    txn_id: str
    step: str
    outcome: str
    idempotency_key: str | None
    application_id: str | None
    has_application: bool
    updated_at: float = 0.0  # time of the last journaled step
    closed: bool = False


class Journal:
    def __init__(self, db_path: Path, sealer: Sealer) -> None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.sealer = db_path, sealer
        self._lock = threading.Lock()
        self._db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)
        if "holder_ref" not in {r[1] for r in self._db.execute("PRAGMA table_info(txn)")}:
            self._db.executescript(HOLDER_REF)
        self._holder_key = hmac.new(sealer.key, b"holder-ref", hashlib.sha256).digest()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(self, txn_id: str, step: str, outcome: str = "") -> None:
        now = time.time()
        closed = 1 if step == "closed" else 0
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT INTO txn(txn_id, started_at, updated_at, step, outcome, closed) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(txn_id) DO UPDATE SET "
                "updated_at=excluded.updated_at, step=excluded.step, outcome=excluded.outcome, "
                "closed=max(txn.closed, excluded.closed)",
                (txn_id, now, now, step, outcome, closed),
            )
            self._db.execute(
                "INSERT INTO txn_step(txn_id, at, step, outcome) VALUES (?, ?, ?, ?)",
                (txn_id, now, step, outcome),
            )
            if closed:  # the replay copy has served its purpose: drop the personal data now
                self._db.execute("UPDATE txn SET sealed_application=NULL WHERE txn_id=?", (txn_id,))

    def store_submission(self, txn_id: str, key: str, application: Application, holder_ref: str | None = None) -> None:
        """Keep what a replay needs, sealed, before the request leaves the kiosk; with
        ``holder_ref`` (``holder_ref()`` of the document read) the kiosk recognises the applicant
        if they come back while the document is held for staff."""
        blob = json.dumps(dataclasses.asdict(application), ensure_ascii=False).encode()
        sealed = self.sealer.seal(blob, txn_id.encode())
        with self._lock, self._db:
            self._db.execute(
                "UPDATE txn SET idempotency_key=?, sealed_application=?, holder_ref=coalesce(?, holder_ref) "
                "WHERE txn_id=?",
                (key, sealed, holder_ref, txn_id),
            )

    def holder_ref(self, issuing_state: str, document_number: str) -> str:
        """A keyed hash (HMAC under a key derived from the journal key) naming a document without
        storing its number: the same document always gives the same value on this kiosk."""
        text = f"{issuing_state.strip().upper()}\x00{document_number.strip().upper()}".encode()
        return hmac.new(self._holder_key, text, hashlib.sha256).hexdigest()

    def holder_transactions(self, holder_ref: str) -> list[OpenTxn]:
        """Every transaction (open or closed) that submitted an application for this document."""
        rows = self._db.execute(
            "SELECT txn_id, step, outcome, idempotency_key, application_id, sealed_application IS NOT NULL, "
            "updated_at, closed FROM txn WHERE holder_ref=? ORDER BY started_at", (holder_ref,)
        ).fetchall()
        return [OpenTxn(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], bool(r[7])) for r in rows]

    def store_application_id(self, txn_id: str, application_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE txn SET application_id=? WHERE txn_id=?", (application_id, txn_id))

    def load_application(self, txn_id: str) -> Application | None:
        row = self._db.execute("SELECT sealed_application FROM txn WHERE txn_id=?", (txn_id,)).fetchone()
        if not row or row[0] is None:
            return None
        return Application(**json.loads(self.sealer.open(row[0], txn_id.encode())))

    def open_transactions(self) -> list[OpenTxn]:
        rows = self._db.execute(
            "SELECT txn_id, step, outcome, idempotency_key, application_id, sealed_application IS NOT NULL, "
            "updated_at FROM txn WHERE closed=0 ORDER BY started_at"
        ).fetchall()
        return [OpenTxn(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows]

    def steps(self, txn_id: str) -> list[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT step, outcome FROM txn_step WHERE txn_id=? ORDER BY id", (txn_id,)
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def expired(self, since: float) -> list[str]:
        """Transactions closed since ``since`` because the authority no longer answers for them
        (kiosk.recovery): staff must check each one with the authority. Newest first."""
        rows = self._db.execute(
            "SELECT txn_id FROM txn WHERE closed=1 AND outcome LIKE 'expired:%' AND updated_at >= ? "
            "ORDER BY updated_at DESC", (since,)
        ).fetchall()
        return [r[0] for r in rows]

    def counts(self) -> dict[str, int]:
        """Open and closed transactions, for diagnostics."""
        rows = self._db.execute("SELECT closed, count(*) FROM txn GROUP BY closed").fetchall()
        found = {bool(r[0]): r[1] for r in rows}
        return {"open": found.get(False, 0), "closed": found.get(True, 0)}
