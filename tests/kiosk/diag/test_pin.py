"""The technicians' PIN guard: the lockout holds against concurrent guesses and a full disk."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kiosk.diag import pin as pin_mod
from kiosk.diag.audit import AuditLog
from kiosk.diag.pin import PinGuard, hash_pin

PIN = "246810"
HASH = hash_pin(PIN)


def test_concurrent_guesses_cannot_outrun_the_lockout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """20 guesses at once (the runner has 4 workers; the flow refuses queued submits too): at most
    max_failures of them are checked against the hash, every later one is refused as locked."""
    checked: list[str] = []
    real = pin_mod.HASHER

    class CountingHasher:
        def verify(self, stored: str, guess: str) -> bool:
            checked.append(guess)
            return real.verify(stored, guess)

    monkeypatch.setattr(pin_mod, "HASHER", CountingHasher())
    audit = AuditLog(tmp_path / "audit.log")
    guard = PinGuard(HASH, tmp_path / "lockout.json", audit, max_failures=5, lockout_s=300)
    start = threading.Barrier(20)
    results: list[str] = []

    def guess(n: int) -> None:
        start.wait()
        results.append(guard.verify(f"{n:06d}"))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) <= 5, f"{len(checked)} guesses checked before the lockout"
    assert sorted(results) == sorted(["wrong"] * 4 + ["locked"] * 16)
    assert guard.verify(PIN) == "locked" and guard.locked_for() > 0
    events = [a["event"] for a in audit.tail(50)]
    assert events.count("pin_failed") == 4 and events.count("pin_failed_locked") == 1


def test_a_failure_count_that_cannot_be_saved_still_counts(tmp_path: Path) -> None:
    """A full or read-only disk must not hand out unlimited guesses: the count lives in memory
    too, and a right PIN still opens diagnostics (the technician may be there to fix the disk)."""
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("")
    guard = PinGuard(HASH, blocked / "lockout.json", AuditLog(tmp_path / "audit.log"), max_failures=3)
    assert guard.verify(PIN) == "ok"
    assert [guard.verify("000000") for _ in range(3)] == ["wrong", "wrong", "locked"]
    assert guard.verify(PIN) == "locked"


@pytest.mark.parametrize("pin", ["١٢٣٤٥٦", "１２３４５６", "12345６", "123456\n", "²³⁴⁵⁶⁷", "12345"])
def test_a_pin_is_ascii_digits_only(pin: str) -> None:
    with pytest.raises(ValueError):
        hash_pin(pin)


def test_with_a_working_disk_the_file_is_the_truth(tmp_path: Path) -> None:
    """A technician with root over SSH may end a lockout by deleting the file."""
    state = tmp_path / "lockout.json"
    guard = PinGuard(HASH, state, AuditLog(tmp_path / "audit.log"), max_failures=2)
    assert [guard.verify("000000") for _ in range(2)] == ["wrong", "locked"]
    state.unlink()
    assert guard.verify(PIN) == "ok"
