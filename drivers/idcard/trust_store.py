"""CSCA trust store: a directory of certificates (PEM/DER), CRLs and ICAO master lists.

Every certificate is taken on its own: one that cannot be parsed, whose key cannot be used or
whose signature does not verify is listed in ``problems`` with the reason and never keeps the
others out. A certificate becomes a trust anchor when it is a self-signed CSCA, or a link
certificate (a CSCA's new key signed with an older one, ICAO 9303-12 5.1) whose signature an
anchor of the same issuer name verifies; links are followed through any number of key
changes. Expired CSCAs stay anchors (their status says so): a link may still need their key.

CRLs are verified against the anchors of their issuer name at load; Passive Authentication
refuses a CSCA whose CRL does not verify. A CRL past its next update is a warning, or a
refusal when the store is loaded with ``stale_crl="refuse"``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature

from drivers.idcard import certificates, master_list, public_keys
from drivers.idcard.certificates import Certificate, CertificateUnreadable
from drivers.idcard.public_keys import KeyUnsupported, PublicKey

log = logging.getLogger(__name__)

STALE_CRL_POLICIES = ("warn", "refuse")


@dataclass(eq=False)
class Anchor:
    """A CSCA key the store trusts, with the certificate that carries it."""

    cert: Certificate
    key: PublicKey
    source: str
    kind: str  # "self-signed" or "link"
    signed_by: str = ""  # link: source of the anchor whose key signed it


@dataclass(eq=False)
class CrlEntry:
    source: str
    der: bytes
    issuer: asn1_x509.Name
    this_update: dt.datetime | None
    next_update: dt.datetime | None
    revoked: frozenset[int]
    issuer_id: str = ""
    signature_ok: bool | None = None  # None: no CSCA of the issuer's name in the store

    @property
    def issuer_name(self) -> str:
        return certificates.short_name(self.issuer)

    def stale(self, now: dt.datetime) -> bool:
        return self.next_update is not None and now > self.next_update


@dataclass(frozen=True)
class Problem:
    """An entry the store cannot use, and why (for the technician, no personal data)."""

    source: str
    reason: str
    subject: str = ""
    country: str = ""


@dataclass(frozen=True)
class MasterListFile:
    source: str
    entries: int
    signature: master_list.SignerCheck


@dataclass
class TrustStore:
    anchors: list[Anchor] = field(default_factory=list)
    crls: list[CrlEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    master_lists: list[MasterListFile] = field(default_factory=list)
    source: str = ""
    refuse_stale_crls: bool = False

    @property
    def cscas(self) -> list[Certificate]:
        return [a.cert for a in self.anchors]

    def candidates_for(self, cert: Certificate, now: dt.datetime | None = None) -> list[Anchor]:
        """Anchors named as ``cert``'s issuer, currently valid ones first."""
        found = [a for a in self.anchors if a.cert.subject_id == cert.issuer_id]
        if now is not None:
            found.sort(key=lambda a: not a.cert.valid_at(now))
        return found

    def crls_for(self, cert: Certificate) -> list[CrlEntry]:
        """CRLs issued under ``cert``'s subject name (by whichever of its keys)."""
        return [c for c in self.crls if c.issuer_id == cert.subject_id]

    def fingerprints(self) -> set[str]:
        return {a.cert.fingerprint for a in self.anchors}


