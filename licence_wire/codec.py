"""Authority signatures: the signed licence QR payload and signed API documents.

The service signs; the kiosk's client and the offline verify tool verify, with this one
implementation.

QR payload: "LK1:" + Base45(zlib(CBOR [1, key_id, body, signature])) where body is the
canonical CBOR map {1: uscc, 2: name, ...} and the Ed25519 signature covers a domain tag plus
body. Base45 keeps the text inside the QR alphanumeric mode (as EU digital certificates do).
"""

from __future__ import annotations

import array
import functools
import hashlib
import sys
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

QR_PREFIX = "LK1:"
LICENCE_FIELDS = (
    "uscc",
    "name",
    "entity_type",
    "operator",
    "composition",
    "premises",
    "scope",
    "registration_date",
    "authority",
)
_LICENCE_TAG = b"licence-kiosk/licence/v1\x00"
_DOCUMENT_TAG = b"licence-kiosk/document/v1\x00"
_MAX_ENVELOPE = 8192  # bytes after inflating: caps a zip bomb in a forged QR code
_MAX_QR_TEXT = 4400  # a version-40 QR holds 4296 alphanumeric characters


class SignatureInvalid(Exception):
    """Payload cannot be trusted. ``reason`` is a stable code: format, unknown_key,
    bad_signature, fields."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def key_id(public_key: Ed25519PublicKey) -> bytes:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:8]


def load_public_key(data: bytes | str | Path) -> Ed25519PublicKey:
    """Accept PEM bytes, a path to a PEM file, or 32 raw bytes."""
    if isinstance(data, str | Path):
        data = Path(data).read_bytes()
    if len(data) == 32:
        return Ed25519PublicKey.from_public_bytes(data)
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("authority key is not Ed25519")
    return key


def encode_licence(fields: Mapping[str, str], private_key: Ed25519PrivateKey,
                   kid: bytes | None = None) -> str:
    """The QR payload; ``kid`` is key_id(private_key.public_key()), which a signer issuing
    many licences computes once."""
    body = cbor2.dumps(
        {i + 1: str(fields[name]) for i, name in enumerate(LICENCE_FIELDS)}, canonical=True
    )
    signature = private_key.sign(_LICENCE_TAG + body)
    envelope = cbor2.dumps([1, kid or key_id(private_key.public_key()), body, signature])
    # a 4 KiB window covers any envelope a QR code can carry; zlib's default 32 KiB window and
    # 64 KiB hash table cost more to set up (and zero) than compressing an envelope does
    deflate = zlib.compressobj(9, zlib.DEFLATED, 12, 4)
    return QR_PREFIX + b45encode(deflate.compress(envelope) + deflate.flush())


_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


@functools.cache
def _b45_pairs() -> tuple[str, ...]:
    """Base45 (RFC 9285) of every two-byte value, least significant digit first."""
    return tuple(_B45[n % 45] + _B45[n // 45 % 45] + _B45[n // 2025] for n in range(65536))


def b45encode(data: bytes) -> str:
    """RFC 9285 Base45, as base45.b45encode (which decodes here). Hand-written because that
    package encodes two bytes per step of a Python loop: 140 us of a licence's 320 us. A table
    of the 65,536 pairs (built once, 45 ms, 4 MB, only where licences are issued) makes it one
    lookup per pair, about 13 us."""
    pairs = array.array("H", data[: len(data) // 2 * 2])
    if sys.byteorder == "little":
        pairs.byteswap()  # Base45 reads each pair big-endian
    table = _b45_pairs()
    text = "".join([table[n] for n in pairs])
    if len(data) % 2:
        text += _B45[data[-1] % 45] + _B45[data[-1] // 45]
    return text


def decode_licence(text: str, public_key: Ed25519PublicKey) -> dict[str, str]:
    """Fields of a licence QR payload after checking the authority's signature."""
    text = text.strip()
    if not text.startswith(QR_PREFIX) or len(text) > _MAX_QR_TEXT:
        raise SignatureInvalid("format", "not a licence payload")
    try:
        packed = base45.b45decode(text[len(QR_PREFIX) :])
        inflater = zlib.decompressobj()
        envelope_bytes = inflater.decompress(packed, _MAX_ENVELOPE)
        if not inflater.eof or inflater.unconsumed_tail:
            raise SignatureInvalid("format", "envelope too large or truncated")
        envelope = cbor2.loads(envelope_bytes)
    except SignatureInvalid:
        raise
    except Exception as exc:  # base45/zlib/cbor2 raise assorted types on garbage
        raise SignatureInvalid("format", type(exc).__name__) from None
    if (
        not isinstance(envelope, list)
        or len(envelope) != 4
        or envelope[0] != 1
        or not all(isinstance(x, bytes) for x in envelope[1:])
    ):
        raise SignatureInvalid("format", "unexpected envelope")
    _, kid, body, signature = envelope
    if kid != key_id(public_key):
        raise SignatureInvalid("unknown_key", "signed by another key")
    try:
        public_key.verify(signature, _LICENCE_TAG + body)
    except InvalidSignature:
        raise SignatureInvalid("bad_signature") from None
    try:
        mapping = cbor2.loads(body)
    except Exception:
        raise SignatureInvalid("fields", "body is not CBOR") from None
    expected = set(range(1, len(LICENCE_FIELDS) + 1))
    if (
        not isinstance(mapping, dict)
        or set(mapping) != expected
        or not all(isinstance(v, str) for v in mapping.values())
    ):
        raise SignatureInvalid("fields", "unexpected licence fields")
    return {name: mapping[i + 1] for i, name in enumerate(LICENCE_FIELDS)}


def _document_bytes(document: Mapping[str, Any]) -> bytes:
    return _DOCUMENT_TAG + cbor2.dumps(dict(document), canonical=True)


def sign_document(document: Mapping[str, Any], private_key: Ed25519PrivateKey) -> str:
    """Signature (hex) over the canonical CBOR of a JSON document, so that the verifier can
    recompute the bytes from the parsed JSON regardless of whitespace or key order."""
    return private_key.sign(_document_bytes(document)).hex()


def verify_document(
    document: Mapping[str, Any], signature_hex: str, public_key: Ed25519PublicKey
) -> None:
    try:
        signature = bytes.fromhex(signature_hex)
        public_key.verify(signature, _document_bytes(document))
    except (ValueError, TypeError, InvalidSignature):
        raise SignatureInvalid("bad_signature") from None
    except Exception as exc:  # cbor2 refuses values JSON can carry (e.g. huge ints)
        raise SignatureInvalid("format", type(exc).__name__) from None
