from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from registry_service import embedded
from tests.drivers.registry.fault_server import FaultServer


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[embedded.EmbeddedService]:
    d = tmp_path_factory.mktemp("registry")
    svc = embedded.start(f"sqlite:///{d / 'reg.db'}", d / "keys")
    yield svc
    svc.stop()


@pytest.fixture
def faults(service: embedded.EmbeddedService) -> Iterator[FaultServer]:
    f = FaultServer(upstream=service.url, hang_s=60.0)  # a hang outlasts any client timeout; close() ends it
    yield f
    f.close()


@pytest.fixture
def key_path(service: embedded.EmbeddedService) -> Path:
    return service.public_key_path