# --- reading files --------------------------------------------------------------------------
@dataclass
class Items:
    certs: list[tuple[str, bytes]] = field(default_factory=list)
    crls: list[tuple[str, bytes]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    master_lists: list[tuple[str, master_list.MasterList]] = field(default_factory=list)


def collect(name: str, raw: bytes, items: Items) -> None:
    """Sort one file's contents into certificates, CRLs and master-list entries."""
    if pem.detect(raw):
        try:
            blocks = list(pem.unarmor(raw, multiple=True))
        except ValueError as exc:
            items.problems.append(Problem(name, f"PEM unreadable: {exc}"))
            return
        for i, (kind, _, der) in enumerate(blocks):
            label = f"{name}#{i}" if len(blocks) > 1 else name
            if kind == "X509 CRL":
                items.crls.append((label, der))
            elif kind in ("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"):
                items.certs.append((label, der))
            else:
                _collect_der(label, der, items)
        return
    _collect_der(name, raw, items)


def _collect_der(name: str, der: bytes, items: Items) -> None:
    if master_list.is_master_list(der):
        try:
            ml = master_list.parse(der)
        except master_list.MasterListUnreadable as exc:
            items.problems.append(Problem(name, str(exc)))
            return
        items.master_lists.append((name, ml))
        items.certs.extend((f"{name}#{i}", entry) for i, entry in enumerate(ml.entries))
        items.problems.extend(Problem(name, p) for p in ml.problems)
        return
    kind = _der_kind(der)
    if kind == "crl":
        items.crls.append((name, der))
    elif kind == "certificate":
        items.certs.append((name, der))
    else:
        items.problems.append(Problem(name, "neither a certificate, a CRL nor a CSCA master list"))


def _der_kind(der: bytes) -> str:
    """Certificate and CRL are both SEQUENCE {tbs, algorithm, signature}; the tbs tells them
    apart (a certificate's validity is a SEQUENCE where a CRL has thisUpdate, a time)."""
    try:
        certificates.load(der)
        return "certificate"
    except CertificateUnreadable:
        pass
    try:
        _parse_crl(der)
        return "crl"
    except ValueError:
        pass
    # damaged entries: a SEQUENCE whose first element is a SEQUENCE looks like a certificate
    return "certificate" if der[:1] == b"\x30" and len(der) > 64 else "unknown"


def _parse_crl(der: bytes) -> tuple[asn1_crl.CertificateList, dt.datetime | None, dt.datetime | None,
                                    frozenset[int]]:
    try:
        c = asn1_crl.CertificateList.load(der, strict=True)
        tbs = c["tbs_cert_list"]
        tbs["issuer"].native  # noqa: B018 - force the lazy parse
        this_update = tbs["this_update"].native
        next_update = tbs["next_update"].native
        revoked = frozenset(int(r["user_certificate"].native) for r in tbs["revoked_certificates"])
        c["signature"].native  # noqa: B018
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"not a readable CRL ({type(exc).__name__})") from exc
    if not isinstance(this_update, dt.datetime):
        raise ValueError("CRL thisUpdate is not a date")
    return c, this_update, next_update if isinstance(next_update, dt.datetime) else None, revoked


def read_directory(path: Path, items: Items) -> None:
    for file in sorted(path.iterdir()):
        if not file.is_file() or file.name.startswith("."):
            continue
        try:
            raw = file.read_bytes()
        except OSError as exc:
            items.problems.append(Problem(file.name, f"cannot read: {exc.strerror}"))
            continue
        collect(file.name, raw, items)


# --- building the store ---------------------------------------------------------------------
def _can_sign_certificates(cert: Certificate) -> str:
    """Empty when the certificate may be a CSCA, else why not."""
    if cert.is_ca is False:
        return "not a CA certificate (basicConstraints cA is false)"
    try:  # parsed lazily: a damaged extension raises on .native, not on access
        value = cert.asn1.key_usage_value
        usage = None if value is None else value.native
    except (ValueError, TypeError, KeyError):
        usage = None
    if usage is not None and "key_cert_sign" not in usage:
        return "not a CSCA (key usage does not allow signing certificates)"
    return ""


def build(items: Items, source: str = "", stale_crl: str = "warn",
          ml_signers: list[Certificate] | None = None,
          now: dt.datetime | None = None) -> TrustStore:
    if stale_crl not in STALE_CRL_POLICIES:
        raise ValueError(f"stale_crl must be one of {', '.join(STALE_CRL_POLICIES)}, not {stale_crl!r}")
    now = now or dt.datetime.now(dt.UTC)
    store = TrustStore(source=source, refuse_stale_crls=stale_crl == "refuse",
                       problems=list(items.problems))
    for name, ml in items.master_lists:
        store.master_lists.append(MasterListFile(name, len(ml.entries),
                                                 master_list.check_signature(ml, ml_signers or [], now)))
    pending: list[tuple[str, Certificate, PublicKey]] = []
    seen: set[str] = set()
    for name, der in items.certs:
        try:
            cert = certificates.load(der)
        except CertificateUnreadable as exc:
            store.problems.append(Problem(name, str(exc)))
            continue
        if cert.fingerprint in seen:
            continue
        seen.add(cert.fingerprint)
        try:
            key = cert.key
        except KeyUnsupported as exc:
            store.problems.append(Problem(name, str(exc), cert.short_subject, cert.country))
            continue
        why_not = _can_sign_certificates(cert)
        if why_not:
            store.problems.append(Problem(name, why_not, cert.short_subject, cert.country))
        elif cert.self_issued and cert.verify_signed_by(key):
            store.anchors.append(Anchor(cert, key, name, "self-signed"))
        else:
            pending.append((name, cert, key))
    _follow_links(store, pending)
    for name, der in items.crls:
        _add_crl(store, name, der)
    return store


