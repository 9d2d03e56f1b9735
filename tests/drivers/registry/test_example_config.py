"""The shipped hardware example loads, and its registration client asks for the documented
paths: the base URL is the service root, the client adds /v1/..."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from drivers.errors import ServiceUnreachable
from drivers.registry.factory import HttpClientOptions, create_http
from kiosk import settings
from tests.conftest import ROOT


def test_the_example_config_builds_request_urls_under_one_v1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options = settings.load(ROOT / "config" / "hardware-example.toml").registry.options
    assert isinstance(options, HttpClientOptions)
    key = tmp_path / "authority.pem"
    key.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    local = dataclasses.replace(options, authority_public_key=str(key), ca_bundle="", client_cert="",
                                client_key="", max_attempts=1)
    client = create_http(local, tmp_path)
    asked: list[str] = []

    def record(method: str, url: str, **_kw: object) -> requests.Response:
        asked.append(f"{method} {url}")
        raise requests.ConnectionError("no network in tests")

    monkeypatch.setattr(client.session, "request", record)
    with pytest.raises(ServiceUnreachable):
        client.reference_data()
    assert asked == ["GET https://registry.example.gov.cn/v1/reference-data"]
    client.close()


@pytest.mark.parametrize("url", ["https://registry.example.gov.cn/v1", "https://registry.example.gov.cn/api/v1/"])
def test_a_base_url_with_the_version_prefix_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="without the /v1"):
        HttpClientOptions(base_url=url, kiosk_id="KIOSK-1", authority_public_key="k.pem")
