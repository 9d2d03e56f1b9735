"""Print journal in SQLite: every job's exact bytes and its state, surviving a restart.

States: queued -> sending -> sent -> confirmed; a document (licence, referral receipt) whose print
failed or was interrupted goes to held (printed again only by staff), a test page to failed;
voided (staff) is final. Every change can name the states it expects to find, checked in the same
UPDATE, so two processes (the kiosk and `diag printer`) can never both claim one job.
Bytes are ESC/POS for the thermal printer, or a PDF for the sheet printer (kinds
``licence_<stock>``, with the print system's job id in ``device_job``). The bytes are what gets
reprinted, never a re-render, so a reprint is the same document even if fonts or layout change in
between. They carry the operator's name, so they are encrypted at rest
with AES-256-GCM (key file 0600 next to the database); the job id and kind are bound in as
associated data so a blob cannot be moved to another row.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from drivers.errors import PrinterJobError

STATES = ("queued", "sending", "sent", "confirmed", "failed", "held", "voided")
UNFINISHED = ("queued", "sending", "sent")
FINAL = ("confirmed", "voided")
JOB_REF = re.compile(r"[0-9a-f]{6,32}")
DOCUMENTS = ("licence", "referral", "receipt")  # what an applicant takes away: held for staff, never lost
SHEET_PREFIX = "licence_"  # licence_fuben, licence_zhengben: PDF jobs for the sheet printer's stock
SHEET_TEST = "sheet_test"  # a plain-paper specimen on the sheet printer (technicians)


def is_document(kind: str) -> bool:
    return kind in DOCUMENTS or kind.startswith(SHEET_PREFIX)


def is_sheet(kind: str) -> bool:
    """Jobs whose bytes are a PDF for the sheet printer (else ESC/POS for the thermal one)."""
    return kind.startswith(SHEET_PREFIX) or kind == SHEET_TEST


SCHEMA = """
CREATE TABLE IF NOT EXISTS print_jobs (
    job_id      TEXT PRIMARY KEY,
    txn_id      TEXT NOT NULL,
    kind        TEXT NOT NULL,               -- licence | referral | receipt | licence_<stock> | test
    state       TEXT NOT NULL,               -- STATES
    attempts    INTEGER NOT NULL DEFAULT 0,
    rows        INTEGER NOT NULL,            -- dot rows: print-time estimate
    nbytes      INTEGER NOT NULL,
    payload     BLOB NOT NULL,               -- nonce || AES-GCM(job bytes)
    error       TEXT NOT NULL DEFAULT '',    -- last error code (drivers.errors codes)
    warning     TEXT NOT NULL DEFAULT '',    -- e.g. printer_paper_near_end
    flag        TEXT NOT NULL DEFAULT '',    -- held: not_printed | print_failed | outcome_unknown
    created     REAL NOT NULL,
    updated     REAL NOT NULL,
    device_job  TEXT NOT NULL DEFAULT '',    -- the print system's job id (sheet jobs, CUPS)
    UNIQUE (txn_id, kind)
);
CREATE INDEX IF NOT EXISTS print_jobs_state ON print_jobs (state);
CREATE TABLE IF NOT EXISTS print_job_events (
    job_id  TEXT NOT NULL,
    at      REAL NOT NULL,
    state   TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''         -- codes and staff actions only, never personal data
);
"""


@dataclass(frozen=True)
class JobInfo:
    """A journal row without its bytes: safe to log and to show on the diagnostics screen."""

    job_id: str
    txn_id: str
    kind: str
    state: str
    attempts: int
    rows: int
    nbytes: int
    error: str
    warning: str
    flag: str
    created: float
    updated: float
    device_job: str = ""


def load_key(path: Path) -> bytes:
    """The 32-byte journal key, created 0600 on first use; refused if others can read it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        st = path.stat()
        if st.st_mode & 0o077:
            raise PrinterJobError(f"journal key {path.name} is readable by others") from None
        key = path.read_bytes()
        if len(key) != 32:
            raise PrinterJobError(f"journal key {path.name} is not 32 bytes") from None
        return key
    key = AESGCM.generate_key(bit_length=256)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


