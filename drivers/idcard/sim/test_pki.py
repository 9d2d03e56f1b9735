"""Test PKI for the virtual chip: CSCA -> document signers -> CRL, written to a directory.

Layout (``base`` is e.g. var/test-pki):
  trust/csca.pem, trust/csca.crl     what a kiosk trusts (point ``--trust-store`` here)
  trust/csca-explicit.der            a CSCA written as some states do: brainpoolP384r1 with
                                     explicit domain parameters (also in its signature
                                     algorithm, which `cryptography` refuses) and serial 0
  trust/csca-link-old.pem, trust/csca-link.der
                                     a CSCA and the link certificate to its new key (the new
                                     self-signed certificate is deliberately absent)
  issuer/*.key.pem, issuer/*.pem     private keys and certificates of the issuing side
  ml-signers/anchor.pem              trust anchor for master lists signed by issuer/ml-signer
Signers: ``valid``, ``revoked`` (on the CRL), ``expired``, ``unknown_csca`` (issued by a rogue
CSCA absent from trust/), ``explicit`` (brainpoolP256r1 key with explicit parameters under
the explicit CSCA), ``link`` (under the linked new key). EC keys keep generation to a few
milliseconds.

    python -m drivers.idcard.sim.test_pki DIR [--master-list FILE [--entries 520]
                                               [--bad-signature]]
(re)generates one; ``--master-list`` also writes a faithful ICAO master list
(`master_list_builder`) signed by issuer/ml-signer.
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

from drivers.idcard.sim import cert_builder, master_list_builder

SIGNERS = ("valid", "revoked", "expired", "unknown_csca", "explicit", "link")


@dataclass(frozen=True)
class Signer:
    key: ec.EllipticCurvePrivateKey
    cert_der: bytes


@dataclass(frozen=True)
class TestPki:
    base: Path
    trust_dir: Path
    signers: dict[str, Signer]
    ml_signer: Signer
    ml_signers_dir: Path

    def master_list(self, entries: int = 520, bad_signature: bool = False,
                    now: dt.datetime | None = None) -> tuple[bytes, master_list_builder.Manifest]:
        """A faithful ICAO master list that includes this PKI's CSCAs (see master_list_builder)."""
        own = [self.trust_dir / "csca.pem", self.trust_dir / "csca-explicit.der",
               self.trust_dir / "csca-link-old.pem", self.trust_dir / "csca-link.der"]
        include = [_der(path.read_bytes()) for path in own]
        return master_list_builder.build(self.ml_signer.key, self.ml_signer.cert_der, include, entries,
                                         now, corrupt_signature=bad_signature)


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
    made.update(_explicit_and_link(tmp, now))
    ml_key, ml_cert = _ds("Master List Signer", ca_key, ca, now - dt.timedelta(days=30),
                          now + dt.timedelta(days=5 * 365))
    (tmp / "ml-signers").mkdir()
    (tmp / "ml-signers" / "anchor.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    _write_key(tmp / "issuer" / "ml-signer.key.pem", ml_key)
    (tmp / "issuer" / "ml-signer.pem").write_bytes(ml_cert.public_bytes(serialization.Encoding.PEM))
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
        (tmp / "issuer" / f"ds-{name}.pem").write_bytes(_pem(cert))
    if base.exists():
        shutil.rmtree(base, ignore_errors=True)
    try:
        os.rename(tmp, base)
    except OSError:  # another process won the race: use its PKI
        shutil.rmtree(tmp, ignore_errors=True)
    return load(base)


def _explicit_and_link(tmp: Path, now: dt.datetime) -> dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]]:
    """The CSCAs some states issue: explicit EC parameters, and a key change by link certificate."""
    years = dt.timedelta(days=365)
    csca_key = ec.generate_private_key(ec.BrainpoolP384R1())
    csca_spki = cert_builder.public_key_info(csca_key, explicit=True)
    csca_name = cert_builder.name("CSCA Explicit Test")
    csca = cert_builder.certificate(csca_name, csca_name, csca_spki, csca_key, csca_spki, 0, now - years,
                                    now + 15 * years, True, "sha384",
                                    cert_builder.explicit_parameters(csca_key))
    ds_key = ec.generate_private_key(ec.BrainpoolP256R1())
    ds = cert_builder.certificate(cert_builder.name("DS explicit"), csca_name,
                                  cert_builder.public_key_info(ds_key, explicit=True), csca_key, csca_spki,
                                  -0x1234, now - dt.timedelta(days=30), now + 10 * years, False, "sha384")
    old_key, new_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP384R1())
    link_name = cert_builder.name("CSCA Link Test")
    old_spki, new_spki = cert_builder.public_key_info(old_key), cert_builder.public_key_info(new_key)
    old = cert_builder.certificate(link_name, link_name, old_spki, old_key, old_spki, 1, now - 8 * years,
                                   now + 4 * years, True)
    link = cert_builder.certificate(link_name, link_name, new_spki, old_key, old_spki, 2, now - years,
                                    now + 14 * years, True)
    link_ds_key = ec.generate_private_key(ec.SECP256R1())
    link_ds = cert_builder.certificate(cert_builder.name("DS link"), link_name,
                                       cert_builder.public_key_info(link_ds_key), new_key, new_spki, 3,
                                       now - dt.timedelta(days=30), now + 10 * years, False, "sha384")
    (tmp / "trust" / "csca-explicit.der").write_bytes(csca)
    (tmp / "trust" / "csca-link-old.pem").write_bytes(_pem(old))
    (tmp / "trust" / "csca-link.der").write_bytes(link)
    _write_key(tmp / "issuer" / "csca-explicit.key.pem", csca_key)
    _write_key(tmp / "issuer" / "csca-link-new.key.pem", new_key)
    return {"explicit": (ds_key, ds), "link": (link_ds_key, link_ds)}


