"""The same contract on a real PostgreSQL server (throwaway cluster on loopback)."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from registry_service import embedded, samples
from registry_service.app import API_VERSION, ServiceSettings, create_app
from registry_service.orm import ApplicationRow, LicenceRow
from tests.registry_service.pg_sandbox import PgUnavailable, cluster
from tests.registry_service.svc_helpers import (
    UNLIMITED,
    free_port,
    headers,
    settings_for,
    stale_lookup_once,
    wait_until_serving,
)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    try:
        with cluster() as url:
            yield url
    except PgUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL required in CI but could not start: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")


@pytest.fixture(scope="module")
def pg_service(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    keys = tmp_path_factory.mktemp("pgkeys")
    svc = embedded.start(pg_url, keys, settings=ServiceSettings(pg_url, keys, rate_limits=UNLIMITED,
                                                                 recent_application_hours=0))
    yield svc.url
    svc.stop()


def _counts(url: str) -> tuple[int, int]:
    e = create_engine(url)
    with e.connect() as c:
        r = (c.scalar(select(func.count()).select_from(ApplicationRow)),
             c.scalar(select(func.count()).select_from(LicenceRow)))
    e.dispose()
    return r  # type: ignore[return-value]


def _post(base: str, body: dict, key: str) -> requests.Response:
    return requests.post(base + "/v1/applications", json=body,
                         headers={"Idempotency-Key": key, "X-Kiosk-Id": "pg-kiosk"}, timeout=30)


def test_migrations_match_models_on_postgres(pg_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from registry_service.db import make_engine, migrate
    from registry_service.orm import Base

    engine = make_engine(pg_url)
    migrate(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_approve_replay_and_reject(pg_service: str, pg_url: str) -> None:
    before = _counts(pg_url)
    key = uuid.uuid4().hex
    body = samples.application(trade_name="顺和")
    first = _post(pg_service, body, key)
    assert first.status_code == 201 and first.json()["outcome"] == "approved"
    assert _post(pg_service, body, key).content == first.content
    other = _post(pg_service, {**body, "trade_name": "顺盛"}, key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    dup = _post(pg_service, body, uuid.uuid4().hex).json()
    assert dup["outcome"] == "rejected" and dup["reasons"] == ["name_taken"]
    assert _counts(pg_url) == (before[0] + 2, before[1] + 1)


def test_concurrent_same_key_and_same_name(pg_service: str, pg_url: str) -> None:
    before = _counts(pg_url)
    n = 16
    barrier = threading.Barrier(n)
    same_key: list[requests.Response] = []
    body = samples.application(trade_name="昌泰")

    def worker(i: int) -> None:
        barrier.wait()
        same_key.append(_post(pg_service, body, "pg-shared-key-1"))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # every racer gets the one answer: the winner's, the others as its stored replay
    assert [r.status_code for r in same_key] == [201] * n
    assert len({r.content for r in same_key}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") != "true" for r in same_key) == 1
    assert _counts(pg_url) == (before[0] + 1, before[1] + 1)

    racers: list[requests.Response] = []
    barrier2 = threading.Barrier(n)

    def racer(i: int) -> None:
        barrier2.wait()
        racers.append(_post(pg_service, samples.application(trade_name="安康"), f"pg-race-{i}"))

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = [r.json()["outcome"] for r in racers]
    assert outcomes.count("approved") == 1, outcomes
    assert _counts(pg_url) == (before[0] + 1 + n, before[1] + 2)


@pytest.fixture
def pg_api(pg_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(tmp_path, database_url=pg_url))) as api:
        yield api


def test_key_won_meanwhile_writes_nothing_and_replays_on_postgres(
    pg_api: TestClient, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ON CONFLICT branch of the single write statement: the key was committed by another
    request after this one's read, so neither the application nor its licence is inserted and
    the stored answer is returned."""
    key = uuid.uuid4().hex
    body = samples.application(trade_name="永昌")
    first = pg_api.post("/v1/applications", json=body, headers=headers(key))
    before = _counts(pg_url)
    stale_lookup_once(pg_api.app.state.registry.store, monkeypatch, request_hash=None)  # type: ignore[attr-defined]
    second = pg_api.post("/v1/applications", json=body, headers=headers(key))
    assert second.status_code == 201 and second.content == first.content
    assert second.headers["Idempotent-Replayed"] == "true"
    assert _counts(pg_url) == before


def test_name_won_meanwhile_is_refused_atomically_on_postgres(
    pg_api: TestClient, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unique name index refuses the licence inside the same statement as the application
    insert: nothing of the first attempt stays, and the second decision says name_taken."""
    body = samples.application(trade_name="鸿运")
    assert pg_api.post("/v1/applications", json=body, headers=headers()).json()["outcome"] == (
        "approved")
    before = _counts(pg_url)
    seen = stale_lookup_once(pg_api.app.state.registry.store, monkeypatch, name_taken=False)  # type: ignore[attr-defined]
    r = pg_api.post("/v1/applications", json=body, headers=headers())
    assert [x.name_taken for x in seen] == [True, True]
    assert r.status_code == 201 and r.json()["reasons"] == ["name_taken"]
    assert _counts(pg_url) == (before[0] + 1, before[1])  # the rejection only


def test_standalone_cli_with_database_url(pg_url: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "registry_service", "--port", str(port), "--database", pg_url,
         "--key-dir", str(tmp_path / "keys"), "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        r = wait_until_serving(proc, port)
        assert r.json()["info"]["version"] == API_VERSION
        # the worker processes got the settings (and the limits) through the pickled factory
        body = samples.application(trade_name=samples.trade_name(4321))
        r = requests.post(f"http://127.0.0.1:{port}/v1/applications", json=body,
                          headers=headers(), timeout=10)
        assert r.status_code == 201 and r.json()["outcome"] == "approved"
        assert requests.get(f"http://127.0.0.1:{port}/v1/reference-data", timeout=5,
                            headers={"X-Pad": "a" * 20000}).status_code == 431
    finally:
        proc.terminate()
        proc.wait(10)


def test_lost_database_connections_are_503_then_replaced(pg_service: str, pg_url: str) -> None:
    """Connections the server dropped (restart, failover, idle kill) answer 503 service_busy
    once each, are thrown away, and the retry with the same key is decided normally."""
    for i in range(3):  # pooled connections exist
        assert _post(pg_service, samples.application(trade_name=samples.trade_name(5000 + i)),
                     f"pg-warm-{i:04d}").status_code == 201
    e = create_engine(pg_url)
    with e.connect() as c:
        c.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE pid <> pg_backend_pid() AND datname = current_database()")
    e.dispose()
    body = samples.application(trade_name=samples.trade_name(5100))
    answers = [_post(pg_service, body, "pg-after-kill-1") for _ in range(25)]
    busy = [r for r in answers if r.status_code == 503]
    assert all(r.json()["code"] == "service_busy" and r.headers["retry-after"] == "1" for r in busy)
    decided = [r for r in answers if r.status_code == 201]
    assert decided and len({r.json()["application_id"] for r in decided}) == 1
    assert answers[-1].status_code == 201
    assert busy, "the dropped connections were not noticed"
