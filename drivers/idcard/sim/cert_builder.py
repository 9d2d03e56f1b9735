"""Issuer side of the test PKI: X.509 certificates and CRLs as real ICAO issuers write them.

`cryptography`'s builders cannot write what the test PKI needs to reproduce (EC keys with
explicit domain parameters, parameters inside the signature AlgorithmIdentifier, zero or
negative serial numbers, keys on curves OpenSSL lacks), so certificates are assembled with
asn1crypto and signed with `cryptography` or, for curves it lacks, `ecdsa`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import ecdsa
from asn1crypto import core, keys
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from drivers.idcard.sod import signing

#: a private key of the test PKI: `cryptography` EC/RSA, or `ecdsa` for other curves
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ecdsa.SigningKey

_TO_ECDSA = {"secp192r1": "NIST192p", "secp224r1": "NIST224p", "secp256r1": "NIST256p",
             "secp384r1": "NIST384p", "secp521r1": "NIST521p", "secp256k1": "SECP256k1",
             "brainpoolP256r1": "BRAINPOOLP256r1", "brainpoolP384r1": "BRAINPOOLP384r1",
             "brainpoolP512r1": "BRAINPOOLP512r1"}


def name(cn: str, country: str = "CN", org: str = "Licence Kiosk Test PKI") -> asn1_x509.Name:
    return asn1_x509.Name.build({"country_name": country, "organization_name": org, "common_name": cn})


def ecdsa_curve(key: PrivateKey) -> ecdsa.curves.Curve | None:
    if isinstance(key, ecdsa.SigningKey):
        return key.curve
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return getattr(ecdsa, _TO_ECDSA[key.curve.name])
    return None


def public_key_info(key: PrivateKey, explicit: bool = False) -> keys.PublicKeyInfo:
    """SubjectPublicKeyInfo of ``key``; EC parameters written out in full when ``explicit``."""
    if isinstance(key, ecdsa.SigningKey):
        der = key.verifying_key.to_der(curve_parameters_encoding="explicit" if explicit or
                                       key.curve.oid is None else "named_curve")
        return keys.PublicKeyInfo.load(der)
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    spki = keys.PublicKeyInfo.load(der)
    if explicit and isinstance(key, ec.EllipticCurvePrivateKey):
        curve = ecdsa_curve(key)
        assert curve is not None
        spki = keys.PublicKeyInfo({
            "algorithm": {"algorithm": "ec",
                          "parameters": keys.ECDomainParameters.load(curve.to_der("explicit"))},
            "public_key": bytes(spki["public_key"]),
        })
    return spki


def explicit_parameters(key: PrivateKey) -> keys.ECDomainParameters:
    curve = ecdsa_curve(key)
    assert curve is not None
    return keys.ECDomainParameters.load(curve.to_der("explicit"))


def key_id(spki: keys.PublicKeyInfo) -> bytes:
    """Subject key identifier (RFC 5280 method 1: SHA-1 of the public key bits)."""
    return hashlib.sha1(bytes(spki["public_key"])).digest()


def certificate(subject: asn1_x509.Name, issuer: asn1_x509.Name, spki: keys.PublicKeyInfo,
                signer: PrivateKey, signer_spki: keys.PublicKeyInfo, serial: int,
                not_before: dt.datetime, not_after: dt.datetime, ca: bool,
                hash_name: str = "sha256", algorithm_parameters: Any = None) -> bytes:
    """DER certificate. ``algorithm_parameters`` goes into the signature AlgorithmIdentifier
    (some states put explicit EC parameters there; the `cryptography` parser then refuses)."""
    extensions = [
        {"extn_id": "key_usage", "critical": True,
         "extn_value": {"key_cert_sign", "crl_sign"} if ca else {"digital_signature"}},
        {"extn_id": "key_identifier", "critical": False, "extn_value": key_id(spki)},
        {"extn_id": "authority_key_identifier", "critical": False,
         "extn_value": {"key_identifier": key_id(signer_spki)}},
    ]
    if ca:
        extensions.insert(0, {"extn_id": "basic_constraints", "critical": True,
                              "extn_value": {"ca": True, "path_len_constraint": 0}})
    _, sig_algo = signing(signer, hash_name)(None)  # the algorithm name only
    algo: dict[str, Any] = {"algorithm": sig_algo}
    if algorithm_parameters is not None:
        algo["parameters"] = core.Any.load(algorithm_parameters.dump())
    tbs = asn1_x509.TbsCertificate({
        "version": "v3", "serial_number": serial, "signature": algo, "issuer": issuer,
        "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
        "subject": subject, "subject_public_key_info": spki, "extensions": extensions,
    })
    signature, _ = signing(signer, hash_name)(tbs.dump())
    return asn1_x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": algo,
                                  "signature_value": signature}).dump()


def crl(issuer: asn1_x509.Name, signer: PrivateKey, this_update: dt.datetime,
        next_update: dt.datetime, revoked: list[int], hash_name: str = "sha256") -> bytes:
    _, sig_algo = signing(signer, hash_name)(None)
    tbs = asn1_crl.TbsCertList({
        "version": "v2", "signature": {"algorithm": sig_algo}, "issuer": issuer,
        "this_update": _time(this_update), "next_update": _time(next_update),
        "revoked_certificates": [{"user_certificate": s, "revocation_date": _time(this_update)}
                                 for s in revoked],
    })
    signature, _ = signing(signer, hash_name)(tbs.dump())
    return asn1_crl.CertificateList({"tbs_cert_list": tbs, "signature_algorithm": {"algorithm": sig_algo},
                                     "signature": signature}).dump()


def _time(value: dt.datetime) -> asn1_x509.Time:
    value = value.astimezone(dt.UTC).replace(microsecond=0)
    if 1950 <= value.year < 2050:
        return asn1_x509.Time(name="utc_time", value=value)
    return asn1_x509.Time(name="general_time", value=value)


def unnamed_curve(base: str = "BRAINPOOLP256r1", u: int = 0x1D) -> ecdsa.curves.Curve:
    """A sound curve that matches no standard one: ``base`` under the isomorphism
    (x, y) -> (u^2 x, u^3 y), i.e. a' = u^4 a, b' = u^6 b, same group order."""
    std = getattr(ecdsa, base)
    fp = std.curve
    p = fp.p()
    a, b = fp.a() * pow(u, 4, p) % p, fp.b() * pow(u, 6, p) % p
    curve = ecdsa.ellipticcurve.CurveFp(p, a, b, fp.cofactor())
    g = std.generator
    gen = ecdsa.ellipticcurve.PointJacobi(curve, g.x() * u * u % p, g.y() * pow(u, 3, p) % p, 1,
                                          std.order, generator=True)
    return ecdsa.curves.Curve("unknown", curve, gen, None)
