"""The authority's key material, created in a key directory on first start."""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE_KEY_FILE = "authority_ed25519.pem"
PUBLIC_KEY_FILE = "authority_ed25519.pub.pem"
SECRET_FILE = "service_secret.bin"  # HMAC key for request fingerprints + AES key for records


@dataclass(frozen=True)
class AuthorityKeys:
    private_key: Ed25519PrivateKey
    public_key: Ed25519PublicKey
    public_key_path: Path
    secret: bytes

    def public_pem(self) -> bytes:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def __repr__(self) -> str:
        return f"AuthorityKeys(public_key_path={self.public_key_path!s})"


def _write_private(path: Path, data: bytes) -> None:
    # O_EXCL: two processes starting at once must not overwrite each other's fresh key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def load_or_create(key_dir: Path) -> AuthorityKeys:
    key_dir.mkdir(parents=True, exist_ok=True)
    priv_path = key_dir / PRIVATE_KEY_FILE
    pub_path = key_dir / PUBLIC_KEY_FILE
    secret_path = key_dir / SECRET_FILE
    if not priv_path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        with contextlib.suppress(FileExistsError):
            _write_private(priv_path, pem)
    if not secret_path.exists():
        with contextlib.suppress(FileExistsError):
            _write_private(secret_path, secrets.token_bytes(32))
    private_key = serialization.load_pem_private_key(priv_path.read_bytes(), password=None)
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ValueError(f"{priv_path} is not an Ed25519 key")
    public_key = private_key.public_key()
    pub_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if not pub_path.exists() or pub_path.read_bytes() != pub_pem:
        tmp = pub_path.with_suffix(".tmp")
        tmp.write_bytes(pub_pem)
        tmp.replace(pub_path)
    secret = secret_path.read_bytes()
    if len(secret) != 32:
        raise ValueError(f"{secret_path} must hold 32 bytes")
    return AuthorityKeys(private_key, public_key, pub_path, secret)
