"""The durable records the invariants are checked against, read as plain data.

Read-only SQLite connections (the kiosk keeps writing while the harness reads; WAL lets both),
so a check never changes what it checks. The registration service's database is the authority's
record; the kiosk's journal.db holds its transaction journal and print journal.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RegApplication:
    public_id: str
    kiosk_id: str
    idempotency_key: str
    outcome: str | None


@dataclass(frozen=True)
class RegLicence:
    uscc: str
    application_id: str  # public id
    qr_payload: str


@dataclass(frozen=True)
class Txn:
    txn_id: str
    step: str
    outcome: str
    idempotency_key: str | None
    application_id: str | None
    closed: bool
    sealed: bool


@dataclass(frozen=True)
class PrintJob:
    job_id: str
    txn_id: str
    kind: str
    state: str
    attempts: int
    error: str
    flag: str
    created: float


@dataclass
class Records:
    applications: list[RegApplication] = field(default_factory=list)
    licences: list[RegLicence] = field(default_factory=list)
    txns: list[Txn] = field(default_factory=list)
    steps: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    jobs: list[PrintJob] = field(default_factory=list)
    paper: Counter[str] = field(default_factory=Counter)  # QR payload -> complete printouts

    def txn_by_key(self) -> dict[str, Txn]:
        """Every idempotency key a transaction used: the txn row keeps only the last one (a
        resubmission after a name rejection gets a new key), its 'submitting' steps keep all."""
        by_id = {t.txn_id: t for t in self.txns}
        out = {t.idempotency_key: t for t in self.txns if t.idempotency_key}
        for txn_id, steps in self.steps.items():
            for step, outcome in steps:
                if step == "submitting" and outcome and txn_id in by_id:
                    out.setdefault(outcome, by_id[txn_id])
        return out

    def learned_keys(self) -> set[str]:
        """Keys whose decision the kiosk journaled: a 'decided' step after the key's 'submitting'
        step, or a close after recovery (which replays the transaction's last key)."""
        learned: set[str] = set()
        for steps in self.steps.values():
            current = ""
            for step, outcome in steps:
                if step == "submitting":
                    current = outcome
                elif current and (step == "decided" or (step == "closed" and outcome.startswith("recovered:"))):
                    learned.add(current)
        return learned

    def job(self, txn_id: str, kind: str) -> PrintJob | None:
        return next((j for j in self.jobs if j.txn_id == txn_id and j.kind == kind), None)


def _ro(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    db.execute("PRAGMA busy_timeout=10000")
    return db


def read_registry(db_path: Path, records: Records) -> None:
    if not db_path.exists():
        return
    db = _ro(db_path)
    try:
        records.applications = [RegApplication(*r) for r in db.execute(
            "SELECT public_id, kiosk_id, idempotency_key, outcome FROM applications")]
        records.licences = [RegLicence(*r) for r in db.execute(
            "SELECT l.uscc, a.public_id, l.qr_payload FROM licences l JOIN applications a ON a.id = l.application_id")]
    finally:
        db.close()


def read_journal(db_path: Path, records: Records) -> None:
    if not db_path.exists():
        return
    db = _ro(db_path)
    try:
        records.txns = [Txn(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6])) for r in db.execute(
            "SELECT txn_id, step, outcome, idempotency_key, application_id, closed, "
            "sealed_application IS NOT NULL FROM txn")]
        steps: dict[str, list[tuple[str, str]]] = {}
        for txn_id, step, outcome in db.execute("SELECT txn_id, step, outcome FROM txn_step ORDER BY id"):
            steps.setdefault(txn_id, []).append((step, outcome))
        records.steps = steps
        has_jobs = db.execute("SELECT 1 FROM sqlite_master WHERE name='print_jobs'").fetchone()
        if has_jobs:
            records.jobs = [PrintJob(*r) for r in db.execute(
                "SELECT job_id, txn_id, kind, state, attempts, error, flag, created FROM print_jobs")]
    finally:
        db.close()


def read_all(var: Path, paper: Counter[str] | None = None) -> Records:
    records = Records()
    read_registry(var / "registry" / "registry.db", records)
    read_journal(var / "journal.db", records)
    if paper is not None:
        records.paper = paper
    return records
