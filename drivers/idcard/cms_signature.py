"""The signature of a CMS SignedData with signed attributes: EF.SOD and ICAO master lists.

Both are signed the same way (RFC 5652 5.4): the signer signs its signed attributes, which
must name the content type and carry the message digest of the encapsulated content. The
signature covers the attributes re-encoded as a SET OF (tag 0x31), not the [0] IMPLICIT bytes
as they stand in the SignerInfo. asn1crypto parses; `public_keys` verifies.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature

from drivers.idcard import certificates, public_keys
from drivers.idcard.certificates import Certificate, CertificateUnreadable
from drivers.idcard.public_keys import KeyUnsupported


class CmsFailure(Exception):
    """``code`` is one of no_signer, algorithm, content_type, message_digest, signature, malformed."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


def signer_certificate(sd: cms.SignedData, signer: cms.SignerInfo) -> Certificate | None:
    """The certificate of ``sd.certificates`` that the SignerInfo names, parsed on its own."""
    if sd["certificates"].native is None:
        return None
    sid = signer["sid"]
    for choice in sd["certificates"]:
        if choice.name != "certificate":
            continue
        try:
            cert = certificates.load(choice.chosen.dump())
        except CertificateUnreadable:
            continue
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            if cert.serial == ias["serial_number"].native and cert.issuer_id == certificates.name_id(ias["issuer"]):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def verify(sd: cms.SignedData, econtent: bytes, content_type: str,
           signer: Certificate | None = None) -> Certificate:
    """Check the only SignerInfo of ``sd`` over ``econtent``; returns the signer certificate.

    ``signer`` overrides the certificate looked up in ``sd`` (for callers that resolved it).
    Raises CmsFailure.
    """
    try:
        infos = sd["signer_infos"]
        if len(infos) != 1:
            raise CmsFailure("malformed", f"{len(infos)} signers instead of one")
        si = infos[0]
        cert = signer or signer_certificate(sd, si)
        if cert is None:
            raise CmsFailure("no_signer", "the signer's certificate is not in the SignedData")
        digest_name = si["digest_algorithm"]["algorithm"].native
        if digest_name not in public_keys.HASH_NAMES:
            raise CmsFailure("algorithm", f"digest {digest_name}")
        attrs = si["signed_attrs"]
        if not attrs.native:
            raise CmsFailure("malformed", "no signed attributes")
        values = {a["type"].native: a["values"] for a in attrs}
        ctype = values.get("content_type")
        if ctype is None or ctype[0].dotted != content_type:
            raise CmsFailure("content_type", "signed content type differs from the content")
        md = values.get("message_digest")
        if md is None or not hmac.compare_digest(md[0].native, hashlib.new(digest_name, econtent).digest()):
            raise CmsFailure("message_digest", "messageDigest does not match the content")
        signed = b"\x31" + attrs.dump()[1:]
        try:
            scheme = public_keys.scheme_of(si["signature_algorithm"], digest_name)
            key = cert.key
        except KeyUnsupported as exc:
            raise CmsFailure("algorithm", str(exc)) from exc
        try:
            key.verify(si["signature"].native, signed, scheme)
        except InvalidSignature as exc:
            raise CmsFailure("signature", "the signature does not verify") from exc
        return cert
    except CmsFailure:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise CmsFailure("malformed", f"unexpected {type(exc).__name__}") from exc


#: signs the DER of the signed attributes; returns (signature, asn1crypto signature algorithm)
Signer = Callable[[bytes], tuple[bytes, str]]


def build(econtent: bytes, content_type: str, sign: Signer, signer_cert_der: bytes,
          hash_name: str = "sha256") -> bytes:
    """Issuer side: a ContentInfo(SignedData) over ``econtent`` as ICAO issuers sign (one
    signer, identified by issuer and serial, with content type and message digest attributes)."""
    attrs = cms.CMSAttributes([
        {"type": "content_type", "values": [cms.ContentType(content_type)]},
        {"type": "message_digest", "values": [hashlib.new(hash_name, econtent).digest()]},
    ])
    signature, sig_algo = sign(attrs.dump())  # the SET OF encoding is what the signature covers
    cert = asn1_x509.Certificate.load(signer_cert_der)
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": {
            "issuer": cert.issuer, "serial_number": cert.serial_number}}),
        "digest_algorithm": {"algorithm": hash_name},
        "signed_attrs": attrs,
        "signature_algorithm": {"algorithm": sig_algo},
        "signature": signature,
    })
    sd = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [{"algorithm": hash_name}],
        "encap_content_info": {"content_type": content_type, "content": econtent},
        "certificates": [cert],
        "signer_infos": [signer],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": sd}).dump()
