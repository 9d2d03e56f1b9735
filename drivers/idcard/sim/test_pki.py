"""Test PKI for the virtual chip: CSCA -> document signers -> CRL, written to a directory.

Layout (``base`` is e.g. var/test-pki):
  trust/csca.pem, trust/csca.crl     what a kiosk trusts (point ``--trust-store`` here)
  issuer/*.key.pem, issuer/*.pem     private keys and certificates of the issuing side
Signers: ``valid``, ``revoked`` (on the CRL), ``expired``, ``unknown_csca`` (issued by a rogue
CSCA absent from trust/). ECDSA P-256 keeps generation to a few milliseconds.

Run ``python -m drivers.idcard.sim.test_pki DIR`` to (re)generate one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SIGNERS = ("valid", "revoked", "expired", "unknown_csca")


@dataclass(frozen=True)
class Signer:
    key: ec.EllipticCurvePrivateKey
    cert_der: bytes


@dataclass(frozen=True)
class TestPki:
    base: Path
    trust_dir: Path
    signers: dict[str, Signer]


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Licence Kiosk Test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _csca(cn: str, now: dt.datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=365))
            .not_valid_after(now + dt.timedelta(days=15 * 365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _ds(cn: str, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate,
        not_before: dt.datetime, not_after: dt.datetime) -> tuple[ec.EllipticCurvePrivateKey,
                                                                  x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key())
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False,
                                         False), critical=True)
            .add_extension(aki, critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def generate(base: Path, now: dt.datetime | None = None) -> TestPki:
    """Write a fresh PKI to ``base`` (replacing it atomically)."""
    now = now or dt.datetime.now(dt.UTC)
    base.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".test-pki-", dir=base.parent))
    (tmp / "trust").mkdir()
    (tmp / "issuer").mkdir()
    ca_key, ca = _csca("CSCA China Test", now)
    rogue_key, rogue = _csca("CSCA Rogue Test", now)
    made = {
        "valid": _ds("DS valid", ca_key, ca, now - dt.timedelta(days=30),
                     now + dt.timedelta(days=10 * 365)),
        "revoked": _ds("DS revoked", ca_key, ca, now - dt.timedelta(days=30),
                       now + dt.timedelta(days=10 * 365)),
        "expired": _ds("DS expired", ca_key, ca, now - dt.timedelta(days=3 * 365),
                       now - dt.timedelta(days=1)),
        "unknown_csca": _ds("DS rogue", rogue_key, rogue, now - dt.timedelta(days=30),
                            now + dt.timedelta(days=10 * 365)),
    }
    crl = (x509.CertificateRevocationListBuilder().issuer_name(ca.subject)
           .last_update(now - dt.timedelta(days=1)).next_update(now + dt.timedelta(days=90))
           .add_revoked_certificate(x509.RevokedCertificateBuilder()
                                    .serial_number(made["revoked"][1].serial_number)
                                    .revocation_date(now - dt.timedelta(days=2)).build())
           .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (tmp / "trust" / "csca.pem").write_bytes(ca.public_bytes(pem))
    (tmp / "trust" / "csca.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    _write_key(tmp / "issuer" / "csca.key.pem", ca_key)
    (tmp / "issuer" / "rogue-csca.pem").write_bytes(rogue.public_bytes(pem))
    for name, (key, cert) in made.items():
        _write_key(tmp / "issuer" / f"ds-{name}.key.pem", key)
        (tmp / "issuer" / f"ds-{name}.pem").write_bytes(cert.public_bytes(pem))
    if base.exists():
        shutil.rmtree(base, ignore_errors=True)
    try:
        os.rename(tmp, base)
    except OSError:  # another process won the race: use its PKI
        shutil.rmtree(tmp, ignore_errors=True)
    return load(base)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


def load(base: Path) -> TestPki:
    signers = {}
    for name in SIGNERS:
        key = serialization.load_pem_private_key(
            (base / "issuer" / f"ds-{name}.key.pem").read_bytes(), None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("test PKI signer key is not EC")
        cert = x509.load_pem_x509_certificate((base / "issuer" / f"ds-{name}.pem").read_bytes())
        signers[name] = Signer(key, cert.public_bytes(serialization.Encoding.DER))
    return TestPki(base, base / "trust", signers)


def ensure(base: Path, now: dt.datetime | None = None) -> TestPki:
    """Load the PKI at ``base``; generate it when missing or when its CRL is about to lapse."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        crl = x509.load_der_x509_crl((base / "trust" / "csca.crl").read_bytes())
        if crl.next_update_utc is not None and crl.next_update_utc > now + dt.timedelta(days=1):
            return load(base)
    except (OSError, ValueError):
        pass
    return generate(base, now)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--force", action="store_true", help="regenerate even if present")
    args = parser.parse_args(argv)
    pki = generate(args.directory) if args.force else ensure(args.directory)
    print(f"trust store: {pki.trust_dir}")
    print(f"signers: {', '.join(pki.signers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
