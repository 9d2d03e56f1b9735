"""CSCA trust store: a directory of certificates (PEM/DER), CRLs and ICAO master lists."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import cms, core
from cryptography import x509

log = logging.getLogger(__name__)

CSCA_MASTER_LIST_OID = "2.23.136.1.1.2"


class _CertList(core.SetOf):
    _child_spec = core.Any


class CscaMasterList(core.Sequence):
    _fields = [("version", core.Integer), ("cert_list", _CertList)]  # noqa: RUF012 - asn1crypto schema


@dataclass
class TrustStore:
    cscas: list[x509.Certificate] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)
    source: str = ""

    def issuers_of(self, cert: x509.Certificate) -> list[x509.Certificate]:
        return [c for c in self.cscas if c.subject == cert.issuer]

    def crls_of(self, csca: x509.Certificate) -> list[x509.CertificateRevocationList]:
        return [c for c in self.crls if c.issuer == csca.subject]


def load_directory(path: Path) -> TrustStore:
    """Every readable certificate / CRL / master list in ``path`` (not recursive).

    Unreadable files are logged and skipped: one bad file must not disable every chip.
    A missing directory gives an empty store, so every chip reads as "csca_unknown".
    """
    store = TrustStore(source=str(path))
    if not path.is_dir():
        log.warning("trust store %s is missing", path)
        return store
    for file in sorted(path.iterdir()):
        if not file.is_file():
            continue
        try:
            _load_file(file.read_bytes(), store)
        except ValueError as exc:
            log.warning("trust store file %s skipped: %s", file.name, exc)
    return store


def _load_file(raw: bytes, store: TrustStore) -> None:
    if b"-----BEGIN" in raw:
        if b"X509 CRL" in raw:
            store.crls.append(x509.load_pem_x509_crl(raw))
        else:
            store.cscas.extend(x509.load_pem_x509_certificates(raw))
        return
    for loader in (x509.load_der_x509_certificate, x509.load_der_x509_crl):
        try:
            obj = loader(raw)
        except ValueError:
            continue
        if isinstance(obj, x509.Certificate):
            store.cscas.append(obj)
        else:
            store.crls.append(obj)
        return
    store.cscas.extend(master_list_certificates(raw))


def master_list_certificates(raw: bytes) -> list[x509.Certificate]:
    """CSCA certificates of an ICAO master list (CMS SignedData, eContent CscaMasterList).

    The master list signature is not checked here: importing one is a technician's decision
    made on a list obtained from the ICAO PKD or a national authority.
    """
    try:
        info = cms.ContentInfo.load(raw, strict=True)
        sd = info["content"]
        eci = sd["encap_content_info"]
        if eci["content_type"].dotted != CSCA_MASTER_LIST_OID:
            raise ValueError("not a CSCA master list")
        ml = CscaMasterList.load(bytes(eci["content"]), strict=True)
        return [x509.load_der_x509_certificate(item.dump()) for item in ml["cert_list"]]
    except (TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"unreadable master list: {exc}") from exc


def import_master_list(raw: bytes, directory: Path) -> int:
    """Write each CSCA of a master list into ``directory`` as DER; returns how many."""
    from cryptography.hazmat.primitives import serialization

    certs = master_list_certificates(raw)
    directory.mkdir(parents=True, exist_ok=True)
    for cert in certs:
        name = f"ml-{cert.serial_number:x}"[:40] + ".der"
        (directory / name).write_bytes(cert.public_bytes(serialization.Encoding.DER))
    return len(certs)
