"""Signature verification with any key an ICAO certificate or CMS signer carries.

Keys come from asn1crypto's SubjectPublicKeyInfo, which parses every key the ICAO master list
holds, including EC keys with explicit domain parameters. Verification runs in `cryptography`
(RSA PKCS#1 v1.5 and PSS, DSA, ECDSA on the curves it knows) and falls back to `ecdsa` for EC
curves `cryptography` lacks. Only the dispatch is written here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import ecdsa
from asn1crypto import algos, keys
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from drivers.idcard import ec_curves

HASH_NAMES = ("sha1", "sha224", "sha256", "sha384", "sha512")
_C_HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
             "sha384": hashes.SHA384, "sha512": hashes.SHA512}
#: BSI TR-03111 ecdsa-plain-signatures (r || s instead of a DER SEQUENCE)
ECDSA_PLAIN = {
    "0.4.0.127.0.7.1.1.4.1.1": "sha1", "0.4.0.127.0.7.1.1.4.1.2": "sha224",
    "0.4.0.127.0.7.1.1.4.1.3": "sha256", "0.4.0.127.0.7.1.1.4.1.4": "sha384",
    "0.4.0.127.0.7.1.1.4.1.5": "sha512",
}


class KeyUnsupported(ValueError):
    """A key or signature algorithm this kiosk cannot verify with (the reason says which)."""


@dataclass(frozen=True)
class Scheme:
    """How a signature was made: ``kind`` is ecdsa, ecdsa_plain, pkcs1v15, pss or dsa."""

    kind: str
    hash_name: str
    pss_salt: int = 20
    pss_mgf_hash: str = "sha1"


def scheme_of(algo: algos.SignedDigestAlgorithm, digest_fallback: str = "") -> Scheme:
    """Signature scheme of an AlgorithmIdentifier. ``digest_fallback`` is the CMS digest
    algorithm, used when the signature OID names no hash (plain rsaEncryption / ecPublicKey)."""
    oid = algo["algorithm"].dotted
    if oid in ECDSA_PLAIN:
        return Scheme("ecdsa_plain", ECDSA_PLAIN[oid])
    try:
        sig = algo.signature_algo
    except ValueError as exc:
        raise KeyUnsupported(f"signature algorithm {oid} unsupported") from exc
    if sig == "rsassa_pss":
        params = algo["parameters"]
        hash_name = params["hash_algorithm"]["algorithm"].native
        mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
        salt = params["salt_length"].native
        if hash_name not in HASH_NAMES or mgf_hash not in HASH_NAMES:
            raise KeyUnsupported(f"RSA-PSS with {hash_name}/{mgf_hash} unsupported")
        return Scheme("pss", hash_name, salt, mgf_hash)
    try:
        hash_name = algo.hash_algo
    except ValueError:
        hash_name = digest_fallback
    if hash_name not in HASH_NAMES:
        raise KeyUnsupported(f"signature hash {hash_name or '(none)'} unsupported")
    kind = {"ecdsa": "ecdsa", "rsassa_pkcs1v15": "pkcs1v15", "dsa": "dsa"}.get(sig)
    if kind is None:
        raise KeyUnsupported(f"signature algorithm {sig} unsupported")
    return Scheme(kind, hash_name)


class PublicKey:
    """A verification key; ``description`` is for technicians (e.g. "EC brainpoolP256r1
    (explicit parameters)", "RSA 4096")."""

    def __init__(self, kind: str, description: str, key: Any, domain: ec_curves.EcDomain | None = None,
                 spki: bytes = b"") -> None:
        self.kind, self.description, self._key, self.domain = kind, description, key, domain
        self.spki = spki  # the SubjectPublicKeyInfo as written (identifies the key)

    def __repr__(self) -> str:
        return f"PublicKey({self.description})"

    def same_key(self, other: PublicKey) -> bool:
        return self.public_bytes() == other.public_bytes()

    def public_bytes(self) -> bytes:
        """Encoding-independent identity: the point or the modulus, not how parameters are written."""
        if isinstance(self._key, ecdsa.VerifyingKey):
            return self._key.to_string("uncompressed")
        if isinstance(self._key, ec.EllipticCurvePublicKey):
            return self._key.public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.UncompressedPoint)
        return self._key.public_bytes(serialization.Encoding.DER,
                                      serialization.PublicFormat.SubjectPublicKeyInfo)

    def verify(self, signature: bytes, data: bytes, scheme: Scheme) -> None:
        """Raises InvalidSignature when the signature is wrong or of the wrong kind for the key."""
        key = self._key
        c_hash = _C_HASHES[scheme.hash_name]()
        try:
            if scheme.kind in ("ecdsa", "ecdsa_plain") and self.kind == "EC":
                self._verify_ec(signature, data, scheme)
            elif scheme.kind == "pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, data, padding.PKCS1v15(), c_hash)
            elif scheme.kind == "pss" and isinstance(key, rsa.RSAPublicKey):
                mgf = padding.MGF1(_C_HASHES[scheme.pss_mgf_hash]())
                key.verify(signature, data, padding.PSS(mgf, scheme.pss_salt), c_hash)
            elif scheme.kind == "dsa" and isinstance(key, dsa.DSAPublicKey):
                key.verify(signature, data, c_hash)
            else:
                raise InvalidSignature(f"{scheme.kind} signature with a {self.kind} key")
        except (ValueError, TypeError) as exc:  # malformed signature encodings
            raise InvalidSignature(str(exc)) from exc

    def _verify_ec(self, signature: bytes, data: bytes, scheme: Scheme) -> None:
        assert self.domain is not None
        size = (self.domain.curve.order.bit_length() + 7) // 8
        key = self._key
        if isinstance(key, ec.EllipticCurvePublicKey):
            if scheme.kind == "ecdsa_plain":
                if len(signature) != 2 * size:
                    raise InvalidSignature("plain ECDSA signature has the wrong length")
                signature = encode_dss_signature(int.from_bytes(signature[:size], "big"),
                                                 int.from_bytes(signature[size:], "big"))
            key.verify(signature, data, ec.ECDSA(_C_HASHES[scheme.hash_name]()))
            return
        decode = ecdsa.util.sigdecode_der if scheme.kind == "ecdsa" else ecdsa.util.sigdecode_string
        try:
            ok = key.verify(signature, data, getattr(hashlib, scheme.hash_name), sigdecode=decode)
        except (ecdsa.BadSignatureError, ecdsa.der.UnexpectedDER, ecdsa.BadDigestError) as exc:
            raise InvalidSignature(str(exc)) from exc
        if not ok:
            raise InvalidSignature("ECDSA signature invalid")


