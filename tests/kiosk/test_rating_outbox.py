"""The ratings outbox: on disk before it is sent, sent later with backoff, never lost, never
stored twice at the authority, owner-only."""

from __future__ import annotations

import os
import queue
import signal
import stat
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from drivers.errors import ServiceProtocolError, ServiceRateLimited, ServiceRequestRejected, ServiceUnreachable
from drivers.registry.http_client import HttpRegistrationClient
from drivers.registry.models import Rating, RatingReceipt
from kiosk.rating_outbox import RatingOutbox
from registry_service import embedded
from registry_service.app import ServiceSettings
from registry_service.orm import RatingRow
from tests.conftest import ROOT
from tests.drivers.registry.fault_server import FaultServer
from tests.registry_service.svc_helpers import UNLIMITED


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class FakeClient:
    """Answers from a script: an exception to raise, or None for a receipt."""

    def __init__(self, *script: Exception | None) -> None:
        self.script = list(script)
        self.calls: list[tuple[Rating, str]] = []

    def rate(self, rating: Rating, key: str) -> RatingReceipt:
        self.calls.append((rating, key))
        action = self.script.pop(0) if self.script else None
        if action is not None:
            raise action
        return RatingReceipt(f"r{len(self.calls)}", "2026-12-07" if rating.reasons else "")


def rating(case_id: str | None = None, level: str = "satisfied") -> Rating:
    reasons = ("too_slow",) if level in ("dissatisfied", "very_dissatisfied") else ()
    return Rating("kiosk_transaction", case_id or uuid.uuid4().hex, "abandoned", level, reasons,
                  "2026-11-30T08:00:00Z")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outbox(tmp_path: Path, clock: Clock) -> Iterator[RatingOutbox]:
    box = RatingOutbox(tmp_path / "ratings.db", clock=clock, backoff_s=30, backoff_max_s=600, jitter=lambda: 1.0)
    yield box
    box.close()


def test_a_rating_is_on_disk_then_sent_once(outbox: RatingOutbox) -> None:
    r = rating(level="dissatisfied")
    key = outbox.add(r)
    assert outbox.depth() == 1
    client = FakeClient()
    report = outbox.flush(client)  # type: ignore[arg-type]
    assert report.sent == 1 and client.calls == [(r, key)] and outbox.depth() == 0
    assert outbox.flush(client).sent == 0 and len(client.calls) == 1, "a sent rating is not sent again"  # type: ignore[arg-type]
    summary = outbox.summary()
    assert summary["levels"] == {"dissatisfied": 1} and summary["sent"] == 1 and summary["queued"] == 0


def test_a_case_is_queued_once_under_its_first_key(outbox: RatingOutbox) -> None:
    case = uuid.uuid4().hex
    first = outbox.add(rating(case, "satisfied"))
    assert outbox.add(rating(case, "very_dissatisfied")) == first
    assert outbox.depth() == 1 and outbox.summary()["levels"] == {"satisfied": 1}


def test_service_down_keeps_it_queued_with_backoff_then_sends_the_same_key(outbox: RatingOutbox,
                                                                            clock: Clock) -> None:
    key = outbox.add(rating())
    down = FakeClient(ServiceUnreachable("down"), ServiceUnreachable("down"))
    assert outbox.flush(down).failed == 1 and outbox.depth() == 1  # type: ignore[arg-type]
    assert outbox.flush(down).sent == 0 and len(down.calls) == 1, "not due yet: not tried"  # type: ignore[arg-type]
    clock.now += 30
    outbox.flush(down)  # type: ignore[arg-type]
    assert len(down.calls) == 2
    clock.now += 59
    outbox.flush(down)  # type: ignore[arg-type]
    assert len(down.calls) == 2, "the second wait is twice the first"
    clock.now += 1
    assert outbox.flush(down).sent == 1 and outbox.depth() == 0  # type: ignore[arg-type]
    assert {k for _r, k in down.calls} == {key}, "every attempt under the same key"
    assert outbox.summary()["most_attempts"] == 0


