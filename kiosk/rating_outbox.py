"""Service ratings on their way to the registration authority: on disk first, then sent.

Every rating is written here before anything is sent, with the Idempotency-Key it will always be
sent under, so that a rating is never lost (the service down, the kiosk killed or switched off
between the tap and the answer: the row is still queued at the next start) and never stored
twice at the authority (every retry carries the same key, and the service answers a replay
with its first answer). A background sender takes the queued rows after each applicant and on
the idle probe; a row that failed waits with exponential backoff (with jitter, so kiosks
coming back from one outage do not all retry together), a 429 waits its Retry-After, and a
rating the service refuses for good (a 4xx problem) is set aside as rejected instead of being
retried forever.

It also keeps a daily tally of how cases ended for the technicians' diagnostics: the five
levels, and the cases that ended without a rating by why. Nothing here is personal data: the
case number, codes and dates only. SQLite in WAL mode with synchronous=FULL, one file of the
kiosk's user alone (0600, and SQLite gives its -wal and -shm files the same mode).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers.errors import DeviceError, ServiceRateLimited, ServiceRequestRejected
from drivers.registry.base import RegistrationClient
from drivers.registry.models import Rating

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS rating (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    case_kind TEXT NOT NULL,
    case_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at REAL,
    follow_up_due TEXT NOT NULL DEFAULT '',
    UNIQUE (case_kind, case_id)
);
CREATE INDEX IF NOT EXISTS rating_queued ON rating(next_attempt_at) WHERE state = 'queued';
CREATE TABLE IF NOT EXISTS tally (
    day TEXT NOT NULL,
    outcome TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, outcome)
);
"""
OUTBOX_FILE = "ratings.db"  # under the kiosk's var dir
QUEUED, SENT, REJECTED = "queued", "sent", "rejected"
UNRATED_PREFIX = "no_rating:"  # tally outcomes of cases that ended without a rating
DAY_S = 86400.0


@dataclass(frozen=True)
class FlushReport:
    sent: int = 0
    failed: int = 0  # sending failed; the row waits for its next attempt
    rejected: int = 0  # refused for good by the service
    busy: bool = False  # another flush was running: this one did nothing


