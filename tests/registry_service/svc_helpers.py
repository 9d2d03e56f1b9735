"""Shared helpers for the registry service tests (named uniquely: test dirs have no __init__)."""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from registry_service.app import ServiceSettings
from registry_service.limits import RateLimits

FIXED_NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)  # 2026-06-01 12:00 in Beijing
# Tests that play many kiosks' traffic through one kiosk id; the limits have their own tests.
UNLIMITED = RateLimits(submit_per_minute=10**6, submit_burst=10**6, request_per_minute=10**6,
                       request_burst=10**6)


def settings_for(tmp_path: Path, **kw: object) -> ServiceSettings:
    return ServiceSettings(
        database_url=kw.pop("database_url", f"sqlite:///{tmp_path / 'reg.db'}"),  # type: ignore[arg-type]
        key_dir=tmp_path / "keys",
        clock=kw.pop("clock", lambda: FIXED_NOW),  # type: ignore[arg-type]
        rate_limits=kw.pop("rate_limits", UNLIMITED),  # type: ignore[arg-type]
        purge_interval_s=kw.pop("purge_interval_s", 0),  # type: ignore[arg-type]
        # the tests send the one sample operator again and again; the rule has its own tests
        recent_application_hours=kw.pop("recent_application_hours", 0),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def headers(key: str | None = None, kiosk: str = "kiosk-01") -> dict[str, str]:
    return {"Idempotency-Key": key or uuid.uuid4().hex, "X-Kiosk-Id": kiosk}


def stale_lookup_once(store: Any, monkeypatch: pytest.MonkeyPatch, **stale: object) -> list[Any]:
    """The next lookup reports ``stale`` fields (request_hash=None: the key looks unused;
    name_taken=False: the 字号 looks free), as when a concurrent request commits between this
    request's read and its write. Returns the true lookups, for assertions."""
    look = store.look
    seen: list[Any] = []

    def stale_look(*args: Any, **kwargs: Any) -> Any:
        result = look(*args, **kwargs)
        seen.append(result)
        return dataclasses.replace(result, **stale) if len(seen) == 1 else result

    monkeypatch.setattr(store, "look", stale_look)
    return seen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(proc: subprocess.Popen[bytes], port: int, timeout: float = 30) -> requests.Response:
    """Poll the service process's OpenAPI document until it answers; fail if the process dies
    (with its output) or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
        except requests.ConnectionError:
            if proc.poll() is not None:
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise AssertionError(f"service exited with {proc.returncode}: {out}") from None
            assert time.monotonic() < deadline, "service did not start in time"
            time.sleep(0.1)
