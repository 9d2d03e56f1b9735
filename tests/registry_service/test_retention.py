"""Retention of stored answers: never inside the kiosks' replay window, a tombstone after it
(410, never a second decision), periodic in the service and on demand from the command line,
on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from licence_wire.protocol import REPLAY_WINDOW_HOURS
from registry_service import cli, retention, samples
from registry_service.app import create_app
from registry_service.orm import ApplicationRow, LicenceRow
from tests.registry_service.pg_sandbox import PgUnavailable, cluster
from tests.registry_service.svc_helpers import headers, settings_for

ROOT = Path(__file__).resolve().parents[2]
DAY = timedelta(days=1)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    try:
        with cluster() as url:
            yield url
    except PgUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL required in CI but could not start: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'r.db'}"
    url = request.getfixturevalue("pg_url")
    from sqlalchemy import create_engine, text

    e = create_engine(url)
    with e.begin() as c:  # a clean schema per test on the module's cluster
        c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    e.dispose()
    return url


@pytest.fixture
def aged(database: str, tmp_path: Path) -> Iterator[tuple[TestClient, Clock]]:
    """The service with a clock the test moves: 100 days ago, now."""
    clock = Clock(datetime.now(UTC) - 100 * DAY)
    app = create_app(settings_for(tmp_path, database_url=database, clock=clock))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, clock
    app.state.engine.dispose()


def _submit(api: TestClient, key: str, n: int):  # type: ignore[no-untyped-def]
    return api.post("/v1/applications", json=samples.application(trade_name=samples.trade_name(n)),
                    headers=headers(key))


def _counts(api: TestClient) -> tuple[int, int, int]:
    with api.app.state.engine.connect() as c:  # type: ignore[attr-defined]
        apps = c.execute(select(func.count()).select_from(ApplicationRow)).scalar_one()
        kept = c.execute(select(func.count()).select_from(ApplicationRow)
                         .where(ApplicationRow.response_body.is_not(None))).scalar_one()
        lic = c.execute(select(func.count()).select_from(LicenceRow)).scalar_one()
    return apps, kept, lic


def test_purge_clears_old_answers_and_keeps_tombstones(aged: tuple[TestClient, Clock]) -> None:
    api, clock = aged
    old = [_submit(api, f"old-key-{i:04d}", i) for i in range(5)]  # 100 days ago
    clock.now += 70 * DAY
    young = _submit(api, "young-key-0001", 99)  # 30 days ago: inside the retention
    clock.now += 30 * DAY
    store = api.app.state.registry.store  # type: ignore[attr-defined]
    before = retention.cutoff(clock.now, 90 * 24)
    assert retention.count(api.app.state.engine, before) == 5  # type: ignore[attr-defined]
    assert retention.purge(store, before, batch=2) == 5  # in batches of 2
    assert retention.purge(store, before) == 0  # idempotent
    assert _counts(api) == (6, 1, 6)  # rows and licences stay, five answers are gone
    # a replay inside the retention still gets the stored answer
    again = _submit(api, "young-key-0001", 99)
    assert again.content == young.content and again.headers["Idempotent-Replayed"] == "true"
    # a replay after it is refused, and decides nothing
    late = _submit(api, "old-key-0000", 0)
    assert late.status_code == 410 and late.json()["code"] == "idempotency_key_expired"
    gone = api.get(f"/v1/applications/{old[1].json()['application_id']}")
    assert gone.status_code == 410 and gone.json()["code"] == "application_expired"
    assert _counts(api) == (6, 1, 6)
    # the licence itself is still there, signed and verifiable
    uscc = old[2].json()["licence"]["uscc"]
    assert api.get(f"/v1/licences/{uscc}").json()["status"] == "active"


def test_retention_inside_the_replay_window_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="replay window"):
        retention.cutoff(datetime.now(UTC), REPLAY_WINDOW_HOURS)
    with pytest.raises(ValueError, match="replay window"):
        create_app(settings_for(tmp_path, retention_hours=REPLAY_WINDOW_HOURS - 1))
    assert not (tmp_path / "reg.db").exists()  # refused before anything was created


def test_the_service_purges_periodically(database: str, tmp_path: Path) -> None:
    clock = Clock(datetime.now(UTC) - 100 * DAY)
    app = create_app(settings_for(tmp_path, database_url=database, clock=clock,
                                  purge_interval_s=0.05))
    try:
        with TestClient(app) as api:
            assert _submit(api, "periodic-key-1", 1).status_code == 201
            clock.now += 100 * DAY
            deadline = time.monotonic() + 10
            while _counts(api)[1]:
                assert time.monotonic() < deadline, "the purge did not run"
                time.sleep(0.05)
            assert _submit(api, "periodic-key-1", 1).status_code == 410
    finally:
        app.state.purger.stop()
        app.state.engine.dispose()


def test_purge_command(database: str, tmp_path: Path) -> None:
    clock = Clock(datetime.now(UTC) - 100 * DAY)
    app = create_app(settings_for(tmp_path, database_url=database, clock=clock))
    with TestClient(app) as api:
        _submit(api, "cli-old-key-1", 1)
        clock.now += 95 * DAY
        _submit(api, "cli-young-key-1", 2)  # 5 days old
    app.state.engine.dispose()
    run = [sys.executable, "-m", "registry_service", "purge", "--database", database]
    dry = subprocess.run([*run, "--older-than", "90d", "--dry-run"], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert dry.returncode == 0 and dry.stdout.startswith("1 stored answers"), dry.stderr
    done = subprocess.run([*run, "--older-than", "2160h"], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.startswith("cleared 1 "), done.stderr
    app = create_app(settings_for(tmp_path, database_url=database))
    with TestClient(app) as api:
        assert _counts(api) == (2, 1, 2)
    app.state.engine.dispose()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--older-than", "720h"], "replay window of 720 hours"),
        (["--older-than", "29d"], "replay window"),
        (["--older-than", "90 days"], "not a duration"),
        (["--older-than", "９０d"], "not a duration"),
        (["--database", "sqlite:///{tmp}/nothing.db"], "no SQLite database"),
    ],
)
def test_purge_command_refusals(argv: list[str], expected: str, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    p = argparse.ArgumentParser(prog="registry-service")
    cli.add_arguments(p)
    try:
        code = cli.run(p.parse_args(["purge", *(a.format(tmp=tmp_path) for a in argv)]))
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and expected in err and "Traceback" not in err
    assert not (tmp_path / "nothing.db").exists()
