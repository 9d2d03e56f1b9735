"""Rating counts for technicians: read from the outbox without writing a byte, in `main.py diag`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.registry.models import Rating
from kiosk import cli
from kiosk.diag import ratings
from kiosk.diag.checks import CheckResult
from kiosk.instance_lock import InstanceLock
from kiosk.metrics import Metrics
from kiosk.rating_outbox import OUTBOX_FILE, RatingOutbox
from tests.conftest import write_config


def fill(box: RatingOutbox) -> None:
    for i, level in enumerate(("very_satisfied", "very_satisfied", "dissatisfied")):
        reasons = ("too_slow",) if level == "dissatisfied" else ()
        box.add(Rating("kiosk_transaction", f"{i:032x}", "issued", level, reasons, "2026-11-30T08:00:00Z"))
    box.count_unrated("skipped")


def files(var: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in var.iterdir() if p.name.startswith(OUTBOX_FILE)}


def test_no_outbox_yet_is_zeros_and_creates_nothing(tmp_path: Path) -> None:
    found = ratings.summary(tmp_path)
    assert (found["levels"], found["queued"], found["oldest_queued_s"]) == ({}, 0, None)
    assert files(tmp_path) == {}


def test_a_closed_outbox_is_read_without_a_file_written(tmp_path: Path) -> None:
    box = RatingOutbox(tmp_path / OUTBOX_FILE)
    fill(box)
    box.close()
    before = files(tmp_path)
    assert set(before) == {OUTBOX_FILE}, "a cleanly closed database has no -wal and -shm"
    found = ratings.summary(tmp_path)
    assert found["levels"] == {"very_satisfied": 2, "dissatisfied": 1} and found["no_rating"] == {"skipped": 1}
    assert found["queued"] == 3 and found["oldest_queued_s"] is not None
    assert files(tmp_path) == before, "diagnostics (root over SSH) must not leave files the kiosk cannot open"


def test_an_open_outbox_is_read_as_it_stands(tmp_path: Path) -> None:
    box = RatingOutbox(tmp_path / OUTBOX_FILE)
    try:
        fill(box)
        assert ratings.summary(tmp_path)["levels"] == {"very_satisfied": 2, "dissatisfied": 1}
    finally:
        box.close()


def test_a_damaged_file_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / OUTBOX_FILE).write_bytes(b"not a database" * 100)
    assert ratings.summary(tmp_path)["error"] == "ratings_unreadable:DatabaseError"


@pytest.fixture
def running_kiosk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A kiosk running in this process: the lock, its metrics endpoint and its open outbox."""
    from kiosk.services import devices

    def forbidden(*_a: object, **_k: object) -> None:
        raise AssertionError("diagnostics opened the devices of a running kiosk")

    monkeypatch.setattr(devices, "build", forbidden)
    metrics = Metrics()
    port = metrics.serve("127.0.0.1", 0)
    metrics.record_checks([CheckResult(d, "ok") for d in ("reader", "camera", "printer", "api")])
    lock = InstanceLock(tmp_path)
    lock.acquire()
    lock.update(metrics=f"http://127.0.0.1:{port}")
    box = RatingOutbox(tmp_path / OUTBOX_FILE)
    fill(box)
    try:
        yield write_config(tmp_path)
    finally:
        box.close()
        lock.release()
        metrics.close()


def test_main_py_diag_json_includes_the_rating_counts(running_kiosk: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--config", str(running_kiosk), "diag", "--json"]) == 0, "a rating backlog is no fault"
    report = json.loads(capsys.readouterr().out)
    assert report["ratings"]["levels"] == {"very_satisfied": 2, "dissatisfied": 1}
    assert report["ratings"]["no_rating"] == {"skipped": 1} and report["ratings"]["queued"] == 3
    assert cli.main(["--config", str(running_kiosk), "diag"]) == 0
    assert '"queued": 3' in capsys.readouterr().out.splitlines()[-1]


def test_the_report_includes_them(running_kiosk: Path) -> None:
    from kiosk import settings as settings_mod
    from kiosk.diag.report import build_report

    report = build_report(settings_mod.load(running_kiosk))
    assert report["ratings"]["levels"]["very_satisfied"] == 2
    assert "case_id" not in json.dumps(report), "counts only, no case numbers"
