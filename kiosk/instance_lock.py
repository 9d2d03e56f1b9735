"""One kiosk process per var dir, and a way for technicians' tools to find it.

A second kiosk on the same var dir would fight the first over the printer, camera and journal.
The lock is an flock on VAR/kiosk.lock: the kernel drops it when the process dies, however it
dies, so a power cut or a kill never leaves a stale lock behind. The file also says where the
running kiosk's metrics endpoint is, so that `main.py diag` over SSH can read the live device
state instead of opening devices the kiosk owns.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path
from typing import Any

LOCK_NAME = "kiosk.lock"


class AlreadyRunning(Exception):
    def __init__(self, holder: dict[str, Any]) -> None:
        self.holder = holder
        super().__init__(f"a kiosk is already running on this var dir (pid {holder.get('pid', '?')})")


class InstanceLock:
    def __init__(self, var_dir: Path) -> None:
        self.path = Path(var_dir) / LOCK_NAME
        self._fd: int | None = None
        self._info: dict[str, Any] = {}

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(holder(self.path.parent) or {}) from None
        self._fd = fd
        self.update(pid=os.getpid(), started=time.strftime("%Y-%m-%dT%H:%M:%S%z"))

    def update(self, **info: Any) -> None:
        """Rewrite the holder record (e.g. once the metrics endpoint has its port)."""
        assert self._fd is not None, "not acquired"
        self._info |= info
        data = json.dumps(self._info).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def holder(var_dir: Path) -> dict[str, Any] | None:
    """The running kiosk's record, or None when no kiosk holds the lock."""
    path = Path(var_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raw = os.pread(fd, 4096, 0)
            try:
                info = json.loads(raw) if raw else {}
            except ValueError:
                info = {}
            return info if isinstance(info, dict) else {}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
