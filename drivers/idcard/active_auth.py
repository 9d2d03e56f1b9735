"""Active Authentication (ICAO 9303-11 6.1): proves the chip holds the private key of DG15,
which a copied chip does not - the one check Passive Authentication cannot make.

ECDSA (plain r||s signature, hash from DG14's ActiveAuthenticationInfo) and RSA
(ISO/IEC 9796-2 digital signature scheme 1, the only RSA form ICAO uses). The ISO 9796-2
message recovery is hand-written: no maintained Python library implements it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from asn1crypto import core
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from drivers.errors import CardReadError
from drivers.idcard import tlv
from drivers.idcard.apdu import Command
from drivers.idcard.channel import ApduChannel

AA_PROTOCOL_OID = "2.23.136.1.1.5"  # id-icao-mrtd-security-aaProtocolObject
ECDSA_PLAIN = {  # BSI TR-03111 ecdsa-plain-signatures
    "0.4.0.127.0.7.1.1.4.1.1": "sha1", "0.4.0.127.0.7.1.1.4.1.2": "sha224",
    "0.4.0.127.0.7.1.1.4.1.3": "sha256", "0.4.0.127.0.7.1.1.4.1.4": "sha384",
    "0.4.0.127.0.7.1.1.4.1.5": "sha512",
}
_C_HASH = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
           "sha384": hashes.SHA384, "sha512": hashes.SHA512}
# ISO/IEC 10118-3 hash identifiers in the two-byte trailer "xx CC"
_TRAILER_HASH = {0x33: "sha1", 0x38: "sha224", 0x34: "sha256", 0x36: "sha384", 0x35: "sha512"}


class AaFailed(Exception):
    """The chip answered, but not as the holder of the DG15 key would."""


def parse_dg15(data: bytes) -> ec.EllipticCurvePublicKey | rsa.RSAPublicKey:
    spki = tlv.unwrap(data, 0x6F)
    try:
        key = serialization.load_der_public_key(spki)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise CardReadError("DG15 public key unreadable") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise CardReadError("DG15 key type not usable for Active Authentication")
    return key


def ecdsa_hash_from_dg14(data: bytes | None) -> str:
    """Hash of ECDSA AA from DG14 (SecurityInfos); SHA-256 when DG14 does not say."""
    if not data:
        return "sha256"
    infos = tlv.unwrap(data, 0x6E)
    for tag, value in tlv.iterate(tlv.unwrap(infos, 0x31)):
        if tag != 0x30:
            continue
        parts = list(tlv.iterate(value))
        if len(parts) < 3 or parts[0][0] != 0x06:
            continue
        if _oid(parts[0][1]) == AA_PROTOCOL_OID and parts[2][0] == 0x06:
            name = ECDSA_PLAIN.get(_oid(parts[2][1]))
            if name is None:
                raise CardReadError("DG14 names an unsupported AA signature algorithm")
            return name
    return "sha256"


def _oid(raw: bytes) -> str:
    try:
        return core.ObjectIdentifier.load(tlv.encode(0x06, raw)).dotted
    except ValueError as exc:
        raise CardReadError("malformed OID in DG14") from exc


def aa_security_info(hash_name: str = "sha256") -> bytes:
    """Card side: the ActiveAuthenticationInfo SecurityInfo naming the ECDSA hash."""
    oid = {v: k for k, v in ECDSA_PLAIN.items()}[hash_name]
    return tlv.encode(0x30, core.ObjectIdentifier(AA_PROTOCOL_OID).dump()
                      + tlv.encode(0x02, b"\x01") + core.ObjectIdentifier(oid).dump())


def build_dg14(hash_name: str = "sha256") -> bytes:
    return tlv.encode(0x6E, tlv.encode(0x31, aa_security_info(hash_name)))


def build_dg15(key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey) -> bytes:
    spki = key.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)
    return tlv.encode(0x6F, spki)


def verify_ecdsa(key: ec.EllipticCurvePublicKey, challenge: bytes, signature: bytes,
                 hash_name: str) -> None:
    size = (key.curve.key_size + 7) // 8
    if len(signature) != 2 * size:
        raise AaFailed("ECDSA signature has the wrong length")
    r = int.from_bytes(signature[:size], "big")
    s = int.from_bytes(signature[size:], "big")
    try:
        key.verify(encode_dss_signature(r, s), challenge, ec.ECDSA(_C_HASH[hash_name]()))
    except InvalidSignature as exc:
        raise AaFailed("ECDSA signature invalid") from exc


def verify_rsa(key: rsa.RSAPublicKey, challenge: bytes, signature: bytes) -> None:
    numbers = key.public_numbers()
    k = (numbers.n.bit_length() + 7) // 8
    s = int.from_bytes(signature, "big")
    if len(signature) != k or not 0 < s < numbers.n:
        raise AaFailed("RSA signature has the wrong size")
    f = pow(s, numbers.e, numbers.n).to_bytes(k, "big")
    if f[-1] == 0xBC:
        name, trailer = "sha1", 1
    elif f[-1] == 0xCC and f[-2] in _TRAILER_HASH:
        name, trailer = _TRAILER_HASH[f[-2]], 2
    else:
        raise AaFailed("ISO 9796-2 trailer invalid")
    if f[0] != 0x6A:
        raise AaFailed("ISO 9796-2 header invalid (not partial recovery)")
    digest_len = hashlib.new(name).digest_size
    m1 = f[1:k - trailer - digest_len]
    digest = f[k - trailer - digest_len:k - trailer]
    if hashlib.new(name, m1 + challenge).digest() != digest:
        raise AaFailed("ISO 9796-2 digest mismatch")


def sign_rsa(key: rsa.RSAPrivateKey, challenge: bytes, random: Callable[[int], bytes]) -> bytes:
    """Card side: ISO 9796-2 scheme 1 with SHA-1 (trailer BC), as most RSA chips do."""
    numbers = key.private_numbers()
    n = numbers.public_numbers.n
    k = (n.bit_length() + 7) // 8
    m1 = random(k - 20 - 2)
    f = b"\x6a" + m1 + hashlib.sha1(m1 + challenge).digest() + b"\xbc"
    return pow(int.from_bytes(f, "big"), numbers.d, n).to_bytes(k, "big")


def sign_ecdsa(key: ec.EllipticCurvePrivateKey, challenge: bytes, hash_name: str) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    r, s = decode_dss_signature(key.sign(challenge, ec.ECDSA(_C_HASH[hash_name]())))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def authenticate(channel: ApduChannel, dg15: bytes, dg14: bytes | None,
                 random: Callable[[int], bytes] = os.urandom) -> str:
    """Run INTERNAL AUTHENTICATE; returns the algorithm name.

    Raises AaFailed when the chip's data or answer is not that of the key holder (a copy),
    CardReadError / CardRemoved when the exchange itself broke (retry, not a verdict).
    """
    try:
        key = parse_dg15(dg15)
        name = ecdsa_hash_from_dg14(dg14) if isinstance(key, ec.EllipticCurvePublicKey) else ""
    except CardReadError as exc:
        raise AaFailed(exc.detail) from exc
    challenge = random(8)
    resp = channel.exchange(Command(0x00, 0x88, 0x00, 0x00, challenge, ne=256))
    if not resp.ok or not resp.data:
        raise AaFailed(f"chip refused INTERNAL AUTHENTICATE ({resp.sw:04X})")
    if isinstance(key, ec.EllipticCurvePublicKey):
        verify_ecdsa(key, challenge, resp.data, name)
        return f"ECDSA-{name.upper()}"
    verify_rsa(key, challenge, resp.data)
    return "RSA-ISO9796-2"
