"""Argument types and bounded file reads for the technicians' commands.

A wrong path or number typed over SSH must come back as one line naming the argument, before any
device is opened or any check has run; and no argument may make a command read without end
(/dev/zero, a FIFO, a multi-gigabyte file). argparse reports an ``ArgumentTypeError`` raised here
as ``error: argument --db: ...`` with exit status 2.
"""

from __future__ import annotations

import argparse
import math
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

KIB, MIB = 1024, 1024 * 1024
# the largest file of each kind a command reads whole
MAX_CONFIG_BYTES = 1 * MIB
MAX_IMAGE_BYTES = 32 * MIB  # a phone photo or a camera still; chip portraits are ~20 KB
MAX_LIST_BYTES = 16 * MIB  # face-match --pairs: thousands of lines of two paths
MAX_PEM_BYTES = 1 * MIB  # keys, certificates and CA bundles


class InputFileError(ValueError):
    """A file argument that is missing, not a regular file, too large or unreadable."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path, self.problem = str(path), problem
        super().__init__(f"{path}: {problem}")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular(path: Path, max_bytes: int) -> os.stat_result:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(path, f"is {_kind(st.st_mode)}, not a file")
    if st.st_size > max_bytes:
        raise InputFileError(path, f"is {st.st_size:,} bytes; at most {max_bytes:,} expected here")
    return st


def read_bounded(path: Path | str, max_bytes: int) -> bytes:
    """The whole of a regular file of at most ``max_bytes``. The checks apply to the file actually
    opened (O_NONBLOCK: opening a FIFO must not wait for a writer)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputFileError(path, f"is {_kind(mode)}, not a file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise InputFileError(path, f"is more than {max_bytes:,} bytes; at most that expected here")
    return data


def read_text(path: Path | str, max_bytes: int) -> str:
    data = read_bounded(path, max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"is not UTF-8 text (byte {exc.start})") from None


# --- argparse types -------------------------------------------------------------------------------
def existing_file(max_bytes: int) -> Callable[[str], Path]:
    def check(text: str) -> Path:
        path = Path(text)
        try:
            check_regular(path, max_bytes)
        except InputFileError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return path

    return check


def config_file(text: str) -> Path:
    """A config path; a missing file is left to the config loader, which names it in its own words."""
    path = Path(text)
    if path.exists():
        try:
            check_regular(path, MAX_CONFIG_BYTES)
        except InputFileError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return path


def existing_dir(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{path}: {'is not a directory' if path.exists() else 'no such directory'}")
    return path


def var_directory(text: str) -> Path:
    """A var directory: one that exists, or none yet (it is created), never a file."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{path}: is not a directory")
    return path


def output_file(text: str) -> Path:
    """A file this command may create or replace: not a directory, in a directory that exists."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{path}: is a directory; give a file name")
    if path.exists() and not path.is_file():
        raise argparse.ArgumentTypeError(f"{path}: is {_kind(path.stat().st_mode)}, not a file")
    parent = path.parent
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"{path}: directory {parent} does not exist")
    if not os.access(path if path.exists() else parent, os.W_OK):
        raise argparse.ArgumentTypeError(f"{path}: not writable")
    return path


def sqlite_file(text: str) -> Path:
    """An existing SQLite database (opened read-only to check it, never created here)."""
    path = existing_file(1 << 62)(text)
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise argparse.ArgumentTypeError(f"{path}: not an SQLite database")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise argparse.ArgumentTypeError(f"{path}: unreadable SQLite database ({exc})") from None
    return path


def number(kind: type[int] | type[float], low: float, high: float) -> Callable[[str], float]:
    """A finite int or float in [low, high]."""
    def check(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"{text} is out of range ({low:g} to {high:g})")
        return value

    return check


def seconds(high: float, low: float = 0.001) -> Callable[[str], float]:
    return number(float, low, high)


PORT = number(int, 1, 65535)


def usb_id(text: str) -> int:
    """A USB vendor or product id: 0x04b8, 1208 or 0o2270."""
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (e.g. 0x04b8)") from None
    if not 0 <= value <= 0xFFFF:
        raise argparse.ArgumentTypeError(f"{text} is out of range (0x0000 to 0xffff)")
    return value