class RatingOutbox:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time, backoff_s: float = 30.0,
                 backoff_max_s: float = 3600.0, keep_days: float = 90.0, batch: int = 20,
                 jitter: Callable[[], float] = random.random) -> None:
        """``backoff_s`` doubles per failed attempt up to ``backoff_max_s`` (times 0.5-1.0 jitter);
        sent and rejected rows and the tally are kept ``keep_days``; queued rows until sent."""
        self.path, self.clock = path, clock
        self.backoff_s, self.backoff_max_s, self.keep_days = backoff_s, backoff_max_s, keep_days
        self.batch, self._jitter = batch, jitter
        path.parent.mkdir(parents=True, exist_ok=True)
        _owner_only_file(path)
        self._lock = threading.Lock()  # the connection: the pump thread adds, a worker sends
        self._flushing = threading.Lock()  # one sender at a time: a row is never sent concurrently
        self._closed = False
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)

    def close(self, wait_s: float = 2.0) -> None:
        """Close, after a running send if it ends within ``wait_s`` (one that does not finds
        the outbox closed and leaves its row queued for the next start)."""
        flushing = self._flushing.acquire(timeout=wait_s)
        with self._lock:
            self._closed = True
            self._db.close()
        if flushing:
            self._flushing.release()

    # --- the flow's side: quick local writes -------------------------------------------------
    def add(self, rating: Rating) -> str:
        """Queue ``rating`` durably (on disk when this returns); its Idempotency-Key. A case is
        queued once: a second rating of the same case keeps the first and its key."""
        now = self.clock()
        body = json.dumps(dataclasses.asdict(rating), ensure_ascii=False, separators=(",", ":"))
        key = f"rating-{rating.case_id}-{os.urandom(6).hex()}"
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            added = self._db.execute(
                "INSERT INTO rating(idempotency_key, case_kind, case_id, body, created_at, next_attempt_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(case_kind, case_id) DO NOTHING",
                (key, rating.case_kind, rating.case_id, body, now, now)).rowcount
            if added:
                self._tally(now, rating.level)
            else:
                key = self._db.execute("SELECT idempotency_key FROM rating WHERE case_kind=? AND case_id=?",
                                       (rating.case_kind, rating.case_id)).fetchone()[0]
        return key

    def count_unrated(self, why: str) -> None:
        """A case with a real step that ended without a rating (skipped, timed out, applicant gone ...)."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._tally(self.clock(), UNRATED_PREFIX + why)

    def _tally(self, now: float, outcome: str) -> None:
        day = time.strftime("%Y-%m-%d", time.localtime(now))
        self._db.execute("INSERT INTO tally(day, outcome, count) VALUES (?, ?, 1) "
                         "ON CONFLICT(day, outcome) DO UPDATE SET count = count + 1", (day, outcome))

    # --- the sender ----------------------------------------------------------------------------
    def flush(self, client: RegistrationClient) -> FlushReport:
        """Send the queued ratings that are due, oldest first. Never raises: whatever goes wrong
        leaves the row queued for a later attempt (or rejected, if the service refused it)."""
        if not self._flushing.acquire(blocking=False):
            return FlushReport(busy=True)
        try:
            if self._closed:
                return FlushReport(busy=True)
            return self._flush(client)
        except Exception:  # the database itself failed: the rows stay as they were
            if self._closed:  # the kiosk stopped during a send: the row stays queued
                return FlushReport(busy=True)
            log.exception("rating outbox flush failed")
            return FlushReport(failed=1)
        finally:
            self._flushing.release()

    def _flush(self, client: RegistrationClient) -> FlushReport:
        now = self.clock()
        self._prune(now)
        with self._lock:
            rows = self._db.execute(
                "SELECT id, idempotency_key, body, attempts FROM rating WHERE state=? AND next_attempt_at<=? "
                "ORDER BY id LIMIT ?", (QUEUED, now, self.batch)).fetchall()
        sent = rejected = 0
        for row_id, key, body, attempts in rows:
            doc = json.loads(body)
            rating = Rating(**{**doc, "reasons": tuple(doc["reasons"])})
            try:
                receipt = client.rate(rating, key)
            except ServiceRateLimited as exc:  # nothing was processed: the same request, later
                self._retry_later(row_id, attempts, exc.code, max(1.0, exc.retry_after_s))
                return FlushReport(sent, 1, rejected)
            except ServiceRequestRejected as exc:  # a 4xx problem: sending it again cannot help
                log.error("rating refused by the service", extra={"code": exc.reason or exc.code})
                self._finish(row_id, REJECTED, exc.reason or exc.code)
                rejected += 1
                continue
            except DeviceError as exc:  # unreachable, or an answer that made no sense: later
                self._retry_later(row_id, attempts, exc.code)
                return FlushReport(sent, 1, rejected)
            except NotImplementedError:  # a registration client that cannot send ratings
                return FlushReport(sent, 0, rejected)
            except Exception as exc:  # a client bug must not stop the kiosk or lose the row
                log.exception("rating send crashed")
                self._retry_later(row_id, attempts, f"internal_error:{type(exc).__name__}")
                return FlushReport(sent, 1, rejected)
            self._finish(row_id, SENT, "", receipt.follow_up_due)
            sent += 1
        return FlushReport(sent, 0, rejected)

    def _retry_later(self, row_id: int, attempts: int, code: str, wait: float | None = None) -> None:
        if wait is None:
            wait = min(self.backoff_max_s, self.backoff_s * 2 ** attempts) * (0.5 + self._jitter() / 2)
        log.warning("rating not sent, retrying later", extra={"code": code, "retry_in_s": round(wait)})
        with self._lock:
            self._db.execute("UPDATE rating SET attempts=attempts+1, next_attempt_at=?, last_error=? WHERE id=?",
                             (self.clock() + wait, code[:64], row_id))

    def _finish(self, row_id: int, state: str, error: str, follow_up_due: str = "") -> None:
        with self._lock:
            self._db.execute("UPDATE rating SET state=?, sent_at=?, last_error=?, follow_up_due=? WHERE id=?",
                             (state, self.clock(), error[:64], follow_up_due, row_id))

    def _prune(self, now: float) -> None:
        """Sent and rejected rows and the tally age out; a queued row stays until it is sent."""
        before = now - self.keep_days * DAY_S
        first_day = time.strftime("%Y-%m-%d", time.localtime(before))
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM rating WHERE state<>? AND created_at<?", (QUEUED, before))
            self._db.execute("DELETE FROM tally WHERE day<?", (first_day,))

    # --- diagnostics ---------------------------------------------------------------------------
    def depth(self) -> int:
        """Ratings waiting to be sent."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM rating WHERE state=?", (QUEUED,)).fetchone()[0])

    def summary(self, days: int = 30) -> dict[str, Any]:
        with self._lock:
            return summarise(self._db, self.clock(), days)


def summarise(db: sqlite3.Connection, now: float, days: int = 30) -> dict[str, Any]:
    """Counts for diagnostics: outcomes of the last ``days`` days (levels and no_rating:why),
    and the outbox by state with the age of its oldest queued rating. Codes and numbers only."""
    first_day = time.strftime("%Y-%m-%d", time.localtime(now - (days - 1) * DAY_S))
    outcomes = dict(db.execute("SELECT outcome, sum(count) FROM tally WHERE day>=? GROUP BY outcome "
                               "ORDER BY outcome", (first_day,)).fetchall())
    states = dict(db.execute("SELECT state, count(*) FROM rating GROUP BY state").fetchall())
    oldest = db.execute("SELECT min(created_at), max(attempts) FROM rating WHERE state=?", (QUEUED,)).fetchone()
    return {
        "days": days,
        "levels": {k: v for k, v in outcomes.items() if not k.startswith(UNRATED_PREFIX)},
        "no_rating": {k.removeprefix(UNRATED_PREFIX): v for k, v in outcomes.items()
                      if k.startswith(UNRATED_PREFIX)},
        "queued": states.get(QUEUED, 0),
        "rejected": states.get(REJECTED, 0),
        "sent": states.get(SENT, 0),
        "oldest_queued_s": round(now - oldest[0]) if oldest[0] is not None else None,
        "most_attempts": oldest[1] or 0,
    }


def _owner_only_file(path: Path) -> None:
    """Create the database file 0600 (SQLite gives its -wal and -shm files the same mode), and
    close up one an older version or a technician left readable."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
