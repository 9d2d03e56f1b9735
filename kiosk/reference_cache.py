"""The kiosk's copy of the reference data: fetched with its version, kept on disk, used while the
registration service is briefly away, replaced when the service has a new version.

Two documents: the pick lists (name industry terms, organisation forms) and the national set
(refdata bundle: divisions, industry tree, scope catalogue). Each is asked for with the ETag of the
copy held (a 304 costs a round trip and no body) and cached as the service sent it (the national
set gzip-compressed, 0.8 MB). A download replaces the cache only after it parses and passes the
integrity checks; a cached file that does not is deleted with the reason logged, and fetched again.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from drivers.errors import ServiceProtocolError, ServiceUnreachable
from drivers.registry.models import Download, ReferenceData
from drivers.registry.wire import parse_reference_data
from refdata import ReferenceData as NationalSet
from refdata import ReferenceDataError, integrity
from refdata.bundle import inflate, unpack
from refdata.model import COUNTY, PREFECTURE, Division, Industry
from refdata.search import SearchIndex, division_index, scope_index

log = logging.getLogger("kiosk.reference")

PICKLIST_PATH = "/v1/reference-data"
NATIONAL_PATH = "/v1/reference-data/national"
PICKLIST_FILE = "picklist.json"
NATIONAL_FILE = "national.json.gz"


class Downloads(Protocol):
    def download(self, path: str, etag: str = "") -> Download | None: ...


class _Versioned(Protocol):
    @property
    def version(self) -> str: ...


T = TypeVar("T", bound=_Versioned)


@dataclass(frozen=True)
class NationalData:
    """The national set with the indexes the form searches, built once per version."""

    ref: NationalSet
    scope: SearchIndex
    counties: SearchIndex  # province, prefecture and county level, searched nationally
    _industry_children: dict[str, list[Industry]] = field(default_factory=dict, repr=False)

    @property
    def version(self) -> str:
        return self.ref.version

    def children(self, code: str) -> list[Division]:
        """Registrable units directly below `code` ("" for the provinces), in code order."""
        return [d for d in (self.ref.divisions[c] for c in sorted(self.ref.children.get(code, ())))
                if d.registrable]

    def industry_children(self, code: str) -> list[Industry]:
        """GB/T 4754 nodes directly below `code` ("" for the 20 sections), in code order."""
        return self._industry_children.get(code, [])

    def is_county(self, code: str) -> bool:
        """A registering unit: a county, or a prefecture that has no counties (东莞市)."""
        unit = self.ref.divisions.get(code)
        if unit is None or not unit.registrable or unit.level not in (PREFECTURE, COUNTY):
            return False
        return unit.level == COUNTY or not any(d.level == COUNTY for d in self.children(code))


def index(ref: NationalSet) -> NationalData:
    tree: dict[str, list[Industry]] = {}
    for node in sorted(ref.industries.values(), key=lambda i: i.code):
        tree.setdefault(node.parent, []).append(node)
    return NationalData(ref, scope_index(ref), division_index(ref, max_level=COUNTY), tree)


class ReferenceCache:
    """One per kiosk; `load` runs on a worker thread, one call at a time."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._pick: ReferenceData | None = None
        self._national: NationalData | None = None
        self._combined: ReferenceData | None = None  # what the flow shows: the same object until a part changes
        self._combined_of = (0, 0)
        self._read_disk = False

    def load(self, client: Downloads) -> ReferenceData:
        """The current reference data: refreshed from `client` when it answers, else the copy held.
        Raises ServiceUnreachable / ServiceProtocolError only when there is no copy at all."""
        with self._lock:
            if not self._read_disk:
                self._read_disk = True
                self._pick, self._national = self._read_pick(), self._read_national()
            self._pick = self._refresh(client, PICKLIST_PATH, self._pick, self._accept_pick)
            self._national = self._refresh(client, NATIONAL_PATH, self._national, self._accept_national)
            assert self._pick is not None and self._national is not None  # _refresh raises otherwise
            if self._combined is None or self._combined_of != (id(self._pick), id(self._national)):
                self._combined = dataclasses.replace(self._pick, national=self._national)
                self._combined_of = (id(self._pick), id(self._national))
            return self._combined

    # --- one document ---------------------------------------------------------------------
    @staticmethod
    def _refresh(client: Downloads, path: str, held: T | None, accept: Callable[[Download], T]) -> T:
        try:
            download = client.download(path, f'"{held.version}"' if held is not None else "")
            return held if download is None and held is not None else accept(_required(download, path))
        except (ServiceUnreachable, ServiceProtocolError) as exc:
            if held is None:
                raise
            log.warning("reference data %s: %s %s; keeping version %s", path, exc.code, exc.detail, held.version)
            return held

    def _accept_pick(self, download: Download) -> ReferenceData:
        try:
            body = inflate(download.body) if download.gzipped else download.body
            pick = parse_reference_data(json.loads(body))
        except (ValueError, RecursionError, ReferenceDataError):
            raise ServiceProtocolError("pick lists are not JSON") from None
        self._write(PICKLIST_FILE, body)
        log.info("reference pick lists version %s", pick.version)
        return pick

    def _accept_national(self, download: Download) -> NationalData:
        body = download.body if download.gzipped else gzip.compress(download.body, 6, mtime=0)
        try:
            ref = unpack(body)
        except ReferenceDataError as exc:
            raise ServiceProtocolError(f"national reference data refused: {exc}") from None
        if download.etag.removeprefix("W/").strip('"') != ref.version:
            raise ServiceProtocolError("national reference data does not match its ETag")
        found = integrity.problems(ref)
        if found:
            raise ServiceProtocolError(f"national reference data fails {len(found)} checks: {found[0]}")
        self._write(NATIONAL_FILE, body)
        log.info("national reference data version %s", ref.version)
        return index(ref)

    # --- disk -----------------------------------------------------------------------------
    def _read_pick(self) -> ReferenceData | None:
        data = self._read(PICKLIST_FILE)
        if data is None:
            return None
        try:
            return parse_reference_data(json.loads(data))
        except (ValueError, RecursionError, ServiceProtocolError) as exc:
            return self._discard(PICKLIST_FILE, exc)

    def _read_national(self) -> NationalData | None:
        data = self._read(NATIONAL_FILE)
        if data is None:
            return None
        try:
            return index(unpack(data))
        except ReferenceDataError as exc:
            return self._discard(NATIONAL_FILE, exc)

    def _read(self, name: str) -> bytes | None:
        try:
            return (self.directory / name).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            return self._discard(name, exc)

    def _discard(self, name: str, reason: Exception) -> None:
        log.warning("cached reference data %s discarded: %s", name, reason)
        (self.directory / name).unlink(missing_ok=True)

    def _write(self, name: str, data: bytes) -> None:
        """Owner-only, atomic: a reader (or a crash) sees the old file or the new one, never half.
        A failed write (disk full) only costs the next start a download."""
        try:
            self._replace(name, data)
        except OSError as exc:
            log.warning("reference data %s not cached: %s", name, exc.strerror or exc)

    def _replace(self, name: str, data: bytes) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = self.directory / name
        tmp = target.with_name(f".{name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _required(download: Download | None, path: str) -> Download:
    if download is None:  # a 304 although no version was named
        raise ServiceProtocolError(f"{path}: not modified, but nothing is held")
    return download
