from __future__ import annotations

from collections.abc import Iterator

import pytest
from resident_testkit import make_reader

from drivers.residentid.reader import ResidentIdReader
from drivers.residentid.sim.pty_reader import VirtualResidentReader


@pytest.fixture
def sim(tmp_path) -> Iterator[VirtualResidentReader]:
    with VirtualResidentReader(tmp_path) as virtual:
        yield virtual


@pytest.fixture
def reader(sim: VirtualResidentReader) -> Iterator[ResidentIdReader]:
    r = make_reader(sim.path)
    yield r
    r.close()
