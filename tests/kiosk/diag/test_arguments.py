"""Bounded reads and argument types: what reaches a command is a regular file of sane size."""

from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path

import pytest

from kiosk.diag import arguments


def test_read_bounded_takes_regular_files_up_to_the_limit(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_bytes(b"x" * 100)
    assert arguments.read_bounded(f, 100) == b"x" * 100
    with pytest.raises(arguments.InputFileError, match="more than 99 bytes"):
        arguments.read_bounded(f, 99)


@pytest.mark.parametrize(("target", "problem"), [
    ("dir", "is a directory"), ("fifo", "is a pipe"), ("/dev/zero", "is a device"), ("missing", "no such file"),
])
def test_read_bounded_refuses_what_is_not_a_file(tmp_path: Path, target: str, problem: str) -> None:
    path = {"dir": tmp_path, "fifo": tmp_path / "fifo", "/dev/zero": Path("/dev/zero"),
            "missing": tmp_path / "missing"}[target]
    if target == "fifo":
        os.mkfifo(path)  # no writer: opening must not block
    with pytest.raises(arguments.InputFileError, match=problem):
        arguments.read_bounded(path, 1024)


def test_read_text_names_the_first_bad_byte(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_bytes("好".encode() + b"\xff")
    with pytest.raises(arguments.InputFileError, match=r"not UTF-8 text \(byte 3\)"):
        arguments.read_text(f, 1024)


def test_numbers_are_finite_and_in_range() -> None:
    seconds = arguments.seconds(60, low=0.5)
    assert seconds("2.5") == 2.5
    for bad in ("nan", "inf", "-1", "0.4", "61", "soon"):
        with pytest.raises(argparse.ArgumentTypeError):
            seconds(bad)
    assert arguments.PORT("9100") == 9100 and arguments.usb_id("0x04b8") == 0x04B8
    for bad in ("0", "65536", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            arguments.PORT(bad)


def test_sqlite_file_is_opened_read_only(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.close()
    before = db.stat().st_mtime_ns
    assert arguments.sqlite_file(str(db)) == db and db.stat().st_mtime_ns == before
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(db.read_bytes()[:100])
    with pytest.raises(argparse.ArgumentTypeError, match="SQLite"):
        arguments.sqlite_file(str(truncated))


def test_output_file(tmp_path: Path) -> None:
    assert arguments.output_file(str(tmp_path / "r.json")) == tmp_path / "r.json"
    for bad, problem in ((tmp_path, "is a directory"), (tmp_path / "no" / "r.json", "does not exist"),
                         (Path("/dev/null"), "is a device")):
        with pytest.raises(argparse.ArgumentTypeError, match=problem):
            arguments.output_file(str(bad))
