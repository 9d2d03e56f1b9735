"""Basic Access Control (ICAO 9303-11 4.3): 3DES mutual authentication from the MRZ key."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from drivers.errors import CardAccessDenied, CardBlocked, CardReadError, CardUnsupported
from drivers.idcard import crypto
from drivers.idcard.apdu import Command
from drivers.idcard.channel import ApduChannel
from drivers.idcard.sm import SecureMessaging


def derive_keys(key_seed: bytes) -> tuple[bytes, bytes]:
    """(K_enc, K_mac) from a 16-byte seed, parity-adjusted as ICAO prints them."""
    return (crypto.adjust_parity(crypto.kdf(key_seed, crypto.KDF_ENC, "3DES", 16)),
            crypto.adjust_parity(crypto.kdf(key_seed, crypto.KDF_MAC, "3DES", 16)))


def key_seed(mrz_info: bytes) -> bytes:
    return hashlib.sha1(mrz_info).digest()[:16]


def authenticate(channel: ApduChannel, mrz_info: bytes,
                 random: Callable[[int], bytes] = os.urandom) -> SecureMessaging:
    """Run GET CHALLENGE + EXTERNAL AUTHENTICATE; returns the SM session."""
    k_enc, k_mac = derive_keys(key_seed(mrz_info))
    resp = channel.send(Command(0x00, 0x84, 0x00, 0x00, ne=8))
    if resp.sw in (0x6D00, 0x6E00, 0x6A81, 0x6982, 0x6985):
        raise CardUnsupported(f"BAC not offered (GET CHALLENGE {resp.sw:04X})")
    if not resp.ok or len(resp.data) != 8:
        raise CardReadError(f"GET CHALLENGE failed ({resp.sw:04X}, {len(resp.data)} bytes)")
    rnd_ic = resp.data
    rnd_ifd, k_ifd = random(8), random(16)
    e_ifd = crypto.des3_encrypt(k_enc, rnd_ifd + rnd_ic + k_ifd)
    m_ifd = crypto.retail_mac(k_mac, crypto.pad(e_ifd, 8))
    resp = channel.send(Command(0x00, 0x82, 0x00, 0x00, e_ifd + m_ifd, ne=40))
    if resp.sw == 0x6983:
        raise CardBlocked("BAC blocked by the chip")
    if resp.sw in (0x6300, 0x6982) or resp.sw1 == 0x63:
        raise CardAccessDenied("BAC mutual authentication refused (wrong MRZ data?)")
    if not resp.ok or len(resp.data) != 40:
        raise CardReadError(f"EXTERNAL AUTHENTICATE failed ({resp.sw:04X})")
    e_ic, m_ic = resp.data[:32], resp.data[32:]
    if not crypto.consteq(crypto.retail_mac(k_mac, crypto.pad(e_ic, 8)), m_ic):
        raise CardReadError("BAC chip cryptogram MAC mismatch")
    r = crypto.des3_decrypt(k_enc, e_ic)
    if r[:8] != rnd_ic or r[8:16] != rnd_ifd:
        raise CardReadError("BAC chip cryptogram does not echo the nonces")
    k_ic = r[16:32]
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    ks_enc, ks_mac = derive_keys(seed)
    return SecureMessaging("3DES", ks_enc, ks_mac, rnd_ic[4:] + rnd_ifd[4:])
