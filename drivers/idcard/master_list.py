"""ICAO CSCA master lists (ICAO 9303-12 9): a CMS SignedData over a list of certificates.

Each certificate of the list is split out on its own, so that one entry that cannot be parsed
(or whose key nobody can use) is reported with its position instead of making the whole list
unreadable. The list's own signature is checked against master-list signer trust anchors the
kiosk is configured with: the signer certificate inside the list must be one of them or be
issued by one (a list cannot vouch for itself).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from asn1crypto import cms, core, parser

from drivers.errors import CardReadError
from drivers.idcard import cms_signature, tlv
from drivers.idcard.certificates import Certificate

CSCA_MASTER_LIST_OID = "2.23.136.1.1.2"


class MasterListUnreadable(ValueError):
    """Not a CMS SignedData carrying a CscaMasterList."""


class _CertList(core.SetOf):
    _child_spec = core.Any


class CscaMasterList(core.Sequence):
    """Schema, for building lists (the reader splits entries by hand, see `parse`)."""

    _fields = [("version", core.Integer), ("cert_list", _CertList)]  # noqa: RUF012 - asn1crypto schema


@dataclass
class MasterList:
    version: int
    entries: list[bytes]  # each certificate's DER as it stands in the list
    problems: list[str] = field(default_factory=list)  # structural damage (entries lost)
    signed_data: cms.SignedData | None = None
    econtent: bytes = b""


@dataclass(frozen=True)
class SignerCheck:
    """Outcome of checking a master list's own signature (``code`` empty when verified)."""

    verified: bool
    code: str = ""  # no_anchor, signer_unknown, no_signer, signature, message_digest, ...
    detail: str = ""
    signer: str = ""  # the signer certificate's subject, when known
    signer_not_after: dt.datetime | None = None

    def describe(self) -> str:
        who = f" by {self.signer}" if self.signer else ""
        return f"signature verified{who}" if self.verified else f"signature NOT verified{who}: {self.detail}"


def is_master_list(raw: bytes) -> bool:
    try:
        info = cms.ContentInfo.load(raw)
        return (info["content_type"].native == "signed_data"
                and info["content"]["encap_content_info"]["content_type"].dotted == CSCA_MASTER_LIST_OID)
    except (ValueError, TypeError, KeyError):
        return False


def parse(raw: bytes) -> MasterList:
    """Split a master list into its entries; MasterListUnreadable when it is not one at all."""
    try:
        info = cms.ContentInfo.load(raw, strict=True)
        if info["content_type"].native != "signed_data":
            raise MasterListUnreadable("not a CMS SignedData")
        sd = info["content"]
        eci = sd["encap_content_info"]
        if eci["content_type"].dotted != CSCA_MASTER_LIST_OID:
            raise MasterListUnreadable("the SignedData does not carry a CSCA master list")
        content = eci["content"]
        econtent = bytes(content) if isinstance(content, core.ParsableOctetString) else b""
    except MasterListUnreadable:
        raise
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise MasterListUnreadable(f"unreadable master list ({type(exc).__name__})") from exc
    if not econtent:
        raise MasterListUnreadable("the master list has no content")
    ml = _split(econtent)
    ml.signed_data, ml.econtent = sd, econtent
    return ml


def _split(econtent: bytes) -> MasterList:
    """CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF Certificate }, walked
    element by element: a damaged entry, or a list cut short, loses only what cannot be
    delimited after it."""
    problems: list[str] = []
    body = _value(econtent, 0x30, "master list content is not a SEQUENCE", problems)
    try:
        _, _, tag, header, contents, _ = parser.parse(body, strict=False)
        version = core.Integer.load(header + contents).native if tag == 2 else -1
    except ValueError as exc:
        raise MasterListUnreadable("master list has no version") from exc
    cert_set = _value(body[len(header) + len(contents):], 0x31, "master list has no SET of certificates",
                      problems)
    ml = MasterList(version, [], problems)
    offset = 0
    while offset < len(cert_set):
        try:
            _, _, _, header, contents, trailer = parser.parse(cert_set[offset:], strict=False)
        except ValueError as exc:
            ml.problems.append(f"entries after #{len(ml.entries)} cannot be delimited ({exc})")
            break
        size = len(header) + len(contents) + len(trailer)
        ml.entries.append(bytes(cert_set[offset:offset + size]))
        offset += size
    return ml


def _value(data: bytes, tag: int, missing: str, problems: list[str]) -> bytes:
    """The value of the TLV at the start of ``data``; a length running past the end of the data
    (a truncated file) yields what is there, with a problem noted."""
    try:
        found, length, start = tlv.read_header(data)
    except CardReadError as exc:
        raise MasterListUnreadable(missing) from exc
    if found != tag:
        raise MasterListUnreadable(missing)
    if start + length > len(data):
        problems.append(f"master list truncated ({len(data) - start} of {length} bytes)")
    return data[start:start + length]


def check_signature(ml: MasterList, anchors: list[Certificate], now: dt.datetime) -> SignerCheck:
    """Verify the list's CMS signature and that its signer chains to one of ``anchors``."""
    sd = ml.signed_data
    if sd is None:
        return SignerCheck(False, "malformed", "no SignedData")
    try:
        infos = sd["signer_infos"]
        signer = cms_signature.signer_certificate(sd, infos[0]) if len(infos) == 1 else None
    except (ValueError, TypeError, KeyError, IndexError):
        signer = None
    name = signer.short_subject if signer is not None else ""
    not_after = signer.not_after if signer is not None else None
    try:
        cms_signature.verify(sd, ml.econtent, CSCA_MASTER_LIST_OID, signer)
    except cms_signature.CmsFailure as exc:
        return SignerCheck(False, exc.code, exc.detail, name, not_after)
    assert signer is not None
    if not anchors:
        return SignerCheck(False, "no_anchor", "no master-list signer trust anchor is configured",
                           name, not_after)
    for anchor in anchors:
        if anchor.der == signer.der:
            break
        if anchor.subject_id == signer.issuer_id:
            try:
                if signer.verify_signed_by(anchor.key):
                    break
            except ValueError:
                continue
    else:
        return SignerCheck(False, "signer_unknown",
                           f"signer issued by {signer.issuer.human_friendly}, not by a configured anchor",
                           name, not_after)
    if not signer.valid_at(now):
        return SignerCheck(True, "", f"signer certificate {signer.validity_status(now)}", name, not_after)
    return SignerCheck(True, "", "", name, not_after)