def _pem(cert: x509.Certificate | bytes) -> bytes:
    from asn1crypto import pem

    der = cert if isinstance(cert, bytes) else cert.public_bytes(serialization.Encoding.DER)
    return pem.armor("CERTIFICATE", der)


def _der(raw: bytes) -> bytes:
    from asn1crypto import pem

    return pem.unarmor(raw)[2] if pem.detect(raw) else raw


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


def load(base: Path) -> TestPki:
    signers = {name: _signer(base / "issuer" / f"ds-{name}") for name in SIGNERS}
    return TestPki(base, base / "trust", signers, _signer(base / "issuer" / "ml-signer"),
                   base / "ml-signers")


def _signer(stem: Path) -> Signer:
    key = serialization.load_pem_private_key(stem.with_name(stem.name + ".key.pem").read_bytes(), None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("test PKI signer key is not EC")
    return Signer(key, _der(stem.with_name(stem.name + ".pem").read_bytes()))


def ensure(base: Path, now: dt.datetime | None = None) -> TestPki:
    """Load the PKI at ``base``; generate it when missing or when its CRL is about to lapse."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        crl = x509.load_der_x509_crl((base / "trust" / "csca.crl").read_bytes())
        if crl.next_update_utc is not None and crl.next_update_utc > now + dt.timedelta(days=1):
            return load(base)
    except (OSError, ValueError):  # missing, damaged, or from an older layout: regenerate
        pass
    return generate(base, now)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--force", action="store_true", help="regenerate even if present")
    parser.add_argument("--master-list", type=Path, metavar="FILE",
                        help="also write a faithful ICAO master list signed by the test ML signer")
    parser.add_argument("--entries", type=int, default=520, help="certificates in the master list")
    parser.add_argument("--bad-signature", action="store_true", help="damage the master list signature")
    args = parser.parse_args(argv)
    pki = generate(args.directory) if args.force else ensure(args.directory)
    print(f"trust store: {pki.trust_dir}")
    print(f"signers: {', '.join(pki.signers)}")
    print(f"master-list signer anchor: {pki.ml_signers_dir}")
    if args.master_list:
        raw, manifest = pki.master_list(args.entries, args.bad_signature)
        args.master_list.write_bytes(raw)
        print(f"master list: {args.master_list} ({manifest.total} entries, {len(manifest.explicit)} with "
              f"explicit EC parameters, {manifest.links} links, {manifest.corrupt} damaged)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
