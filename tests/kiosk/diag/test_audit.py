"""The technicians' audit trail rotates by size: bounded on disk, newest events still readable."""

from __future__ import annotations

from pathlib import Path

from kiosk.diag.audit import AuditLog


def test_the_audit_log_rotates_and_its_total_size_stays_bounded(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "logs" / "audit.log", max_bytes=2048, backups=2)
    for i in range(500):
        audit.write("pin_failed", attempt=i)
    files = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert files == ["audit.log", "audit.log.1", "audit.log.2"]
    sizes = [(tmp_path / "logs" / name).stat().st_size for name in files]
    assert all(size <= 2048 for size in sizes)
    assert [e["attempt"] for e in audit.tail(3)] == [497, 498, 499]


def test_tail_reaches_into_the_newest_backup_after_a_rotation(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.log", max_bytes=300, backups=1)
    for i in range(7):
        audit.write("diag_entered", n=i)
    assert len((tmp_path / "audit.log").read_text().splitlines()) < 5
    assert [e["n"] for e in audit.tail(5)] == [2, 3, 4, 5, 6]
    assert (tmp_path / "audit.log").stat().st_mode & 0o777 == 0o600