def _follow_links(store: TrustStore, pending: list[tuple[str, Certificate, PublicKey]]) -> None:
    """Certificates signed by another CSCA key of the store become anchors, to a fixpoint."""
    progress = True
    while pending and progress:
        progress = False
        for item in list(pending):
            name, cert, key = item
            for anchor in store.candidates_for(cert):
                if cert.verify_signed_by(anchor.key):
                    store.anchors.append(Anchor(cert, key, name, "link", anchor.source))
                    pending.remove(item)
                    progress = True
                    break
    for name, cert, _ in pending:
        ski, aki = cert.key_identifier, cert.authority_key_identifier
        if cert.self_issued and (aki is None or aki == ski):
            reason = "self-signature does not verify (damaged or forged certificate)"
        else:
            reason = (f"link certificate: no CSCA named {cert.issuer.human_friendly} in the store "
                      "verifies its signature")
        store.problems.append(Problem(name, reason, cert.short_subject, cert.country))


def _add_crl(store: TrustStore, name: str, der: bytes) -> None:
    try:
        c, this_update, next_update, revoked = _parse_crl(der)
    except ValueError as exc:
        store.problems.append(Problem(name, str(exc)))
        return
    issuer = c["tbs_cert_list"]["issuer"]
    entry = CrlEntry(name, der, issuer, this_update, next_update, revoked, certificates.name_id(issuer))
    signers = [a for a in store.anchors if a.cert.subject_id == entry.issuer_id]
    if signers:
        entry.signature_ok = any(_crl_signed_by(c, a.key) for a in signers)
    store.crls.append(entry)


def _crl_signed_by(c: asn1_crl.CertificateList, key: PublicKey) -> bool:
    try:
        key.verify(c["signature"].native, c["tbs_cert_list"].dump(),
                   public_keys.scheme_of(c["signature_algorithm"]))
    except (InvalidSignature, KeyUnsupported, ValueError):
        return False
    return True


# --- public entry points --------------------------------------------------------------------
def load_directory(path: Path, stale_crl: str = "warn", ml_signers: list[Certificate] | None = None,
                   now: dt.datetime | None = None) -> TrustStore:
    """Every usable certificate / CRL / master-list entry in ``path`` (not recursive).

    A missing directory gives an empty store, so every chip reads as "csca_unknown".
    """
    items = Items()
    if path.is_dir():
        read_directory(path, items)
    else:
        log.warning("trust store %s is missing", path)
    store = build(items, str(path), stale_crl, ml_signers, now)
    log.info("trust store %s: %d CSCA keys, %d CRLs, %d unusable entries", path, len(store.anchors),
             len(store.crls), len(store.problems))
    for problem in store.problems:
        log.warning("trust store %s: %s unusable: %s", path, problem.source, problem.reason)
    return store


def load_certificates(path: Path) -> list[Certificate]:
    """Certificates of a file or directory (PEM or DER): master-list signer trust anchors."""
    items = Items()
    if path.is_dir():
        read_directory(path, items)
    elif path.is_file():
        collect(path.name, path.read_bytes(), items)
    else:
        raise FileNotFoundError(f"{path} does not exist")
    out = []
    for _, der in items.certs:
        try:
            out.append(certificates.load(der))
        except CertificateUnreadable:
            continue
    return out


def store_name(cert: Certificate, kind: str) -> str:
    """File name for a certificate written into a store: country and fingerprint (serial
    numbers repeat across states and may be zero or negative)."""
    country = "".join(ch for ch in cert.country if ch.isascii() and ch.isalnum()) or "XX"
    return f"{kind}-{country}-{cert.fingerprint[:16]}.der"


def crl_name(entry: CrlEntry) -> str:
    country = certificates.attribute(entry.issuer, "country_name").upper()[:3] or "XX"
    country = "".join(ch for ch in country if ch.isascii() and ch.isalnum())
    return f"crl-{country}-{hashlib.sha256(entry.der).hexdigest()[:16]}.crl"