def test_the_backoff_is_capped(outbox: RatingOutbox, clock: Clock) -> None:
    outbox.add(rating())
    client = FakeClient(*[ServiceUnreachable("down")] * 10)
    for _ in range(10):
        clock.now += 600
        outbox.flush(client)  # type: ignore[arg-type]
    assert len(client.calls) == 10, "at most backoff_max_s between attempts"


def test_a_failure_stops_the_flush_and_later_rows_wait(outbox: RatingOutbox) -> None:
    outbox.add(rating())
    outbox.add(rating())
    client = FakeClient(ServiceProtocolError("garbage"))
    assert outbox.flush(client).failed == 1 and len(client.calls) == 1  # type: ignore[arg-type]
    assert outbox.depth() == 2


def test_rate_limited_waits_its_retry_after(outbox: RatingOutbox, clock: Clock) -> None:
    outbox.add(rating())
    client = FakeClient(ServiceRateLimited("429", retry_after_s=120))
    outbox.flush(client)  # type: ignore[arg-type]
    clock.now += 119
    outbox.flush(client)  # type: ignore[arg-type]
    assert len(client.calls) == 1
    clock.now += 1
    assert outbox.flush(client).sent == 1  # type: ignore[arg-type]


def test_a_rating_the_service_refuses_is_set_aside_and_the_rest_go_on(outbox: RatingOutbox) -> None:
    outbox.add(rating())
    outbox.add(rating())
    client = FakeClient(ServiceRequestRejected("409", reason="case_already_rated"))
    report = outbox.flush(client)  # type: ignore[arg-type]
    assert (report.rejected, report.sent) == (1, 1) and outbox.depth() == 0
    assert outbox.summary()["rejected"] == 1
    assert outbox.flush(client).sent == 0 and len(client.calls) == 2, "never retried"  # type: ignore[arg-type]


def test_a_client_bug_keeps_the_row(outbox: RatingOutbox) -> None:
    outbox.add(rating())
    assert outbox.flush(FakeClient(KeyError("x"))).failed == 1 and outbox.depth() == 1  # type: ignore[arg-type]


def test_one_sender_at_a_time(outbox: RatingOutbox) -> None:
    outbox.add(rating())
    inside, release = threading.Event(), threading.Event()

    class Slow(FakeClient):
        def rate(self, r: Rating, key: str) -> RatingReceipt:
            inside.set()
            release.wait(10)
            return super().rate(r, key)

    client = Slow()
    worker = threading.Thread(target=outbox.flush, args=(client,))
    worker.start()
    assert inside.wait(10)
    assert outbox.flush(client).busy  # type: ignore[arg-type]
    release.set()
    worker.join(10)
    assert len(client.calls) == 1 and outbox.depth() == 0


def test_old_sent_ratings_and_tallies_age_out_but_a_queued_one_never(outbox: RatingOutbox, clock: Clock) -> None:
    outbox.add(rating())
    outbox.flush(FakeClient())  # type: ignore[arg-type]
    outbox.add(rating())
    outbox.count_unrated("skipped")
    clock.now += 91 * 86400
    outbox.flush(FakeClient(ServiceUnreachable("down")))  # type: ignore[arg-type]
    summary = outbox.summary()
    assert (summary["sent"], summary["queued"]) == (0, 1)
    assert summary["levels"] == {} and summary["no_rating"] == {}
    assert summary["oldest_queued_s"] == 91 * 86400


def test_cases_without_a_rating_are_tallied_by_why(outbox: RatingOutbox, clock: Clock) -> None:
    for why in ("skipped", "timeout", "skipped"):
        outbox.count_unrated(why)
    outbox.add(rating(level="very_satisfied"))
    clock.now += 31 * 86400
    outbox.count_unrated("absent")
    assert outbox.summary()["no_rating"] == {"absent": 1}
    assert outbox.summary(days=60)["no_rating"] == {"absent": 1, "skipped": 2, "timeout": 1}
    assert outbox.summary(days=60)["levels"] == {"very_satisfied": 1}


def test_the_file_is_the_kiosk_users_alone(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "ratings.db"
        box = RatingOutbox(path)
        box.add(rating())
        made = [p for p in tmp_path.iterdir() if p.name.startswith("ratings.db")]
        assert {p.name for p in made} >= {"ratings.db", "ratings.db-wal", "ratings.db-shm"}
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in made), {p.name: oct(p.stat().st_mode) for p in made}
        box.close()
        os.chmod(path, 0o644)  # left readable by an older version or by hand
        RatingOutbox(path).close()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


