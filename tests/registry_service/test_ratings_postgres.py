"""Ratings on a real PostgreSQL server: the migration, and races decided by the unique indexes."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import create_engine, func, select

from registry_service import embedded
from registry_service.app import ServiceSettings
from registry_service.orm import FollowUpRow, RatingRow
from tests.registry_service.pg_sandbox import PgUnavailable, cluster
from tests.registry_service.svc_helpers import UNLIMITED

pytestmark = pytest.mark.postgres
THREADS = 8


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
def service(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    keys = tmp_path_factory.mktemp("pgkeys")
    svc = embedded.start(pg_url, keys, settings=ServiceSettings(pg_url, keys, rate_limits=UNLIMITED))
    yield svc.url
    svc.stop()


def _count(url: str, table: type, case_id: str) -> int:
    engine = create_engine(url)
    with engine.connect() as c:
        if table is RatingRow:
            n = c.scalar(select(func.count()).select_from(RatingRow).where(RatingRow.case_id == case_id))
        else:
            n = c.scalar(select(func.count()).select_from(FollowUpRow).join(
                RatingRow, FollowUpRow.rating_id == RatingRow.id).where(RatingRow.case_id == case_id))
    engine.dispose()
    return int(n or 0)


def _race(base: str, bodies_and_keys: list[tuple[dict, str]]) -> list[requests.Response]:
    barrier = threading.Barrier(len(bodies_and_keys))
    out: list[requests.Response | None] = [None] * len(bodies_and_keys)

    def send(i: int, body: dict, key: str) -> None:
        barrier.wait()
        out[i] = requests.post(f"{base}/v1/ratings", json=body, timeout=30,
                               headers={"Idempotency-Key": key, "X-Kiosk-Id": "pg-kiosk"})

    threads = [threading.Thread(target=send, args=(i, b, k)) for i, (b, k) in enumerate(bodies_and_keys)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r is not None for r in out)
    return out  # type: ignore[return-value]


def _bad(case_id: str) -> dict:
    return {"case_kind": "kiosk_transaction", "case_id": case_id, "ending": "staff",
            "level": "dissatisfied", "reasons": ["staff_help"], "rated_at": "2026-06-01T04:00:00Z"}


def test_one_key_sent_at_once_from_many_threads_is_stored_once(service: str, pg_url: str) -> None:
    case = uuid.uuid4().hex
    key = uuid.uuid4().hex
    answers = _race(service, [(_bad(case), key)] * THREADS)
    assert {r.status_code for r in answers} == {201}
    assert len({r.content for r in answers}) == 1, "every replay is the first answer"
    assert _count(pg_url, RatingRow, case) == 1 and _count(pg_url, FollowUpRow, case) == 1


def test_one_case_rated_at_once_under_many_keys_keeps_one_rating(service: str, pg_url: str) -> None:
    case = uuid.uuid4().hex
    answers = _race(service, [(_bad(case), uuid.uuid4().hex) for _ in range(THREADS)])
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] + [409] * (THREADS - 1), [r.text for r in answers]
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"case_already_rated"}
    assert _count(pg_url, RatingRow, case) == 1 and _count(pg_url, FollowUpRow, case) == 1


def test_the_same_key_committed_between_the_two_reads_is_a_replay(service: str, pg_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The race the threads above hit now and then, made certain: a request with the same key
    commits after this one looked the key up and before it looks the case up (PostgreSQL's READ
    COMMITTED shows each statement what was committed before it). That is the first answer to
    replay, not a case rated under another key."""
    from registry_service.ratings import RatingDesk

    case, key = uuid.uuid4().hex, uuid.uuid4().hex
    check_case = RatingDesk._check_case
    competitor: list[requests.Response] = []

    def winner_commits_first(c: object, kiosk_id: str, rating: object) -> None:
        if not competitor:
            competitor.append(requests.Response())  # only the first request waits for a competitor
            answer: list[requests.Response] = []
            t = threading.Thread(target=lambda: answer.extend(_race(service, [(_bad(case), key)])))
            t.start()
            t.join(30)
            competitor[0] = answer[0]
        check_case(c, kiosk_id, rating)  # type: ignore[arg-type]

    monkeypatch.setattr(RatingDesk, "_check_case", staticmethod(winner_commits_first))
    first = _race(service, [(_bad(case), key)])[0]
    assert competitor[0].status_code == 201 and competitor[0].headers.get("Idempotent-Replayed") is None
    assert first.status_code == 201, first.text
    assert first.headers.get("Idempotent-Replayed") == "true" and first.content == competitor[0].content
    assert _count(pg_url, RatingRow, case) == 1 and _count(pg_url, FollowUpRow, case) == 1
