"""Retention of idempotency records: the stored answers a kiosk may replay, kept for a period
and then dropped.

The contract (licence_wire.protocol.REPLAY_WINDOW_HOURS): a kiosk replays a submission for at
most 30 days after it first sent it. The service keeps every stored answer for longer
(``retention_hours``, 90 days by default; anything not above the window is refused), so that a
replay inside the window always gets the first answer back.

A purge clears an old row's stored answer and request fingerprint and keeps the row with its
key as a tombstone: the application stays the authority's record of the decision (its licence
refers to it), and a kiosk that replays after all, outside the contract, gets 410
``idempotency_key_expired`` instead of a second decision. What a purge frees is the answer
itself, about 1.5 KB of the ~1.7 KB a row takes.

Runs periodically in every service process (``Purger``; concurrent runs clear disjoint or
already-cleared rows, so no coordination is needed) and on demand from the command line
(``registry-service purge``), in batches so that no statement holds locks for long.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine, bindparam, func, select, update

from registry_service.limits import check_retention
from registry_service.orm import ApplicationRow
from registry_service.store import SubmissionStore

log = logging.getLogger("registry_service.retention")
_A = ApplicationRow.__table__
BATCH = 1000


def cutoff(now: datetime, retention_hours: float) -> datetime:
    check_retention(retention_hours)
    return now - timedelta(hours=retention_hours)


_OLD = (select(_A.c.id)
        .where(_A.c.created_at < bindparam("cutoff"), _A.c.response_body.is_not(None))
        .order_by(_A.c.id).limit(bindparam("batch")))
_CLEAR = (update(_A).where(_A.c.id.in_(_OLD.scalar_subquery()))
          .values(response_body=None, response_status=None, request_hash=""))
_COUNT = select(func.count()).select_from(_A).where(
    _A.c.created_at < bindparam("cutoff"), _A.c.response_body.is_not(None))


def purge(store: SubmissionStore, before: datetime, batch: int = BATCH) -> int:
    """Clear the stored answers of applications decided before ``before``; the number cleared.
    The caller checks ``before`` against the replay window (``cutoff``)."""
    total = 0
    while True:
        with store.write_transaction() as c:
            n = c.execute(_CLEAR, {"cutoff": before, "batch": batch}).rowcount
        total += n
        if n < batch:
            return total


def count(engine: Engine, before: datetime) -> int:
    """Stored answers a purge with this cutoff would clear (for a dry run)."""
    with engine.connect() as c:
        return int(c.execute(_COUNT, {"cutoff": before}).scalar_one())


class Purger:
    """The periodic purge of one service process, on a daemon thread."""

    def __init__(self, store: SubmissionStore, retention_hours: float, interval_s: float,
                 clock: Callable[[], datetime]) -> None:
        check_retention(retention_hours)
        self.store, self.retention_hours, self.interval_s = store, retention_hours, interval_s
        self.clock = clock
        self.runs = 0  # completed passes, for tests and diagnostics
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="registry-purge", daemon=True)

    def start(self) -> Purger:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                n = purge(self.store, cutoff(self.clock(), self.retention_hours))
                if n:
                    log.info("retention: cleared %d stored answers", n)
            except Exception as exc:  # a database outage must not end the loop
                log.warning("retention purge failed: %s", type(exc).__name__)
            self.runs += 1
            self._stop.wait(self.interval_s)
