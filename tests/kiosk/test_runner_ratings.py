"""Ratings through the real runner: queued on disk, sent after the applicant and on the idle
probe, counted in the metrics by level and by why none was given."""

from __future__ import annotations

import threading
from pathlib import Path

from prometheus_client import generate_latest

from drivers.errors import ServiceUnreachable
from drivers.registry.models import Rating, RatingReceipt
from kiosk.flow.states import State
from kiosk.rating_outbox import OUTBOX_FILE, RatingOutbox
from kiosk.runner import Runner
from tests.kiosk import runner_fakes as fakes


class RatingRegistry(fakes.FakeRegistry):
    def __init__(self) -> None:
        self.down = False
        self.sent: list[tuple[Rating, str]] = []
        self._lock = threading.Lock()

    def rate(self, rating: Rating, key: str) -> RatingReceipt:
        with self._lock:
            if self.down:
                raise ServiceUnreachable("down")
            self.sent.append((rating, key))
            return RatingReceipt(f"r{len(self.sent)}", "2026-12-07" if rating.reasons else "")


def exposed(r: Runner) -> str:
    return generate_latest(r.metrics.registry).decode()


def to_rating(r: Runner) -> None:
    """A real step (the card read), then the applicant stops at the face check."""
    fakes.to_card_read(r)
    fakes.pump_until(r, lambda: r.flow.state is State.FACE_CHECK, what="face check")
    r.touch("cancel")
    fakes.pump_until(r, lambda: r.flow.state is State.RATING, what="rating screen")


def test_a_bad_rating_is_queued_sent_after_the_applicant_and_counted(tmp_path: Path) -> None:
    devs = fakes.devices()
    devs.registry = registry = RatingRegistry()
    r = fakes.runner(tmp_path, devs)
    try:
        to_rating(r)
        r.touch("rate", "very_dissatisfied")
        r.touch("rate_reason", "repeated_steps")
        r.touch("rate_send")
        fakes.pump_until(r, lambda: len(registry.sent) == 1, what="rating sent")
        [(sent, key)] = registry.sent
        assert (sent.case_kind, sent.ending, sent.level, sent.reasons) == (
            "kiosk_transaction", "abandoned", "very_dissatisfied", ("repeated_steps",))
        [(txn,)] = r.journal._db.execute("SELECT txn_id FROM txn").fetchall()
        assert sent.case_id == txn, "the case number is the journal's transaction"
        assert len(sent.rated_at) == 20 and sent.rated_at.endswith("Z")
        fakes.pump_until(r, lambda: 'kiosk_rating_outbox_depth 0.0' in exposed(r), what="depth 0")
        text = exposed(r)
        assert 'kiosk_ratings_total{level="very_dissatisfied"} 1.0' in text
        assert 'kiosk_ratings_total{level="satisfied"} 0.0' in text, "every level is a series from the start"
        assert r.ratings.summary()["levels"] == {"very_dissatisfied": 1}
    finally:
        r.shutdown()


def test_skip_is_counted_as_no_rating(tmp_path: Path) -> None:
    devs = fakes.devices()
    devs.registry = RatingRegistry()
    r = fakes.runner(tmp_path, devs)
    try:
        to_rating(r)
        r.touch("skip")
        fakes.pump_until(r, lambda: r.flow.state is State.ATTRACT, what="attract")
        assert 'kiosk_ratings_not_given_total{why="skipped"} 1.0' in exposed(r)
        assert r.ratings.summary()["no_rating"] == {"skipped": 1}
    finally:
        r.shutdown()


def test_service_down_queues_it_and_the_idle_probe_sends_it_later(tmp_path: Path) -> None:
    devs = fakes.devices()
    devs.registry = registry = RatingRegistry()
    registry.down = True
    r = fakes.runner(tmp_path, devs, attract_probe=0.05)
    r.ratings.backoff_s = r.ratings.backoff_max_s = 0.0  # the next probe may retry at once
    try:
        to_rating(r)
        r.touch("rate", "satisfied")
        fakes.pump_until(r, lambda: r.ratings.summary()["most_attempts"] >= 1, what="a failed send")
        assert r.ratings.depth() == 1 and registry.sent == []
        fakes.pump_until(r, lambda: 'kiosk_rating_outbox_depth 1.0' in exposed(r), what="depth 1")
        registry.down = False
        fakes.pump_until(r, lambda: len(registry.sent) == 1 and r.ratings.depth() == 0, what="sent by the probe")
        assert [s.level for s, _k in registry.sent] == ["satisfied"]
    finally:
        r.shutdown()


def test_a_rating_queued_before_a_restart_shows_in_the_metrics_and_goes_out(tmp_path: Path) -> None:
    earlier = RatingOutbox(tmp_path / OUTBOX_FILE)
    key = earlier.add(Rating("kiosk_transaction", "ab" * 16, "staff", "satisfied", (), "2026-11-30T08:00:00Z"))
    earlier.close()
    devs = fakes.devices()
    devs.registry = registry = RatingRegistry()
    r = fakes.runner(tmp_path, devs, attract_probe=0.05)
    try:
        assert "kiosk_rating_outbox_depth 1.0" in exposed(r)
        r.start()
        fakes.pump_until(r, lambda: len(registry.sent) == 1, what="sent after the restart")
        assert registry.sent[0][1] == key
    finally:
        r.shutdown()


def test_a_registry_without_ratings_keeps_them_queued(tmp_path: Path) -> None:
    """A registration client that cannot rate (a fake, an older driver): nothing is lost."""
    r = fakes.runner(tmp_path, fakes.devices(), attract_probe=0.05)
    try:
        to_rating(r)
        r.touch("rate", "satisfied")
        fakes.pump_until(r, lambda: r.flow.state is State.ATTRACT, what="attract")
        fakes.pump_until(r, lambda: r.ratings.summary()["most_attempts"] >= 1, what="a failed send")
        assert r.ratings.depth() == 1
    finally:
        r.shutdown()
