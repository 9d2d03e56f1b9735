"""The technicians' PIN: an Argon2id hash in config, and a lockout that survives a reboot.

The failure counter lives on disk next to the journal: pulling the plug must not hand an attacker
five fresh guesses.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk.diag.audit import AuditLog

HASHER = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile
MIN_PIN_DIGITS = 6


def hash_pin(pin: str) -> str:
    if not (pin.isdigit() and len(pin) >= MIN_PIN_DIGITS):
        raise ValueError(f"a PIN has at least {MIN_PIN_DIGITS} digits")
    return HASHER.hash(pin)


class PinGuard:
    def __init__(self, pin_hash: str, state_path: Path, audit: AuditLog, max_failures: int = 5,
                 lockout_s: float = 300, clock: Callable[[], float] = time.time) -> None:
        self.pin_hash, self.state_path, self.audit = pin_hash, state_path, audit
        self.max_failures, self.lockout_s, self.clock = max_failures, lockout_s, clock

    def _load(self) -> dict[str, float]:
        try:
            data = json.loads(self.state_path.read_text())
            return {"failures": int(data["failures"]), "locked_until": float(data["locked_until"])}
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return {"failures": 0, "locked_until": 0.0}

    def _save(self, state: dict[str, float]) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, self.state_path)

    def locked_for(self) -> float:
        return max(0.0, self._load()["locked_until"] - self.clock())

    def verify(self, pin: str) -> str:
        """'ok', 'wrong', 'locked' or 'no_pin' (the shipped config has no usable PIN)."""
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
        self._save({"failures": 0, "locked_until": 0.0})
        self.audit.write("diagnostics_entered")
        return "ok"
