from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from registry_service import embedded
from registry_service.app import ServiceSettings
from tests.drivers.registry.fault_server import FaultServer
from tests.registry_service.svc_helpers import UNLIMITED


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[embedded.EmbeddedService]:
    d = tmp_path_factory.mktemp("registry")
    # one kiosk id submits for the whole module: the per-kiosk rate limit is tested elsewhere
    settings = ServiceSettings(f"sqlite:///{d / 'reg.db'}", d / "keys", rate_limits=UNLIMITED)
    svc = embedded.start("", d / "keys", settings=settings)
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
