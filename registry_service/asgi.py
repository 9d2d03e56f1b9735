"""ASGI entry for process managers: `uvicorn registry_service.asgi:app --workers N`.

Configuration from the environment: REGISTRY_DATABASE_URL, REGISTRY_KEY_DIR,
REGISTRY_SUBMIT_THREADS, REGISTRY_RETENTION_HOURS, REGISTRY_PURGE_INTERVAL. Run this way, the
connection limits of ``registry_service.connection_guard`` need ``--http
registry_service.connection_guard:GuardedHttpToolsProtocol`` (with its default limits); the
service's own command line (`main.py registry-service`) sets all of them."""

from __future__ import annotations

import os
from pathlib import Path

from registry_service.app import ServiceSettings, create_app
from registry_service.cli import DEFAULT_DB, DEFAULT_KEYS, DEFAULT_RETENTION_HOURS, _quiet_gc

app = create_app(
    ServiceSettings(
        database_url=os.environ.get("REGISTRY_DATABASE_URL", DEFAULT_DB),
        key_dir=Path(os.environ.get("REGISTRY_KEY_DIR", DEFAULT_KEYS)),
        submit_threads=int(os.environ.get("REGISTRY_SUBMIT_THREADS", "4")),
        retention_hours=float(os.environ.get("REGISTRY_RETENTION_HOURS", DEFAULT_RETENTION_HOURS)),
        purge_interval_s=float(os.environ.get("REGISTRY_PURGE_INTERVAL", "3600")),
    )
)
_quiet_gc()
