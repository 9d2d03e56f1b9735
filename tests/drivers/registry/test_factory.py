from __future__ import annotations

import dataclasses
import typing
import uuid
from pathlib import Path

import pytest

from drivers.errors import ServiceUnreachable
from drivers.registry.factory import (
    EmbeddedServiceOptions,
    HttpClientOptions,
    create_embedded,
    create_http,
)
from drivers.registry.http_client import HttpRegistrationClient
from drivers.registry.models import Application
from registry_service import samples


def test_embedded_demo_client_starts_and_stops_the_service(tmp_path: Path) -> None:
    c = create_embedded(EmbeddedServiceOptions(), tmp_path)
    assert isinstance(c, HttpRegistrationClient)
    url = c.base_url
    assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
    d = c.submit(Application(**samples.application()), uuid.uuid4().hex)
    assert d.outcome == "approved"
    assert (tmp_path / "registry" / "registry.db").exists()
    assert (tmp_path / "registry" / "keys" / "authority_ed25519.pub.pem").exists()
    c.close()
    probe = HttpRegistrationClient(
        url, "probe", tmp_path / "registry/keys/authority_ed25519.pub.pem", max_attempts=1, connect_timeout=0.5
    )
    with pytest.raises(ServiceUnreachable):
        probe.reference_data()


def test_options_are_frozen_simple_dataclasses() -> None:
    for cls in (HttpClientOptions, EmbeddedServiceOptions):
        assert dataclasses.is_dataclass(cls)
        for name, tp in typing.get_type_hints(cls).items():
            assert tp in (str, int, float, bool), (cls, name, tp)
    with pytest.raises(dataclasses.FrozenInstanceError):
        EmbeddedServiceOptions().kiosk_id = "x"  # type: ignore[misc]


def test_create_http_resolves_relative_paths(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    (tmp_path / "authority.pem").write_bytes(pem)
    c = create_http(
        HttpClientOptions("https://registry.example.cn", "k1", "authority.pem", ca_bundle="ca.pem"), tmp_path
    )
    assert isinstance(c, HttpRegistrationClient)
    assert c.session.verify == str(tmp_path / "ca.pem")
    assert c.session.headers["X-Kiosk-Id"] == "k1"
    with pytest.raises(ValueError):
        create_http(HttpClientOptions("http://registry.example.cn", "k1", "authority.pem"), tmp_path)


def test_fresh_database_frees_demo_names(tmp_path: Path) -> None:
    app = Application(**samples.application())
    c = create_embedded(EmbeddedServiceOptions(), tmp_path)
    assert c.submit(app, "demo-key-0001").outcome == "approved"
    c.close()
    c = create_embedded(EmbeddedServiceOptions(), tmp_path)  # same database: name is taken
    assert c.submit(app, "demo-key-0002").reasons == ("name_taken",)
    c.close()
    c = create_embedded(EmbeddedServiceOptions(fresh_database=True), tmp_path)
    assert c.submit(app, "demo-key-0003").outcome == "approved"
    c.close()
