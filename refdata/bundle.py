"""One download for the whole reference set: what the service serves and the kiosk caches.

The shipped files stay separate on the service (the build rewrites them one by one); on the wire
and in the kiosk's cache they travel as one JSON document, so that a download is one request, one
ETag and one atomic file. Each file is carried uncompressed as a string under its stored name, so
the receiver recomputes the same content version the build wrote and refuses anything else.
"""

from __future__ import annotations

import gzip
import io
import json
from typing import Any

from refdata.loader import FILES, ReferenceDataError, load_plain, plain_files, plain_version
from refdata.model import ReferenceData

FORMAT = 1
# Decompressed size above which a bundle is refused unread (the shipped set is about 4 MB):
# a hostile or broken gzip stream cannot make the kiosk inflate gigabytes.
MAX_PLAIN_BYTES = 32 << 20


def pack(raw: dict[str, bytes]) -> tuple[str, bytes]:
    """(version, bundle bytes) of the stored files as `loader.files()` returns them."""
    plain = plain_files(raw)
    version = plain_version(plain)
    doc = {"format": FORMAT, "version": version,
           "files": {name: plain[name].decode("utf-8") for name in (*FILES, "meta.json")}}
    return version, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def unpack(data: bytes) -> ReferenceData:
    """A bundle (plain or gzip-compressed) back into a checked ReferenceData."""
    if data[:2] == b"\x1f\x8b":
        data = inflate(data)
    try:
        doc: Any = json.loads(data)
    except ValueError as exc:
        raise ReferenceDataError(f"reference bundle is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("files"), dict):
        raise ReferenceDataError("reference bundle has an unknown format")
    files = doc["files"]
    if not all(isinstance(v, str) for v in files.values()):
        raise ReferenceDataError("reference bundle file is not text")
    ref = load_plain({str(name): text.encode("utf-8") for name, text in files.items()})
    if doc.get("version") != ref.version:
        raise ReferenceDataError(f"reference bundle says version {doc.get('version')!r}, content is {ref.version}")
    return ref


def inflate(data: bytes, limit: int = MAX_PLAIN_BYTES) -> bytes:
    """gunzip, refusing output above `limit` bytes and damaged streams."""
    out = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(1 << 16):
                out += chunk
                if len(out) > limit:
                    raise ReferenceDataError(f"reference bundle inflates beyond {limit} bytes")
    except (OSError, EOFError) as exc:
        raise ReferenceDataError(f"reference bundle is not valid gzip: {exc}") from None
    return bytes(out)

