"""GET /v1/reference-data/national: the whole national set, versioned, conditional, compressed."""

from __future__ import annotations

import gzip

import pytest
from fastapi.testclient import TestClient

from refdata import packaged
from refdata.bundle import unpack
from registry_service.reference_download import accepts_gzip, etag_matches

URL = "/v1/reference-data/national"


def test_the_bundle_is_the_shipped_set_with_its_version_as_etag(api: TestClient) -> None:
    r = api.get(URL, headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and "content-encoding" not in r.headers
    assert r.headers["etag"] == f'"{packaged().version}"'
    ref = unpack(r.content)
    assert ref.version == packaged().version and len(ref.scope) == len(packaged().scope)


def test_gzip_when_accepted_and_the_same_content(api: TestClient) -> None:
    plain = api.get(URL, headers={"Accept-Encoding": "identity"})
    stream = api.get(URL, headers={"Accept-Encoding": "gzip"})
    assert stream.headers["content-encoding"] == "gzip" and stream.headers["vary"] == "Accept-Encoding"
    assert int(stream.headers["content-length"]) < len(plain.content) / 3
    assert stream.content == plain.content  # the test client inflates it


def test_if_none_match_with_the_current_version_is_a_304_without_body(api: TestClient) -> None:
    etag = api.get(URL).headers["etag"]
    r = api.get(URL, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
    assert api.get(URL, headers={"If-None-Match": '"0000000000000000"'}).status_code == 200


def test_the_pick_list_carries_an_etag_too(api: TestClient) -> None:
    first = api.get("/v1/reference-data")
    assert first.status_code == 200 and first.json()["version"] in first.headers["etag"]
    assert api.get("/v1/reference-data", headers={"If-None-Match": first.headers["etag"]}).status_code == 304


@pytest.mark.parametrize(("header", "tag", "match"), [
    (None, '"a"', False), ('"a"', '"a"', True), ('W/"a"', '"a"', True), ('"b", "a"', '"a"', True),
    ("*", '"a"', True), ('"b"', '"a"', False),
])
def test_etag_comparison(header: str | None, tag: str, match: bool) -> None:
    assert etag_matches(header, tag) is match


@pytest.mark.parametrize(("header", "gz"), [
    (None, False), ("gzip", True), ("br, gzip;q=0.5", True), ("gzip;q=0", False), ("identity", False),
])
def test_accept_encoding(header: str | None, gz: bool) -> None:
    assert accepts_gzip(header) is gz


def test_the_compressed_body_is_stable_across_builds() -> None:
    from registry_service.reference_download import ReferenceDownload

    a, b = ReferenceDownload().bundle(), ReferenceDownload().bundle()
    assert a.gzipped == b.gzipped and gzip.decompress(a.gzipped) == a.plain
