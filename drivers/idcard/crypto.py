"""Symmetric primitives of ICAO 9303 Part 11: key derivation, 3DES/AES, retail MAC, CMAC.

`cryptography` does the block ciphers and CMAC; only the glue that ICAO defines on top
(KDF counter, ISO 9797-1 padding, MAC algorithm 3 = "retail MAC") is written here, because
no maintained Python library exposes it.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC

KDF_ENC = 1
KDF_MAC = 2
KDF_PACE = 3


def pad(data: bytes, block: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2 (always adds at least one byte)."""
    padded = data + b"\x80"
    return padded + bytes(-len(padded) % block)


def unpad(data: bytes) -> bytes:
    """Inverse of `pad`; ValueError when the padding is malformed."""
    end = data.rstrip(b"\x00")
    if not end or end[-1] != 0x80:
        raise ValueError("bad ISO 9797-1 padding")
    return end[:-1]


def _des3_key(key: bytes) -> bytes:
    if len(key) == 8:  # single DES expressed as 3DES with K1=K2=K3 (8-byte keys are deprecated)
        return key * 3
    if len(key) == 16:
        return key + key[:8]
    return key


def des3_encrypt(key: bytes, data: bytes, iv: bytes = bytes(8)) -> bytes:
    enc = Cipher(TripleDES(_des3_key(key)), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def des3_decrypt(key: bytes, data: bytes, iv: bytes = bytes(8)) -> bytes:
    dec = Cipher(TripleDES(_des3_key(key)), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def aes_encrypt(key: bytes, data: bytes, iv: bytes = bytes(16)) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def aes_decrypt(key: bytes, data: bytes, iv: bytes = bytes(16)) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def aes_ecb_block(key: bytes, block: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 with DES over already padded ``data`` (8-byte result)."""
    if len(data) % 8 or not data:
        raise ValueError("retail MAC input must be padded to 8 bytes")
    k1, k2 = key[:8], key[8:16]
    cbc = des3_encrypt(k1, data)[-8:]
    return _retail_final(k1, k2, cbc)


def _retail_final(k1: bytes, k2: bytes, h: bytes) -> bytes:
    # Output transformation 3: decrypt with K2, encrypt with K1 (== 3DES-EDE K1,K2,K1 on h
    # after the CBC pass encrypted it once with K1).
    dec = Cipher(TripleDES(k2 * 3), modes.ECB()).decryptor()
    h = dec.update(h) + dec.finalize()
    enc = Cipher(TripleDES(k1 * 3), modes.ECB()).encryptor()
    return enc.update(h) + enc.finalize()


def aes_cmac(key: bytes, data: bytes) -> bytes:
    c = CMAC(algorithms.AES(key))
    c.update(data)
    return c.finalize()


def kdf(secret: bytes, counter: int, cipher: str, key_len: int) -> bytes:
    """ICAO 9303-11 9.7.1: hash(secret || counter32); SHA-1 for 3DES/AES-128, else SHA-256."""
    data = secret + counter.to_bytes(4, "big")
    if cipher == "3DES":
        return hashlib.sha1(data).digest()[:16]
    digest = hashlib.sha1(data).digest() if key_len == 16 else hashlib.sha256(data).digest()
    return digest[:key_len]


def adjust_parity(key: bytes) -> bytes:
    """Set DES odd parity (cosmetic for the cipher; the ICAO vectors show parity-adjusted keys)."""
    out = bytearray(key)
    for i, b in enumerate(out):
        ones = bin(b >> 1).count("1")
        out[i] = (b & 0xFE) | (0 if ones % 2 else 1)
    return bytes(out)


def consteq(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)