# --- a real process, killed -----------------------------------------------------------------
def child(*args: str) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.kiosk.outbox_child", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True, env=dict(os.environ), start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.strip())

    threading.Thread(target=read, daemon=True).start()
    return proc, lines


def kill(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    assert proc.wait(10) == -signal.SIGKILL


def expect(lines: queue.Queue[str], prefix: str) -> str:
    line = lines.get(timeout=60)  # the child's interpreter start on a busy machine
    assert line.startswith(prefix), line
    return line


def test_a_queued_rating_survives_sigkill(tmp_path: Path) -> None:
    db, case = tmp_path / "ratings.db", uuid.uuid4().hex
    proc, lines = child(str(db), case)
    key = expect(lines, "queued").split()[1]
    kill(proc)
    box = RatingOutbox(db)
    client = FakeClient()
    assert box.depth() == 1 and box.flush(client).sent == 1  # type: ignore[arg-type]
    assert [(r.case_id, k) for r, k in client.calls] == [(case, key)]
    box.close()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[embedded.EmbeddedService]:
    settings = ServiceSettings(f"sqlite:///{tmp_path / 'reg.db'}", tmp_path / "keys", rate_limits=UNLIMITED)
    svc = embedded.start("", tmp_path / "keys", settings=settings)
    yield svc
    svc.stop()


def stored(tmp_path: Path, case: str) -> int:
    engine = create_engine(f"sqlite:///{tmp_path / 'reg.db'}")
    with engine.connect() as c:
        n = c.scalar(select(func.count()).select_from(RatingRow).where(RatingRow.case_id == case))
    engine.dispose()
    return int(n or 0)


def test_killed_after_the_service_answered_it_is_sent_again_and_stored_once(
        tmp_path: Path, service: embedded.EmbeddedService) -> None:
    """The service stored the rating, the kiosk died before it knew: the restarted kiosk sends
    it again under the same key and the service answers with its first answer."""
    db, case = tmp_path / "ratings.db", uuid.uuid4().hex
    proc, lines = child(str(db), case, "--url", service.url, "--public-key", str(service.public_key_path))
    expect(lines, "queued")
    expect(lines, "answered")
    kill(proc)
    assert stored(tmp_path, case) == 1
    box = RatingOutbox(db)
    assert box.depth() == 1, "the kiosk never learned that it was sent"
    faults = FaultServer(upstream=service.url)
    try:
        client = HttpRegistrationClient(faults.url, "kiosk-outbox-01", service.public_key_path)
        assert box.flush(client).sent == 1 and box.depth() == 0
        assert len([r for r in faults.requests if r["method"] == "POST"]) == 1
    finally:
        faults.close()
    assert stored(tmp_path, case) == 1, "stored once"
    assert box.summary()["sent"] == 1
    box.close()


def test_the_service_down_then_up_gets_it_once(tmp_path: Path, service: embedded.EmbeddedService,
                                               clock: Clock) -> None:
    box = RatingOutbox(tmp_path / "ratings.db", clock=clock, jitter=lambda: 1.0)
    case = uuid.uuid4().hex
    box.add(rating(case, "very_dissatisfied"))
    faults = FaultServer(upstream=service.url, hang_s=1.0)
    try:
        client = HttpRegistrationClient(faults.url, "kiosk-outbox-02", service.public_key_path,
                                        read_timeout=0.5, connect_timeout=0.5)
        faults.script = ["status:503", "proxy_then_hang", "proxy"]
        assert box.flush(client).failed == 1 and stored(tmp_path, case) == 0
        clock.now += 30
        assert box.flush(client).failed == 1 and stored(tmp_path, case) == 1, "stored, the answer lost"
        clock.now += 60
        assert box.flush(client).sent == 1 and box.depth() == 0
        keys = {r["headers"]["Idempotency-Key"] for r in faults.requests if r["method"] == "POST"}
    finally:
        faults.close()
    assert len(keys) == 1 and stored(tmp_path, case) == 1
    box.close()
