"""TLS verification is always on; optional CA bundle; optional mutual TLS (kiosk certificate)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.errors import ServiceUnreachable
from drivers.registry.http_client import HttpRegistrationClient
from drivers.registry.models import Application
from registry_service import embedded, samples
from tests.registry_service.pki_helpers import make_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pki(tmp_path_factory.mktemp("pki"))


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
