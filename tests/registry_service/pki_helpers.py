"""A throwaway PKI for TLS tests: a CA, a server certificate for 127.0.0.1 and kiosk client
certificates (named uniquely: test dirs have no __init__)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _issue(subject: str, key: Any, issuer_name: x509.Name, issuer_key: Any, *, ca: bool = False,
           server: bool = False) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    b = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        b = b.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
    elif not ca:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False)
    if ca:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
    return b.sign(issuer_key, hashes.SHA256())


def _write(path: Path, cert: x509.Certificate, key: Any) -> None:
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def make_pki(d: Path, kiosks: tuple[str, ...] = ("kiosk",)) -> Path:
    """d/ca.crt, d/server.{crt,key} and d/<kiosk>.{crt,key} (subject CN = the kiosk name)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _issue("Test Registry CA", ca_key, _name("Test Registry CA"), ca_key, ca=True)
    _write(d / "ca", ca, ca_key)
    for name, server in (("server", True), *((k, False) for k in kiosks)):
        k = ec.generate_private_key(ec.SECP256R1())
        _write(d / name, _issue(name, k, ca.subject, ca_key, server=server), k)
    return d
