"""Engines shared by the text-entry tests: librime can be set up once per process."""

from __future__ import annotations

import ctypes.util
from pathlib import Path

import pytest

from kiosk.textentry.rime import RimeEngine
from tests.conftest import missing

DATA = Path(__file__).resolve().parent / "data"


def have_library(name: str) -> bool:
    return ctypes.util.find_library(name) is not None


def shop_names(name: str = "shop_names.tsv") -> list[tuple[str, list[str]]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        text, pinyin = line.split("\t")
        rows.append((text, pinyin.split()))
    return rows


@pytest.fixture(scope="session")
def rime(tmp_path_factory: pytest.TempPathFactory) -> RimeEngine:
    if not have_library("rime"):
        missing("librime1 is not installed (scripts/bootstrap.sh installs it)")
    return RimeEngine.shared(tmp_path_factory.mktemp("rime"))
