"""ASGI entry for process managers: `uvicorn registry_service.asgi:app --workers N`.

Configuration from the environment: REGISTRY_DATABASE_URL, REGISTRY_KEY_DIR,
REGISTRY_SUBMIT_THREADS (the CLI sets them for its workers after migrating once in the parent
process)."""

from __future__ import annotations

import os
from pathlib import Path

from registry_service.app import ServiceSettings, create_app
from registry_service.cli import DEFAULT_DB, DEFAULT_KEYS, _quiet_gc

app = create_app(
    ServiceSettings(
        database_url=os.environ.get("REGISTRY_DATABASE_URL", DEFAULT_DB),
        key_dir=Path(os.environ.get("REGISTRY_KEY_DIR", DEFAULT_KEYS)),
        submit_threads=int(os.environ.get("REGISTRY_SUBMIT_THREADS", "4")),
    )
)
_quiet_gc()
