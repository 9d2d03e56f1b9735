"""Looks for applicants' personal data in the raw bytes of every file under the kiosk's var dir.

Raw bytes, not parsed content: SQLite pages (including free pages and the WAL, where deleted rows
linger), rotated logs, caches, anything. Each text is looked for in UTF-8, UTF-16LE and UTF-16BE.

All needles are searched at once: every 8-byte window of a file is read as one 64-bit number with
numpy, hashed and looked up in a bit table of the needles' prefixes, and the few candidates are
compared in full. Exact, and fast enough for 15,000 needles over a 100 MB journal, where one
``bytes.find`` per needle is not.

The registration service's database (var/registry) is the authority's record, which must hold
the applicant's data: it is scanned separately and reported as such, never as a leak.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")
AUTHORITY_DIR = "registry"
CHUNK = 8 << 20
OVERLAP = 512  # longer than any needle: a needle across a chunk boundary is still seen


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the scanned directory
    label: str  # name | id_number | document_number | mrz_name | latin_name
    encoding: str
    applicant: int


class Needles:
    """Every text of every applicant in every encoding, indexed by a hash of its first bytes."""

    HASH_BITS = 24

    def __init__(self) -> None:
        self._entries: dict[int, dict[int, list[tuple[bytes, int, str, str]]]] = {}  # width -> prefix -> ...
        self._tables: dict[int, np.ndarray] = {}
        self.count = 0

    def add(self, applicant: int, texts: dict[str, str]) -> Needles:
        for label, text in texts.items():
            for enc in ENCODINGS:
                raw = text.encode(enc) if text else b""
                if len(raw) < 4:  # too short to tell from noise in encrypted pages
                    continue
                width = min(len(raw), 8)
                key = int.from_bytes(raw[:width], "little")
                self._entries.setdefault(width, {}).setdefault(key, []).append((raw, applicant, label, enc))
                self._tables.pop(width, None)
                self.count += 1
        return self

    @classmethod
    def _hash(cls, values: np.ndarray) -> np.ndarray:
        return (values * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - cls.HASH_BITS)

    def _table(self, width: int) -> np.ndarray:
        if width not in self._tables:
            table = np.zeros(1 << self.HASH_BITS, dtype=bool)
            keys = np.array(list(self._entries[width]), dtype=np.uint64)
            table[self._hash(keys)] = True
            self._tables[width] = table
        return self._tables[width]

    def find(self, data: bytes) -> Iterator[tuple[int, str, str]]:
        """(applicant, label, encoding) of every needle in ``data``."""
        if not data or not self._entries:
            return
        count = len(data) // 8 + 1
        padded = data + bytes(16)
        windows = np.empty((count, 8), dtype=np.uint64)  # windows[j, k]: the 8 bytes at j*8+k
        for k in range(8):
            windows[:, k] = np.frombuffer(padded, dtype="<u8", count=count, offset=k)
        windows = windows.ravel()[: len(data)]
        with np.errstate(over="ignore"):
            for width, entries in self._entries.items():
                values = windows if width == 8 else windows & np.uint64((1 << (8 * width)) - 1)
                for pos in np.nonzero(self._table(width)[self._hash(values)])[0]:
                    for raw, applicant, label, enc in entries.get(int(values[pos]), ()):
                        if data[pos:pos + len(raw)] == raw:
                            yield applicant, label, enc


def files_under(root: Path, skip_authority: bool = True) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        if skip_authority and Path(dirpath) == root and AUTHORITY_DIR in dirnames:
            dirnames.remove(AUTHORITY_DIR)
        for name in filenames:
            yield Path(dirpath) / name


def open_to_others(root: Path) -> list[str]:
    """Files and directories of the kiosk's var dir (the authority's left out) that another local
    account could read or enter: the kiosk promises 0600/0700 (kiosk/owner_only.py)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == root and AUTHORITY_DIR in dirnames:
            dirnames.remove(AUTHORITY_DIR)
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            try:
                mode = path.lstat().st_mode
            except FileNotFoundError:  # removed meanwhile (a rotated log, a SQLite journal)
                continue
            if not stat.S_ISLNK(mode) and mode & 0o077:
                found.append(f"{path.relative_to(root)} {stat.filemode(mode)}")
    return found


def _read_chunks(path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as f:
            tail = b""
            while True:
                block = f.read(CHUNK)
                if not block:
                    return
                yield tail + block
                tail = block[-OVERLAP:]
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        return


def scan(root: Path, needles: Needles, paths: Iterable[Path] | None = None) -> list[Finding]:
    found: set[Finding] = set()
    for path in paths if paths is not None else files_under(root):
        for data in _read_chunks(path):
            for applicant, label, enc in needles.find(data):
                found.add(Finding(str(path.relative_to(root)), label, enc, applicant))
    return sorted(found, key=lambda f: (f.path, f.applicant, f.label, f.encoding))


def exact(root: Path, applicant: int, texts: dict[str, str], paths: Iterable[Path]) -> list[Finding]:
    """One applicant's texts with ``bytes.find``: cheaper than the table for a handful of needles."""
    forms = [(label, enc, raw) for label, text in texts.items() if text for enc in ENCODINGS
             if len(raw := text.encode(enc)) >= 4]
    found: set[Finding] = set()
    for path in paths:
        for data in _read_chunks(path):
            for label, enc, raw in forms:
                if data.find(raw) >= 0:
                    found.add(Finding(str(path.relative_to(root)), label, enc, applicant))
    return sorted(found, key=lambda f: (f.path, f.label, f.encoding))


class ChangedFiles:
    """Files whose size or modification time changed since the last call: scanning only those
    after each applicant keeps the per-applicant sweep short."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._seen: dict[Path, tuple[int, int]] = {}

    def __call__(self) -> list[Path]:
        changed = []
        for path in files_under(self.root):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            sig = (st.st_size, st.st_mtime_ns)
            if self._seen.get(path) != sig:
                self._seen[path] = sig
                changed.append(path)
        return changed
