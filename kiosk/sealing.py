"""AES-GCM sealing for the little personal data that must survive a power cut.

The journal keeps an unanswered application so it can be replayed with the same idempotency key
after a crash; the print journal keeps a licence's bytes for a whole reprint. Both are personal
data at rest, so both are sealed with a per-kiosk key created on first use (mode 0600).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class Sealer:
    def __init__(self, key_path: Path) -> None:
        self.key = self._load_or_create(key_path)

    @staticmethod
    def _load_or_create(path: Path) -> bytes:
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            key = AESGCM.generate_key(bit_length=256)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(key)
                f.flush()
                os.fsync(f.fileno())
            return key
        if len(key) != 32:
            raise ValueError(f"sealing key {path} is corrupt ({len(key)} bytes, expected 32)")
        return key

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + AESGCM(self.key).encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, context: bytes) -> bytes:
        return AESGCM(self.key).decrypt(sealed[:12], sealed[12:], context)
