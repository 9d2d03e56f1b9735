"""refdata.bundle: the whole set as one download, checked on the way in; and what it imports."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

from refdata import ReferenceDataError, files, packaged
from refdata.bundle import inflate, pack, unpack
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bundle() -> bytes:
    return pack(files())[1]


def test_pack_then_unpack_gives_the_shipped_set(bundle: bytes) -> None:
    ref = unpack(gzip.compress(bundle))
    assert ref.version == packaged().version == json.loads(bundle)["version"]
    assert ref.scope == packaged().scope and len(ref.divisions) == len(packaged().divisions)


def test_edited_content_is_refused_by_its_version(bundle: bytes) -> None:
    doc = json.loads(bundle)
    doc["files"]["scope.json"] = doc["files"]["scope.json"].replace("餐饮服务", "餐饮月务", 1)
    with pytest.raises(ReferenceDataError, match="does not match"):
        unpack(json.dumps(doc, ensure_ascii=False).encode())


@pytest.mark.parametrize("data", [b"", b"[]", b'{"format": 2, "files": {}}', b'{"format": 1, "files": {"a": 1}}',
                                  b'{"format": 1, "files": {}}', b"\x1f\x8b not gzip"])
def test_a_damaged_bundle_is_a_typed_error(data: bytes) -> None:
    with pytest.raises(ReferenceDataError):
        unpack(data)


def test_a_bundle_claiming_another_version_is_refused(bundle: bytes) -> None:
    doc = json.loads(bundle)
    doc["version"] = "0" * 16
    with pytest.raises(ReferenceDataError, match="says version"):
        unpack(json.dumps(doc, ensure_ascii=False).encode())


def test_inflating_stops_at_the_cap() -> None:
    bomb = gzip.compress(b" " * (2 << 20))
    assert len(inflate(bomb, limit=3 << 20)) == 2 << 20
    with pytest.raises(ReferenceDataError, match="inflates beyond"):
        inflate(bomb, limit=1 << 20)


def test_refdata_imports_neither_side() -> None:
    code = ("import sys, refdata, refdata.bundle, refdata.search, refdata.scope_text, refdata.integrity; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'registry_service', 'kiosk', 'drivers', "
            "'fastapi', 'sqlalchemy', 'kivy', 'pypinyin'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_the_kiosk_side_never_imports_the_service() -> None:
    code = ("import sys, kiosk.reference_cache, kiosk.runner; "
            "print('registry_service' in {m.split('.')[0] for m in sys.modules})")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    assert out.stdout.strip() == "False"
