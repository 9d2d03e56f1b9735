"""Passive Authentication (ICAO 9303-11 5.1): is the chip's data signed by a trusted state?

Never raises for a bad chip: the outcome is a PassiveAuthResult with a stable failure code
(``sod_malformed``, ``sod_no_signer``, ``sod_algorithm``, ``sod_content_type``,
``sod_message_digest``, ``sod_signature``, ``csca_unknown``, ``signer_chain``,
``signer_not_yet_valid``, ``signer_expired``, ``csca_expired``, ``crl_invalid``,
``signer_revoked``, ``dg_hash:DGn``, ``dg_not_covered:DGn``).
"""

from __future__ import annotations

import datetime as dt
import hmac

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from drivers.errors import CardReadError
from drivers.idcard.base import PassiveAuthResult
from drivers.idcard.sod import HASHES, LDS_SECURITY_OBJECT_OID, Sod, parse_sod
from drivers.idcard.trust_store import TrustStore

_C_HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
             "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class _Fail(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


def verify(sod_bytes: bytes, files: dict[int, bytes], trust: TrustStore,
           now: dt.datetime | None = None) -> PassiveAuthResult:
    """``files`` maps data-group number -> the complete file as read from the chip."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        try:
            sod = parse_sod(sod_bytes)
        except CardReadError as exc:
            raise _Fail("sod_malformed", exc.detail) from exc
        _check_hashes(sod, files)
        signer = _check_signature(sod)
        _check_chain(signer, trust, now)
    except _Fail as fail:
        return PassiveAuthResult(False, fail.code, fail.detail)
    except UnsupportedAlgorithm as exc:
        return PassiveAuthResult(False, "sod_algorithm", f"unsupported: {exc}")
    except Exception as exc:  # forged input can break any parser below us: never raise
        return PassiveAuthResult(False, "sod_malformed", f"unexpected {type(exc).__name__}")
    covered = ",".join(f"DG{n}" for n in sorted(files))
    return PassiveAuthResult(True, None, f"{covered} signed by {_short(signer.subject)}")


def _short(name: x509.Name) -> str:
    cn = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(cn[0].value) if cn else name.rfc4514_string()


def _check_hashes(sod: Sod, files: dict[int, bytes]) -> None:
    h = HASHES[sod.hash_algorithm]
    for number, content in sorted(files.items()):
        expected = sod.dg_hashes.get(number)
        if expected is None:
            raise _Fail(f"dg_not_covered:DG{number}", "EF.SOD has no hash for a read data group")
        if not hmac.compare_digest(h(content).digest(), expected):
            raise _Fail(f"dg_hash:DG{number}", f"DG{number} hash differs from EF.SOD")


def _check_signature(sod: Sod) -> x509.Certificate:
    if sod.certificate is None:
        raise _Fail("sod_no_signer", "EF.SOD carries no document signer certificate")
    try:
        cert = x509.load_der_x509_certificate(sod.certificate.dump())
    except ValueError as exc:
        raise _Fail("sod_malformed", "document signer certificate unreadable") from exc
    si = sod.signer_info
    digest_name = si["digest_algorithm"]["algorithm"].native
    if digest_name not in HASHES:
        raise _Fail("sod_algorithm", f"digest {digest_name}")
    attrs = si["signed_attrs"]
    if not attrs.native:
        raise _Fail("sod_malformed", "no signed attributes")
    values = {a["type"].native: a["values"] for a in attrs}
    ctype = values.get("content_type")
    if ctype is None or ctype[0].dotted != LDS_SECURITY_OBJECT_OID:
        raise _Fail("sod_content_type", "signed content type is not the LDS security object")
    md = values.get("message_digest")
    if md is None or not hmac.compare_digest(md[0].native,
                                             HASHES[digest_name](sod.econtent).digest()):
        raise _Fail("sod_message_digest", "messageDigest does not match the LDS security object")
    # The signature covers the attributes re-encoded as a SET OF (tag 0x31), not the [0]
    # IMPLICIT bytes as they stand in the SignerInfo: swap the tag on the original encoding.
    signed = b"\x31" + attrs.dump()[1:]
    signature = si["signature"].native
    algo = si["signature_algorithm"]
    _verify_with(cert.public_key(), algo, digest_name, signature, signed)
    return cert


def _verify_with(key, algo, digest_name: str, signature: bytes, data: bytes) -> None:
    sig_algo = algo.signature_algo
    try:
        hash_name = algo.hash_algo
    except ValueError:
        hash_name = digest_name
    if hash_name not in _C_HASHES:
        raise _Fail("sod_algorithm", f"hash {hash_name}")
    c_hash = _C_HASHES[hash_name]()
    try:
        if sig_algo == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(c_hash))
        elif sig_algo == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), c_hash)
        elif sig_algo == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            params = algo["parameters"]
            salt = params["salt_length"].native if params.native else 20
            key.verify(signature, data, padding.PSS(padding.MGF1(c_hash), salt), c_hash)
        else:
            raise _Fail("sod_algorithm", f"signature {sig_algo} with {type(key).__name__}")
    except InvalidSignature as exc:
        raise _Fail("sod_signature", "EF.SOD signature does not verify") from exc


def _check_chain(signer: x509.Certificate, trust: TrustStore, now: dt.datetime) -> None:
    candidates = trust.issuers_of(signer)
    if not candidates:
        raise _Fail("csca_unknown", f"no CSCA for {_short(signer.issuer)} in {trust.source}")
    csca = None
    for cand in candidates:
        try:
            signer.verify_directly_issued_by(cand)
        except (ValueError, TypeError, InvalidSignature):
            continue
        csca = cand
        break
    if csca is None:
        raise _Fail("signer_chain", "document signer not signed by any matching CSCA")
    if now < signer.not_valid_before_utc:
        raise _Fail("signer_not_yet_valid", "document signer certificate not yet valid")
    if now > signer.not_valid_after_utc:
        raise _Fail("signer_expired", "document signer certificate expired")
    if not csca.not_valid_before_utc <= now <= csca.not_valid_after_utc:
        raise _Fail("csca_expired", "CSCA certificate outside its validity")
    for crl in trust.crls_of(csca):
        if not crl.is_signature_valid(csca.public_key()):
            raise _Fail("crl_invalid", "CRL signature does not verify under its CSCA")
        if crl.get_revoked_certificate_by_serial_number(signer.serial_number) is not None:
            raise _Fail("signer_revoked", "document signer certificate is revoked")