class PrintJournal:
    def __init__(self, db_path: Path, key_path: Path | None = None) -> None:
        db_path = Path(db_path)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._aes = AESGCM(load_key(key_path or db_path.with_name("print-journal.key")))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a confirmed licence must survive power loss
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(print_jobs)")}
        if "device_job" not in columns:  # journals written before sheet printing
            self._db.execute("ALTER TABLE print_jobs ADD COLUMN device_job TEXT NOT NULL DEFAULT ''")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- encryption ----------------------------------------------------------------------------
    def _seal(self, job_id: str, kind: str, data: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aes.encrypt(nonce, data, f"{job_id}:{kind}".encode())

    def _open(self, job_id: str, kind: str, blob: bytes) -> bytes:
        try:
            return self._aes.decrypt(blob[:12], blob[12:], f"{job_id}:{kind}".encode())
        except (InvalidTag, ValueError) as exc:
            raise PrinterJobError(f"job {job_id}: stored bytes fail authentication") from exc

    # --- rows ----------------------------------------------------------------------------------
    def add(self, txn_id: str, kind: str, data: bytes, rows: int) -> str:
        job_id = uuid.uuid4().hex
        now = time.time()
        blob = self._seal(job_id, kind, data)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO print_jobs (job_id, txn_id, kind, state, rows, nbytes, payload,"
                    " created, updated) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
                    (job_id, txn_id, kind, rows, len(data), blob, now, now),
                )
                self._event(job_id, "queued", "")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return job_id

    def find(self, txn_id: str, kind: str) -> JobInfo | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLS} FROM print_jobs WHERE txn_id = ? AND kind = ?", (txn_id, kind)
            ).fetchone()
        return JobInfo(*row) if row else None

    def get(self, job_id: str) -> JobInfo:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLS} FROM print_jobs WHERE job_id = ?", (job_id,)).fetchone()
        if row is None:
            raise PrinterJobError(f"no print job {job_id}")
        return JobInfo(*row)

    def data(self, job_id: str) -> bytes:
        with self._lock:
            row = self._db.execute("SELECT kind, payload FROM print_jobs WHERE job_id = ?", (job_id,)).fetchone()
        if row is None:
            raise PrinterJobError(f"no print job {job_id}")
        return self._open(job_id, row[0], row[1])

    def set_state(
        self,
        job_id: str,
        state: str,
        *,
        error: str | None = None,
        warning: str | None = None,
        flag: str | None = None,
        device_job: str | None = None,
        attempt: bool = False,
        expect: tuple[str, ...] | None = None,
        detail: str = "",
    ) -> None:
        """Move a job to ``state``. With ``expect``, only from one of those states: checked in
        the UPDATE itself, so a job another thread or process moved first raises
        PrinterJobError instead of being overwritten. ``detail`` goes to the event log (e.g. the
        staff action), after the error or flag."""
        if state not in STATES:
            raise ValueError(state)
        sets = ["state = ?", "updated = ?"]
        args: list[object] = [state, time.time()]
        for col, val in (("error", error), ("warning", warning), ("flag", flag), ("device_job", device_job)):
            if val is not None:
                sets.append(f"{col} = ?")
                args.append(val)
        if attempt:
            sets.append("attempts = attempts + 1")
        where = "job_id = ?"
        if expect is not None:
            where += f" AND state IN ({', '.join('?' * len(expect))})"
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cur = self._db.execute(f"UPDATE print_jobs SET {', '.join(sets)} WHERE {where}",
                                       (*args, job_id, *(expect or ())))
                if cur.rowcount != 1:
                    row = self._db.execute("SELECT state FROM print_jobs WHERE job_id = ?", (job_id,)).fetchone()
                    if row is None:
                        raise PrinterJobError(f"no print job {job_id}")
                    raise PrinterJobError(f"job {job_id} is {row[0]}, not {' or '.join(expect or ())}")
                self._event(job_id, state, " ".join(x for x in (error or flag or "", detail) if x))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def confirm_held(self, job_id: str, by: str) -> None:
        """Staff decision: the held document did come out (e.g. found in the tray)."""
        self.set_state(job_id, "confirmed", expect=("held",), flag="", detail=f"confirmed:{by}")

    def void(self, job_id: str, by: str) -> None:
        """Staff decision: this held document (or failed test page) must never be printed."""
        self.set_state(job_id, "voided", expect=("held", "failed"), detail=f"voided:{by}")

    def resolve(self, ref: str) -> JobInfo:
        """The job whose id is ``ref`` or starts with it (the 8 characters screens show)."""
        ref = ref.strip().lower()
        if not JOB_REF.fullmatch(ref):
            raise PrinterJobError(f"job reference {ref!r}: expected 6 to 32 hexadecimal characters")
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLS} FROM print_jobs WHERE substr(job_id, 1, ?) = ? LIMIT 2",
                                    (len(ref), ref)).fetchall()
        if len(rows) != 1:
            raise PrinterJobError(f"{'no' if not rows else 'more than one'} print job {ref!r}")
        return JobInfo(*rows[0])

    def jobs(self, states: tuple[str, ...] | None = None, limit: int = 100) -> list[JobInfo]:
        q = f"SELECT {_COLS} FROM print_jobs"
        args: tuple[object, ...] = ()
        if states:
            q += f" WHERE state IN ({', '.join('?' * len(states))})"
            args = states
        q += " ORDER BY created DESC, rowid DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(q, (*args, limit)).fetchall()
        return [JobInfo(*r) for r in rows]

    def events(self, job_id: str) -> list[tuple[str, str]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT state, detail FROM print_job_events WHERE job_id = ? ORDER BY rowid",
                (job_id,),
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def _event(self, job_id: str, state: str, detail: str) -> None:
        self._db.execute(
            "INSERT INTO print_job_events (job_id, at, state, detail) VALUES (?, ?, ?, ?)",
            (job_id, time.time(), state, detail),
        )


_COLS = "job_id, txn_id, kind, state, attempts, rows, nbytes, error, warning, flag, created, updated, device_job"
