"""Shared helpers for the registry service tests (named uniquely: test dirs have no __init__)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from registry_service.app import ServiceSettings

FIXED_NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)  # 2026-06-01 12:00 in Beijing


def settings_for(tmp_path: Path, **kw: object) -> ServiceSettings:
    return ServiceSettings(
        database_url=kw.pop("database_url", f"sqlite:///{tmp_path / 'reg.db'}"),  # type: ignore[arg-type]
        key_dir=tmp_path / "keys",
        clock=kw.pop("clock", lambda: FIXED_NOW),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def headers(key: str | None = None, kiosk: str = "kiosk-01") -> dict[str, str]:
    return {"Idempotency-Key": key or uuid.uuid4().hex, "X-Kiosk-Id": kiosk}
