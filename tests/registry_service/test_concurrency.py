"""Idempotency under real concurrency: threads over real loopback HTTP to the real service."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select

from registry_service import embedded, samples
from registry_service.app import ServiceSettings
from registry_service.orm import ApplicationRow, LicenceRow
from tests.registry_service.svc_helpers import UNLIMITED


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[tuple[embedded.EmbeddedService, str]]:
    url = f"sqlite:///{tmp_path / 'reg.db'}"
    s = embedded.start(url, tmp_path / "keys",
                       settings=ServiceSettings(url, tmp_path / "keys", rate_limits=UNLIMITED))
    yield s, url
    s.stop()


def hammer(base: str, n: int, body_for, key_for) -> list[requests.Response]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(n)
    results: list[requests.Response] = [None] * n  # type: ignore[list-item]

    def worker(i: int) -> None:
        barrier.wait()
        results[i] = requests.post(
            base + "/v1/applications", json=body_for(i),
            headers={"Idempotency-Key": key_for(i), "X-Kiosk-Id": "kiosk-c"}, timeout=30)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def counts(db_url: str) -> tuple[int, int]:
    e = create_engine(db_url)
    with e.connect() as c:
        apps = c.scalar(select(func.count()).select_from(ApplicationRow))
        lics = c.scalar(select(func.count()).select_from(LicenceRow))
    e.dispose()
    return apps, lics  # type: ignore[return-value]


def test_one_key_many_threads_one_application(svc) -> None:  # type: ignore[no-untyped-def]
    s, db = svc
    body = samples.application()
    rs = hammer(s.url, 16, lambda _i: body, lambda _i: "same-key-for-everyone")
    assert [r.status_code for r in rs] == [201] * 16
    assert len({r.content for r in rs}) == 1  # replays are byte-identical
    assert sum(r.headers.get("Idempotent-Replayed") != "true" for r in rs) == 1
    assert counts(db) == (1, 1)


def test_same_name_many_keys_one_licence(svc) -> None:  # type: ignore[no-untyped-def]
    """Different applications racing for the same 字号: exactly one wins."""
    s, db = svc
    rs = hammer(s.url, 12, lambda i: samples.application(operator_name="张伟"),
                lambda i: f"race-key-{i:04d}")
    outcomes = sorted(r.json()["outcome"] for r in rs)
    assert outcomes.count("approved") == 1, outcomes
    assert outcomes.count("rejected") == 11
    assert all(r.json()["reasons"] == ["name_taken"] for r in rs
               if r.json()["outcome"] == "rejected")
    assert counts(db) == (12, 1)


def test_many_kiosks_unique_codes(svc) -> None:  # type: ignore[no-untyped-def]
    s, db = svc
    rs = hammer(s.url, 24, lambda i: samples.application(trade_name=samples.trade_name(i)),
                lambda i: f"kiosk-key-{i:04d}")
    codes = [r.json()["licence"]["uscc"] for r in rs]
    assert len(set(codes)) == 24
    assert counts(db) == (24, 24)


def test_submissions_use_a_bounded_number_of_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve kiosks at once are decided by at most ``submit_threads`` threads (the rest wait in
    the event loop), and every one of them still gets its licence."""
    from registry_service.registry import Registry

    inside, peak, lock = 0, 0, threading.Condition()
    original = Registry.submit

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal inside, peak
        with lock:
            inside += 1
            peak = max(peak, inside)
            lock.notify_all()
            # the first submissions stay inside until all three threads are busy: a fourth
            # thread, if there were one, would join them now
            lock.wait_for(lambda: peak >= 3, timeout=30)
        try:
            return original(self, *args, **kwargs)
        finally:
            with lock:
                inside -= 1

    url = f"sqlite:///{tmp_path / 'reg.db'}"
    settings = ServiceSettings(database_url=url, key_dir=tmp_path / "keys", submit_threads=3,
                               rate_limits=UNLIMITED)
    monkeypatch.setattr(Registry, "submit", counted)
    s = embedded.start(url, tmp_path / "keys", settings=settings)
    try:
        rs = hammer(s.url, 12, lambda i: samples.application(trade_name=samples.trade_name(i)),
                    lambda i: f"bounded-{i:04d}")
    finally:
        s.stop()
    assert [r.json()["outcome"] for r in rs] == ["approved"] * 12
    assert peak == 3
