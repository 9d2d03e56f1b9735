"""The kiosk's reference-data cache against the real service on a loopback port: first download,
304 on the next form, the cached copy while the service is down, a new version taken when the
service has one, a damaged cache discarded with its reason logged."""

from __future__ import annotations

import gzip
import json
import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.errors import ServiceUnreachable
from drivers.registry.http_client import HttpRegistrationClient
from kiosk.reference_cache import NATIONAL_FILE, PICKLIST_FILE, ReferenceCache
from refdata import content_version, files, packaged
from registry_service import embedded
from registry_service import reference_download as served
from registry_service.app import ServiceSettings
from tests.registry_service.svc_helpers import UNLIMITED


def start(tmp: Path) -> embedded.EmbeddedService:
    settings = ServiceSettings(f"sqlite:///{tmp / 'reg.db'}", tmp / "keys", rate_limits=UNLIMITED)
    return embedded.start("", tmp / "keys", settings=settings)


class Counting(HttpRegistrationClient):
    """The real client, recording the status of each reference download."""

    def __init__(self, url: str, key: Path) -> None:
        super().__init__(url, "kiosk-01", key, max_attempts=1, deadline_s=20)
        self.answers: list[str] = []

    def download(self, path: str, etag: str = ""):  # type: ignore[no-untyped-def]
        got = super().download(path, etag)
        self.answers.append("304" if got is None else "200")
        return got


@pytest.fixture
def service(tmp_path: Path) -> Iterator[embedded.EmbeddedService]:
    svc = start(tmp_path / "svc")
    yield svc
    svc.stop()


def test_first_download_then_304_then_the_cached_copy_while_the_service_is_down(
        service: embedded.EmbeddedService, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache_dir = tmp_path / "var" / "reference"
    client = Counting(service.url, service.public_key_path)
    first = ReferenceCache(cache_dir).load(client)
    assert first.national.version == packaged().version and first.scope_items
    assert client.answers == ["200", "200"]
    for name in (PICKLIST_FILE, NATIONAL_FILE):
        assert stat.S_IMODE((cache_dir / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert (cache_dir / NATIONAL_FILE).stat().st_size < 1_000_000  # kept compressed

    restarted = ReferenceCache(cache_dir)  # a kiosk restart: the disk copy, validated by 304s
    again = restarted.load(client)
    assert client.answers[2:] == ["304", "304"] and again.national.version == first.national.version
    assert restarted.load(client) is again  # nothing changed: the same object, nothing to redraw

    service.stop()
    with caplog.at_level(logging.WARNING, "kiosk.reference"):
        offline = restarted.load(client)
    assert offline is again and "keeping version" in caplog.text
    with pytest.raises(ServiceUnreachable):  # no copy at all: the kiosk cannot show the form
        ReferenceCache(tmp_path / "empty").load(client)


def test_a_new_version_on_the_service_replaces_the_cached_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ReferenceCache(tmp_path / "reference")
    old = start(tmp_path / "a")
    try:
        held = cache.load(Counting(old.url, old.public_key_path))
    finally:
        old.stop()

    raw = files()
    scope = json.loads(raw["scope.json"])
    scope["items"][0]["keywords"].append(["水稻", "shui dao"])
    raw["scope.json"] = json.dumps(scope, ensure_ascii=False).encode()
    meta = json.loads(raw["meta.json"])
    meta["version"] = content_version(raw)
    raw["meta.json"] = json.dumps(meta).encode()
    monkeypatch.setattr(served, "files", lambda: raw)
    new = start(tmp_path / "b")
    try:
        client = Counting(new.url, new.public_key_path)
        fresh = cache.load(client)
    finally:
        new.stop()
    assert client.answers == ["304", "200"]  # pick lists unchanged, national set new
    assert fresh.national.version == meta["version"] != held.national.version
    assert fresh.national.scope.search("水稻")[0].code == "SA0111"
    assert ReferenceCache(tmp_path / "reference")._read_national().version == meta["version"]


@pytest.mark.parametrize("damage", [b"", b"not gzip", gzip.compress(b'{"format": 1}')])
def test_a_damaged_cache_is_discarded_with_its_reason_and_fetched_again(
        service: embedded.EmbeddedService, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: bytes) -> None:
    cache_dir = tmp_path / "reference"
    client = Counting(service.url, service.public_key_path)
    ReferenceCache(cache_dir).load(client)
    (cache_dir / NATIONAL_FILE).write_bytes(damage)
    (cache_dir / PICKLIST_FILE).write_bytes(b"{")
    with caplog.at_level(logging.WARNING, "kiosk.reference"):
        ref = ReferenceCache(cache_dir).load(client)
    assert f"cached reference data {NATIONAL_FILE} discarded" in caplog.text
    assert f"cached reference data {PICKLIST_FILE} discarded" in caplog.text
    assert client.answers[2:] == ["200", "200"] and ref.national.version == packaged().version
    assert ReferenceCache(cache_dir)._read_national() is not None


def test_registering_units_are_counties_and_cities_without_counties() -> None:
    from kiosk.reference_cache import index

    national = index(packaged())
    assert national.is_county("371002") and national.is_county("441900")  # 环翠区, 东莞市
    assert not national.is_county("370000") and not national.is_county("371000")  # 山东省, 威海市
    assert not national.is_county("110000") and national.is_county("110105")  # 北京市, 朝阳区
    assert not national.is_county("371002001") and not national.is_county("710000")
