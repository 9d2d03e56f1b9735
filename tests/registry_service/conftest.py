from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from registry_service.app import create_app
from tests.registry_service.svc_helpers import settings_for


@pytest.fixture
def api(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(settings_for(tmp_path))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()
