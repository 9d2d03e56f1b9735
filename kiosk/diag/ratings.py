"""Service rating counts for the technicians (`main.py diag`, the diagnostics screen): levels and
cases without a rating over the last days, and the outbox of ratings not yet sent.

Read from the kiosk's ratings outbox without ever writing to it: a read-only connection, and an
immutable one when the kiosk is not running (no -wal file), because SQLite would otherwise create
-wal and -shm files owned by whoever runs diagnostics (root over SSH), which the kiosk's own user
could then not open.
"""

from __future__ import annotations

import sqlite3
import time
import urllib.parse
from contextlib import closing
from pathlib import Path
from typing import Any

from kiosk.rating_outbox import OUTBOX_FILE, summarise

DAYS = 30


def summary(var_dir: Path, days: int = DAYS) -> dict[str, Any]:
    path = Path(var_dir) / OUTBOX_FILE
    if not path.exists():
        return {"days": days, "levels": {}, "no_rating": {}, "queued": 0, "rejected": 0, "sent": 0,
                "oldest_queued_s": None, "most_attempts": 0}
    wal = path.with_name(path.name + "-wal")
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro" + ("" if wal.exists() else "&immutable=1")
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            return summarise(db, time.time(), days)
    except sqlite3.Error as exc:  # a damaged file: say so, the other checks still run
        return {"days": days, "error": f"ratings_unreadable:{type(exc).__name__}"}