def load(spki: keys.PublicKeyInfo) -> PublicKey:
    """Decode a SubjectPublicKeyInfo; KeyUnsupported names what is wrong with it."""
    try:
        algo = spki["algorithm"]["algorithm"].native
        raw = spki.dump()
        if algo == "ec":
            return _load_ec(spki, raw)
        if algo in ("rsa", "rsassa_pss"):
            # RSA-PSS keys carry the same RSAPublicKey; re-wrap as rsaEncryption for cryptography
            plain = keys.PublicKeyInfo({"algorithm": {"algorithm": "rsa"},
                                        "public_key": spki["public_key"]}).dump()
            key = serialization.load_der_public_key(plain)
            if not isinstance(key, rsa.RSAPublicKey):
                raise KeyUnsupported("RSA key unreadable")
            return PublicKey("RSA", f"RSA {key.key_size}", key, spki=raw)
        if algo == "dsa":
            key = serialization.load_der_public_key(raw)
            if not isinstance(key, dsa.DSAPublicKey):
                raise KeyUnsupported("DSA key unreadable")
            return PublicKey("DSA", f"DSA {key.key_size}", key, spki=raw)
    except KeyUnsupported:
        raise
    except ec_curves.CurveUnsupported as exc:
        raise KeyUnsupported(str(exc)) from exc
    except (ValueError, TypeError, KeyError, UnsupportedAlgorithm) as exc:
        raise KeyUnsupported(f"public key unreadable: {exc}") from exc
    raise KeyUnsupported(f"public key algorithm {algo} unsupported")


def _load_ec(spki: keys.PublicKeyInfo, raw: bytes) -> PublicKey:
    domain = ec_curves.from_parameters(spki["algorithm"]["parameters"])
    point = bytes(spki["public_key"])
    crypto_curve = domain.crypto_curve
    if crypto_curve is not None:
        key: Any = ec.EllipticCurvePublicKey.from_encoded_point(crypto_curve, point)
    else:
        try:
            key = ecdsa.VerifyingKey.from_string(point, curve=domain.curve)
        except (ecdsa.errors.MalformedPointError, ValueError, AssertionError) as exc:
            raise KeyUnsupported("EC public point is not on its curve") from exc
    return PublicKey("EC", f"EC {domain.describe()}", key, domain, raw)
