"""The soak's personal-data sweep: it finds a planted name, ID number or document number in any
encoding, anywhere in a file (inside SQLite pages, across chunk boundaries, in rotated logs),
keeps the authority's directory apart, and stays quiet on random bytes."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from benchmarks.soak import pii
from benchmarks.soak.applicants import generate

PEOPLE = generate(40, seed=7)


def _needles() -> pii.Needles:
    needles = pii.Needles()
    for a in PEOPLE:
        needles.add(a.index, a.needles())
    return needles


@pytest.mark.parametrize("encoding", pii.ENCODINGS)
@pytest.mark.parametrize("label", ["name", "id_number", "document_number", "mrz_name"])
def test_a_planted_text_is_found_in_each_encoding(tmp_path: Path, encoding: str, label: str) -> None:
    who = PEOPLE[17]
    (tmp_path / "logs").mkdir()
    blob = os.urandom(5000) + who.needles()[label].encode(encoding) + os.urandom(3001)
    (tmp_path / "logs" / "kiosk.log.3").write_bytes(blob)
    (tmp_path / "clean.bin").write_bytes(os.urandom(20000))
    found = pii.scan(tmp_path, _needles())
    assert {(f.path, f.label, f.applicant) for f in found} == {("logs/kiosk.log.3", label, 17)}
    assert encoding in {f.encoding for f in found}
    assert pii.exact(tmp_path, 17, who.needles(), pii.files_under(tmp_path)) == found


def test_a_name_in_a_sqlite_row_is_found_in_the_raw_database(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "journal.db")
    db.execute("CREATE TABLE t (x TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [(os.urandom(40).hex(),) for _ in range(500)])
    db.execute("INSERT INTO t VALUES (?)", (f"operator {PEOPLE[3].name_national}",))
    db.commit()
    db.close()
    found = pii.scan(tmp_path, _needles())
    assert {(f.label, f.applicant) for f in found} == {("name", 3)}


def test_a_text_across_a_chunk_boundary_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pii, "CHUNK", 4096)
    raw = PEOPLE[5].personal_number.encode("utf-16-le")
    (tmp_path / "big.bin").write_bytes(bytes(4096 - 10) + raw + bytes(100))
    found = pii.scan(tmp_path, _needles())
    # ASCII in UTF-16LE, one byte on, reads as UTF-16BE too: both are reported
    assert {(f.label, f.applicant) for f in found} == {("id_number", 5)}
    assert "utf-16-le" in {f.encoding for f in found}


def test_the_authoritys_directory_is_skipped_unless_asked_for(tmp_path: Path) -> None:
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "registry.db").write_bytes(PEOPLE[0].name_national.encode())
    assert pii.scan(tmp_path, _needles()) == []
    authority = pii.scan(tmp_path, _needles(), pii.files_under(tmp_path, skip_authority=False))
    assert [f.path for f in authority] == ["registry/registry.db"]


def test_random_bytes_give_no_finding(tmp_path: Path) -> None:
    (tmp_path / "noise.bin").write_bytes(os.urandom(3 << 20))
    assert pii.scan(tmp_path, _needles()) == []


def test_only_changed_files_are_listed_again(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"1")
    (tmp_path / "b").write_bytes(b"2")
    changed = pii.ChangedFiles(tmp_path)
    assert sorted(p.name for p in changed()) == ["a", "b"]
    assert changed() == []
    (tmp_path / "b").write_bytes(b"22")
    assert [p.name for p in changed()] == ["b"]


def test_a_var_file_another_account_can_read_is_reported_and_the_authoritys_is_not(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir(mode=0o700)
    private = tmp_path / "logs" / "kiosk.log"
    private.write_text("x")
    private.chmod(0o600)
    assert pii.open_to_others(tmp_path) == []
    leaky = tmp_path / "journal.db"
    leaky.write_text("x")
    leaky.chmod(0o644)
    (tmp_path / pii.AUTHORITY_DIR).mkdir(mode=0o755)  # the authority's own database: not the kiosk's
    assert pii.open_to_others(tmp_path) == ["journal.db -rw-r--r--"]
