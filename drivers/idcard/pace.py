"""PACE with ECDH generic mapping (ICAO 9303-11 4.4), reader side, and its shared helpers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from drivers.errors import CardAccessDenied, CardBlocked, CardReadError, CardUnsupported
from drivers.idcard import crypto, tlv
from drivers.idcard.apdu import Command, Response
from drivers.idcard.base import AccessKey
from drivers.idcard.card_access import PaceInfo
from drivers.idcard.channel import ApduChannel
from drivers.idcard.ec import Domain
from drivers.idcard.mrz import mrz_information
from drivers.idcard.sm import SecureMessaging

PWD_MRZ = 1
PWD_CAN = 2

#: step -> private scalar; tests inject the ICAO example's keys through this
KeySource = Callable[[str, Domain], int]


def password(key: AccessKey) -> tuple[bytes, int]:
    if key.can:
        return key.can.encode("ascii"), PWD_CAN
    if not (key.document_number and key.birth_date and key.expiry_date):
        raise CardAccessDenied("incomplete MRZ access key")
    info = mrz_information(key.document_number, key.birth_date, key.expiry_date)
    return hashlib.sha1(info).digest(), PWD_MRZ


def nonce_key(info: PaceInfo, pi: bytes) -> bytes:
    return crypto.kdf(pi, crypto.KDF_PACE, info.cipher, info.key_length)


def session_keys(info: PaceInfo, shared_x: bytes) -> tuple[bytes, bytes]:
    return (crypto.kdf(shared_x, crypto.KDF_ENC, info.cipher, info.key_length),
            crypto.kdf(shared_x, crypto.KDF_MAC, info.cipher, info.key_length))


def decrypt_nonce(info: PaceInfo, k_pi: bytes, z: bytes) -> bytes:
    if info.cipher == "3DES":
        return crypto.des3_decrypt(k_pi, z)
    return crypto.aes_decrypt(k_pi, z)


def encrypt_nonce(info: PaceInfo, k_pi: bytes, s: bytes) -> bytes:
    if info.cipher == "3DES":
        return crypto.des3_encrypt(k_pi, s)
    return crypto.aes_encrypt(k_pi, s)


def auth_token(info: PaceInfo, ks_mac: bytes, other_public: bytes) -> bytes:
    """MAC over the other party's ephemeral public key data object (7F49)."""
    data = tlv.encode(0x7F49, tlv.encode(0x06, info.oid_bytes) + tlv.encode(0x86, other_public))
    if info.cipher == "3DES":
        return crypto.retail_mac(ks_mac, crypto.pad(data, 8))
    return crypto.aes_cmac(ks_mac, data)[:8]


def _general_authenticate(channel: ApduChannel, tag: int, value: bytes, last: bool,
                          expect: int) -> bytes:
    data = tlv.encode(0x7C, tlv.encode(tag, value) if tag else b"")
    resp = channel.send(Command(0x00 if last else 0x10, 0x86, 0x00, 0x00, data, ne=256))
    _check_sw(resp, last)
    inner = tlv.parse_dict(tlv.unwrap(resp.data, 0x7C))
    if expect not in inner:
        raise CardReadError(f"GENERAL AUTHENTICATE answer lacks object {expect:X}")
    return inner[expect]


def _check_sw(resp: Response, last: bool) -> None:
    if resp.ok:
        return
    if resp.sw in (0x6983, 0x63C0):
        raise CardBlocked(f"PACE password blocked ({resp.sw:04X})")
    if resp.sw == 0x6300 or resp.sw1 == 0x63 or resp.sw == 0x6982:
        raise CardAccessDenied(f"PACE refused the password ({resp.sw:04X})")
    raise CardReadError(f"PACE step failed ({resp.sw:04X})")


def authenticate(channel: ApduChannel, info: PaceInfo, key: AccessKey,
                 key_source: KeySource | None = None) -> SecureMessaging:
    if not info.supported:
        raise CardUnsupported(f"{info.oid} is not a PACE variant this kiosk speaks")
    domain = Domain(info.parameter_id or 0)
    scalar = key_source or (lambda step, d: d.random_scalar())
    pi, ref = password(key)
    mse = tlv.encode(0x80, info.oid_bytes) + tlv.encode(0x83, bytes([ref]))
    if info.parameter_id is not None:
        mse += tlv.encode(0x84, bytes([info.parameter_id]))
    resp = channel.send(Command(0x00, 0x22, 0xC1, 0xA4, mse))
    if resp.sw in (0x6A80, 0x6A88, 0x6A86, 0x6D00, 0x6E00):
        raise CardUnsupported(f"chip refused PACE set-up ({resp.sw:04X})")
    if resp.sw in (0x6983, 0x63C0, 0x6283):
        raise CardBlocked(f"PACE password blocked or deactivated ({resp.sw:04X})")
    if not resp.ok and resp.sw1 != 0x63:  # 63Cx: retry counter warning, PACE still runs
        raise CardReadError(f"MSE:Set AT failed ({resp.sw:04X})")

    z = _general_authenticate(channel, 0, b"", False, 0x80)
    block = 8 if info.cipher == "3DES" else 16
    if not z or len(z) % block:
        raise CardReadError("PACE encrypted nonce has a wrong length")
    s = decrypt_nonce(info, nonce_key(info, pi), z)

    sk_map = scalar("mapping", domain)
    pk_map = domain.encode(domain.generator * sk_map)
    chip_map_raw = _general_authenticate(channel, 0x81, pk_map, False, 0x82)
    if chip_map_raw == pk_map:
        raise CardReadError("chip echoed the terminal's mapping key")
    shared = domain.multiply(domain.decode(chip_map_raw), sk_map)
    g_mapped = domain.map_generator(s, shared)

    sk_eph = scalar("agreement", domain)
    pk_eph = domain.encode(domain.multiply(g_mapped, sk_eph))
    chip_eph_raw = _general_authenticate(channel, 0x83, pk_eph, False, 0x84)
    if chip_eph_raw == pk_eph:
        raise CardReadError("chip echoed the terminal's ephemeral key")
    chip_eph = domain.decode(chip_eph_raw)
    k = domain.multiply(chip_eph, sk_eph).x().to_bytes(domain.size, "big")
    ks_enc, ks_mac = session_keys(info, k)

    t_chip = _general_authenticate(channel, 0x85, auth_token(info, ks_mac, chip_eph_raw), True,
                                   0x86)
    if not crypto.consteq(t_chip, auth_token(info, ks_mac, pk_eph)):
        raise CardReadError("chip authentication token invalid")
    return SecureMessaging(info.cipher, ks_enc, ks_mac, bytes(block))
