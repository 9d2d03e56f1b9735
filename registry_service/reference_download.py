"""The national reference set as served: one bundle, compressed once, validated by its ETag.

The bundle is immutable per version, so it is built on the first request (not at start: reading
and compressing 3.8 MB costs a few hundred milliseconds) and then served from memory; a kiosk that
sends the version it holds in If-None-Match gets a 304 with no body.
"""

from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass

from refdata import files
from refdata.bundle import pack

MEDIA_TYPE = "application/json"


@dataclass(frozen=True)
class Bundle:
    version: str
    plain: bytes
    gzipped: bytes

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class ReferenceDownload:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bundle: Bundle | None = None

    def bundle(self) -> Bundle:
        with self._lock:
            if self._bundle is None:
                version, plain = pack(files())
                # mtime=0: the same bytes on every start, so caches and digests agree
                self._bundle = Bundle(version, plain, gzip.compress(plain, 9, mtime=0))
            return self._bundle


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison over a list of entity tags, or `*`."""
    if not if_none_match:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    return "*" in tags or etag in (t.removeprefix("W/") for t in tags)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """gzip listed without q=0."""
    for part in (accept_encoding or "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            q = params.strip().lower().removeprefix("q=")
            return not params or q not in ("0", "0.0", "0.00", "0.000")
    return False
