"""Retention of the print journal's stored bytes: a printed or voided document's bytes are
dropped once the retention period is over, and the file gives the space back.

The journal keeps each job's exact bytes (encrypted) so that a held document can be printed again
whole. Once a job is confirmed or voided nobody may print it again (``PrintService.reprint``
refuses), so its bytes only cost disk (about 94 KB per licence) and keep the operator's name at
rest for no purpose. The row itself stays (kind, state, timings, error and flag: the record of what
happened), and an event notes that the bytes went. Held jobs keep their bytes until staff resolve
them, however long that takes. The keyed hash of the applicant's document that a settled
transaction kept (kiosk.held_documents) goes at the same time.

The journal file shares its pages with the transaction journal. SQLite only returns freed pages
to the file system in auto_vacuum mode, which an existing database only enters through one full
VACUUM: done once, at the first run; after that every run ends with an incremental vacuum and a
WAL checkpoint, so the file shrinks by what was dropped.

Uses a connection of its own (WAL lets it run beside the kiosk's two), at start-up and then when
the kiosk is idle (the runner calls ``run_if_due`` from its idle health probe).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

HOUR_S = 3600.0
INCREMENTAL = 2  # PRAGMA auto_vacuum value
EMPTY = b""  # the payload column is NOT NULL: a dropped job's bytes are an empty blob


class PrintRetention:
    def __init__(self, db_path: Path, retention_hours: float, clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if not retention_hours > 0:
            raise ValueError("retention_hours must be more than 0")
        self.db_path = Path(db_path)
        self.retention_s = retention_hours * HOUR_S
        # often enough that no bytes outlive the period by more than a quarter of it, at most hourly
        self.interval_s = min(HOUR_S, self.retention_s / 4)
        self.clock, self.monotonic = clock, monotonic
        self._lock = threading.Lock()
        self._last: float | None = None

    def run_if_due(self) -> int | None:
        """``run()`` if the last run is ``interval_s`` ago (or there was none); None otherwise.
        Never raises: a journal that cannot be purged now is purged at a later run."""
        if not self._lock.acquire(blocking=False):
            return None  # a run is in progress on another worker
        try:
            now = self.monotonic()
            if self._last is not None and now - self._last < self.interval_s:
                return None
            self._last = now
            try:
                return self.run()
            except sqlite3.Error as exc:
                log.warning("print journal retention postponed", extra={"code": type(exc).__name__})
                return None
        finally:
            self._lock.release()

    def run(self) -> int:
        """Drop the bytes of jobs confirmed or voided before the period; the number dropped."""
        if not self.db_path.exists():
            return 0
        db = sqlite3.connect(self.db_path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=10000")
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name='print_jobs'").fetchone():
                return 0
            before = self.clock() - self.retention_s
            db.execute("BEGIN IMMEDIATE")
            try:
                ids = [r[0] for r in db.execute(
                    "SELECT job_id FROM print_jobs WHERE state IN ('confirmed', 'voided') AND updated < ? "
                    "AND length(payload) > 0", (before,))]
                now = self.clock()
                for job_id in ids:
                    db.execute("UPDATE print_jobs SET payload = ? WHERE job_id = ?", (EMPTY, job_id))
                    db.execute("INSERT INTO print_job_events (job_id, at, state, detail) "
                               "SELECT job_id, ?, state, 'bytes_dropped:retention' FROM print_jobs WHERE job_id = ?",
                               (now, job_id))
                forgotten = self._forget_holders(db, before)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._shrink(db)
        finally:
            db.close()
        if ids or forgotten:
            log.info("print journal bytes dropped after the retention period",
                     extra={"jobs": len(ids), "holders_forgotten": forgotten})
        return len(ids)

    @staticmethod
    def _forget_holders(db: sqlite3.Connection, before: float) -> int:
        """The keyed hash of the document (kiosk.held_documents) of transactions closed before the
        period whose documents are settled: nothing is waiting for that applicant any more."""
        if "holder_ref" not in {r[1] for r in db.execute("PRAGMA table_info(txn)")}:
            return 0
        return db.execute(
            "UPDATE txn SET holder_ref = NULL WHERE holder_ref IS NOT NULL AND closed = 1 AND updated_at < ? "
            "AND NOT EXISTS (SELECT 1 FROM print_jobs j WHERE j.txn_id = txn.txn_id "
            "AND j.state NOT IN ('confirmed', 'voided'))", (before,)).rowcount

    @staticmethod
    def _shrink(db: sqlite3.Connection) -> None:
        if db.execute("PRAGMA auto_vacuum").fetchone()[0] != INCREMENTAL:
            # once per database: the mode takes effect only through a full VACUUM
            db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            db.execute("VACUUM")
        else:
            # one page per step: executescript steps it to the end (execute() stops after one)
            db.executescript("PRAGMA incremental_vacuum;")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
