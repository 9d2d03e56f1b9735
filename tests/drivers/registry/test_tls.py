"""TLS verification is always on; optional CA bundle; optional mutual TLS (kiosk certificate)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from drivers.errors import ServiceUnreachable
from drivers.registry.http_client import HttpRegistrationClient
from drivers.registry.models import Application
from registry_service import embedded, samples


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _issue(subject: str, key, issuer_name, issuer_key, *, ca=False, server=False):  # type: ignore[no-untyped-def]
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


def _write(path: Path, cert, key) -> None:  # type: ignore[no-untyped-def]
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _issue("Test Registry CA", ca_key, _name("Test Registry CA"), ca_key, ca=True)
    _write(d / "ca", ca, ca_key)
    for name, server in (("server", True), ("kiosk", False)):
        k = ec.generate_private_key(ec.SECP256R1())
        _write(d / name, _issue(name, k, ca.subject, ca_key, server=server), k)
    return d


@pytest.fixture(scope="module")
def mtls_service(pki: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[embedded.EmbeddedService]:
    d = tmp_path_factory.mktemp("mtls")
    svc = embedded.start(
        f"sqlite:///{d / 'r.db'}",
        d / "keys",
        tls_cert=str(pki / "server.crt"),
        tls_key=str(pki / "server.key"),
        client_ca=str(pki / "ca.crt"),
    )
    yield svc
    svc.stop()


def test_mutual_tls_with_ca_bundle(mtls_service: embedded.EmbeddedService, pki: Path) -> None:
    assert mtls_service.url.startswith("https://127.0.0.1:")
    c = HttpRegistrationClient(
        mtls_service.url,
        "kiosk-tls",
        mtls_service.public_key_path,
        ca_bundle=str(pki / "ca.crt"),
        client_cert=str(pki / "kiosk.crt"),
        client_key=str(pki / "kiosk.key"),
    )
    d = c.submit(Application(**samples.application()), uuid.uuid4().hex)
    assert d.outcome == "approved"
    c.close()


def test_unknown_server_ca_refused(mtls_service: embedded.EmbeddedService, pki: Path) -> None:
    c = HttpRegistrationClient(
        mtls_service.url,
        "kiosk-tls",
        mtls_service.public_key_path,
        client_cert=str(pki / "kiosk.crt"),
        client_key=str(pki / "kiosk.key"),
        sleep=lambda _s: None,
    )
    with pytest.raises(ServiceUnreachable, match="TLS"):
        c.reference_data()


def test_missing_client_certificate_refused(mtls_service: embedded.EmbeddedService, pki: Path) -> None:
    c = HttpRegistrationClient(
        mtls_service.url,
        "kiosk-tls",
        mtls_service.public_key_path,
        ca_bundle=str(pki / "ca.crt"),
        max_attempts=2,
        sleep=lambda _s: None,
    )
    with pytest.raises(ServiceUnreachable):
        c.reference_data()
