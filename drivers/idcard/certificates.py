"""X.509 certificates of the ICAO PKI (CSCA, link, document signer, master-list signer).

Parsed with asn1crypto, which reads every certificate of the real ICAO master list, where the
`cryptography` parser refuses those whose signature AlgorithmIdentifier carries parameters
(explicit EC domain parameters) and warns on zero or negative serial numbers. Signatures are
checked with `public_keys`; the structure is checked here, field by field, so that one broken
certificate is reported on its own instead of breaking whatever list it came in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature

from drivers.idcard import public_keys
from drivers.idcard.public_keys import KeyUnsupported, PublicKey


class CertificateUnreadable(ValueError):
    """Not a certificate, or one whose mandatory fields do not parse."""


@dataclass(eq=False)
class Certificate:
    asn1: asn1_x509.Certificate
    der: bytes
    subject: asn1_x509.Name
    issuer: asn1_x509.Name
    serial: int
    not_before: dt.datetime
    not_after: dt.datetime
    subject_id: str = ""  # normalised names (RFC 4518 string prep), compared as plain text
    issuer_id: str = ""
    _key: PublicKey | None = field(default=None, repr=False)
    _key_error: str = ""

    # --- identity ---------------------------------------------------------------------------
    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    @property
    def country(self) -> str:
        for name in (self.subject, self.issuer):
            value = attribute(name, "country_name")
            if value:
                return value.upper()[:3]
        return "??"

    @property
    def short_subject(self) -> str:
        return short_name(self.subject)

    @property
    def self_issued(self) -> bool:
        return self.subject_id == self.issuer_id

    @property
    def key_identifier(self) -> bytes | None:
        try:
            return self.asn1.key_identifier
        except (ValueError, TypeError, KeyError):
            return None

    @property
    def authority_key_identifier(self) -> bytes | None:
        try:
            return self.asn1.authority_key_identifier
        except (ValueError, TypeError, KeyError):
            return None

    @property
    def is_ca(self) -> bool | None:
        """basicConstraints cA, or None when the extension is absent or unreadable."""
        try:  # asn1crypto parses an extension's inner fields on first access: damage shows here
            value = self.asn1.basic_constraints_value
            return None if value is None else bool(value["ca"].native)
        except (ValueError, TypeError, KeyError):
            return None

    # --- key and signature ------------------------------------------------------------------
    @property
    def key(self) -> PublicKey:
        """The subject public key; KeyUnsupported says why it cannot be used."""
        if self._key is None:
            if self._key_error:
                raise KeyUnsupported(self._key_error)
            try:
                self._key = public_keys.load(self.asn1["tbs_certificate"]["subject_public_key_info"])
            except KeyUnsupported as exc:
                self._key_error = str(exc)
                raise
        return self._key

    def verify_signed_by(self, issuer_key: PublicKey) -> bool:
        """True when ``issuer_key`` made this certificate's signature."""
        try:
            scheme = public_keys.scheme_of(self.asn1["signature_algorithm"])
            issuer_key.verify(self.asn1["signature_value"].native, self.asn1["tbs_certificate"].dump(),
                              scheme)
        except (InvalidSignature, KeyUnsupported, ValueError, TypeError):
            return False
        return True

    def valid_at(self, now: dt.datetime) -> bool:
        return self.not_before <= now <= self.not_after

    def validity_status(self, now: dt.datetime) -> str:
        if now < self.not_before:
            return "not_yet_valid"
        return "expired" if now > self.not_after else "valid"


def load(der: bytes) -> Certificate:
    """Parse one DER certificate; CertificateUnreadable when it is not one."""
    try:
        cert = asn1_x509.Certificate.load(bytes(der), strict=True)
        tbs = cert["tbs_certificate"]
        validity = tbs["validity"]
        subject, issuer = tbs["subject"], tbs["issuer"]
        subject.native  # noqa: B018 - force the lazy parse of both names now
        issuer.native  # noqa: B018
        cert["signature_algorithm"]["algorithm"].dotted  # noqa: B018
        cert["signature_value"].native  # noqa: B018
        tbs["subject_public_key_info"]["algorithm"]["algorithm"].dotted  # noqa: B018
        not_before = validity["not_before"].native
        not_after = validity["not_after"].native
        serial = tbs["serial_number"].native
        subject_id, issuer_id = name_id(subject), name_id(issuer)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise CertificateUnreadable(f"not a readable X.509 certificate ({type(exc).__name__})") from exc
    if not isinstance(not_before, dt.datetime) or not isinstance(not_after, dt.datetime):
        raise CertificateUnreadable("certificate validity is not a date")
    return Certificate(cert, bytes(der), subject, issuer, int(serial), _utc(not_before), _utc(not_after),
                       subject_id, issuer_id)


def name_id(name: asn1_x509.Name) -> str:
    """Comparison key of a distinguished name: equal for names X.509 considers equal
    (PrintableString vs UTF8String, case, spacing); computed once, it is costly."""
    try:
        return name.hashable
    except (ValueError, TypeError, KeyError):  # an attribute string prep refuses: compare bytes
        return "der:" + name.dump().hex()


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def attribute(name: asn1_x509.Name, key: str) -> str:
    """One attribute of a distinguished name as text ("" when absent or unreadable)."""
    try:
        value = name.native.get(key)
    except (ValueError, TypeError, AttributeError):
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")


def short_name(name: asn1_x509.Name) -> str:
    """The common name (or organisational unit / organisation) for one-line reports."""
    for key in ("common_name", "organizational_unit_name", "organization_name"):
        value = attribute(name, key)
        if value:
            country = attribute(name, "country_name")
            return f"{value} ({country})" if country else value
    try:
        return name.human_friendly
    except (ValueError, TypeError):
        return "(unreadable name)"
