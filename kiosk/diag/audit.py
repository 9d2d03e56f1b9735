"""Append-only audit log of technicians' entries, actions and failed PIN attempts.

One JSON line per event, fsynced: an audit trail that a power cut can truncate is no trail. Events
carry codes only; diagnostics are entered only after the applicant's session was wiped.

The file rotates by size (audit.log -> audit.log.1 ... audit.log.N, the oldest dropped) so that a
kiosk running for years keeps a bounded trail. Written by hand rather than with logging's
RotatingFileHandler, which reports a failed write to stderr and carries on: a lost audit line must
be an error the caller sees.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

MIB = 1024 * 1024


class AuditLog:
    def __init__(self, path: Path, max_bytes: int = MIB, backups: int = 5) -> None:
        if max_bytes < 1 or backups < 1:
            raise ValueError("the audit log needs max_bytes >= 1 and at least one backup")
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def backup(self, n: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{n}")

    def write(self, event: str, **details: Any) -> None:
        entry = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": event, **details}
        data = (json.dumps(entry, ensure_ascii=False) + "\n").encode()
        with self._lock:
            try:
                size = self.path.stat().st_size
            except FileNotFoundError:
                size = 0
            if size and size + len(data) > self.max_bytes:
                self._rotate()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)

    def _rotate(self) -> None:
        for n in range(self.backups - 1, 0, -1):
            if self.backup(n).exists():
                self.backup(n).replace(self.backup(n + 1))
        self.path.replace(self.backup(1))
        fd = os.open(self.path.parent, os.O_RDONLY)  # the renames survive a power cut too
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def tail(self, n: int = 20) -> list[dict[str, Any]]:
        """The last ``n`` events, reaching into the newest backup just after a rotation."""
        lines: list[str] = []
        for path in (self.path, self.backup(1)):
            if len(lines) >= n:
                break
            if path.exists():
                lines = path.read_text(encoding="utf-8").splitlines() + lines
        return [json.loads(line) for line in lines[-n:] if line.strip()]
