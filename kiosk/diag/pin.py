"""The technicians' PIN: an Argon2id hash in config, and a lockout that survives a reboot.

The failure counter lives on disk next to the journal: pulling the plug must not hand an attacker
five fresh guesses. A count the disk refuses (full, gone read-only) is kept in memory until a
write succeeds again, so a failing disk does not reset it either; with a working disk the file
is the truth (a technician may delete it to end a lockout). One lock covers each
read-check-write: guesses submitted at once are checked one after the other, never against the
same stale count.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk.diag.audit import AuditLog

log = logging.getLogger(__name__)
HASHER = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile
MIN_PIN_DIGITS = 6
PIN_FORMAT = re.compile(rf"[0-9]{{{MIN_PIN_DIGITS},}}")  # ASCII digits: str.isdigit() takes '²' and '١'


def hash_pin(pin: str) -> str:
    if not PIN_FORMAT.fullmatch(pin):
        raise ValueError(f"a PIN has at least {MIN_PIN_DIGITS} digits 0-9")
    return HASHER.hash(pin)


class PinGuard:
    def __init__(self, pin_hash: str, state_path: Path, audit: AuditLog, max_failures: int = 5,
                 lockout_s: float = 300, clock: Callable[[], float] = time.time) -> None:
        self.pin_hash, self.state_path, self.audit = pin_hash, state_path, audit
        self.max_failures, self.lockout_s, self.clock = max_failures, lockout_s, clock
        self._lock = threading.Lock()
        self._unsaved: dict[str, float] | None = None  # the last state the disk refused

    def _load(self) -> dict[str, float]:
        """The file's state, or the stricter of it and a state the disk refused to take."""
        try:
            data = json.loads(self.state_path.read_text())
            disk = {"failures": int(data["failures"]), "locked_until": float(data["locked_until"])}
        except (OSError, ValueError, KeyError, TypeError):
            disk = {"failures": 0, "locked_until": 0.0}
        if self._unsaved is None:
            return disk
        return {k: max(disk[k], self._unsaved[k]) for k in disk}

    def _save(self, state: dict[str, float]) -> None:
        try:
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.state_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(state))
            os.replace(tmp, self.state_path)
            self._unsaved = None
        except OSError as exc:  # kept in memory: the count holds until the disk takes it
            log.error("PIN lockout state not saved", extra={"error": type(exc).__name__})
            self._unsaved = dict(state)

    def locked_for(self) -> float:
        with self._lock:
            return max(0.0, self._load()["locked_until"] - self.clock())

    def verify(self, pin: str) -> str:
        """'ok', 'wrong', 'locked' or 'no_pin' (the shipped config has no usable PIN)."""
        with self._lock:
            return self._verify(pin)

    def _verify(self, pin: str) -> str:
        state = self._load()
        if state["locked_until"] > self.clock():
            self.audit.write("pin_refused_locked")
            return "locked"
        if not self.pin_hash:
            self.audit.write("pin_refused_no_pin_configured")
            return "no_pin"
        try:
            HASHER.verify(self.pin_hash, pin)
        except (VerificationError, InvalidHashError):
            state["failures"] += 1
            if state["failures"] >= self.max_failures:
                state = {"failures": 0, "locked_until": self.clock() + self.lockout_s}
                self._save(state)
                self.audit.write("pin_failed_locked", lockout_s=self.lockout_s)
                return "locked"
            self._save(state)
            self.audit.write("pin_failed", failures=state["failures"])
            return "wrong"
        self._unsaved = None  # a right PIN clears the count, also one the disk refused
        self._save({"failures": 0, "locked_until": 0.0})
        self.audit.write("diagnostics_entered")
        return "ok"
