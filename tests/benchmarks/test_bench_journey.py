"""bench_journey's counting on made-up sequences: which touches are keys, where each interval
between two pumps goes, the medians, the reading estimate; and the config edits it relies on."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from benchmarks.bench_journey import (
    FRAME,
    Ledger,
    autopilot_kind,
    config_for,
    han_count,
    reading_seconds,
    summarise,
    touch_counts,
)

TOUCHES = [
    ("attract", "elderly", None), ("attract", "start", None),
    ("consent", "consent_toggle", "id"), ("consent", "accept", None),
    ("card_access", "key", "1"), ("card_access", "key", "2"), ("card_access", "submit_key", "12"),
    ("form", "scope_letter", "r"), ("form", "te_key", "l"), ("form", "te_candidate", "老"),
    ("form", "stroke", "王"), ("form", "stroke", "王"), ("form", "te_done", None), ("form", "form_done", None),
]


def test_keys_are_the_touches_that_write_text() -> None:
    assert touch_counts(TOUCHES) == {"touches": 14, "keys": 7, "nav": 7}
    assert touch_counts([]) == {"touches": 0, "keys": 0, "nav": 0}


def test_what_the_autopilot_is_doing() -> None:
    assert autopilot_kind(1.0, 1.2, last_wait_scripted=True, queued=True) == "think"
    assert autopilot_kind(1.0, 1.2, last_wait_scripted=False, queued=True) == "machine"  # retrying a tap
    assert autopilot_kind(1.3, 1.2, last_wait_scripted=True, queued=True) == "pace"
    assert autopilot_kind(1.3, 1.2, last_wait_scripted=True, queued=False) == "machine"


def test_each_interval_goes_to_the_state_and_kind_at_its_start() -> None:
    led = Ledger()
    led.observe(0.0, "attract", None)  # not counted yet
    led.observe(1.0, "consent", "think", until=1.2)
    led.observe(1.25, "consent", "pace")  # 0.2 think, then 0.05: one frame of pace and 0.0167 late
    led.observe(1.28, "consent", "pace")  # a paced action, next pump on time: all pace
    led.observe(1.78, "card_wait", "machine")  # a paced action held up 0.5 s by the UI thread
    led.observe(2.78, "rating", "pace")  # a second waiting for the card reader
    led.observe(2.80, "rating", None)  # the end: nothing after this counts
    led.observe(9.00, "rating", "machine")
    s = led.as_dict()
    assert s["consent"]["think"] == pytest.approx(0.2)
    assert s["consent"]["pace"] == pytest.approx(FRAME + 0.03 + FRAME)
    assert s["consent"]["machine"] == pytest.approx(0.05 - FRAME + 0.5 - FRAME)
    assert s["card_wait"] == {"think": 0.0, "pace": 0.0, "machine": pytest.approx(1.0)}
    assert s["rating"]["pace"] == pytest.approx(0.02)
    assert sum(led.totals().values()) == pytest.approx(2.80 - 1.0)


def run(touches: int, keys: int, form_machine: float, face_machine: float) -> dict[str, Any]:
    return {"touches": touches, "keys": keys, "nav": touches - keys, "scrolls": 1, "chars": 255, "wall": 10.0,
            "seconds": {"form": {"think": 1.0, "pace": 0.5, "machine": form_machine},
                        "face_check": {"think": 0.2, "pace": 0.0, "machine": face_machine}},
            "taps_by_state": {"form": touches}}


def test_medians_and_the_device_ui_split() -> None:
    s = summarise([run(40, 20, 3.0, 4.0), run(42, 20, 5.0, 2.0), run(41, 21, 4.0, 3.0)])
    assert (s["runs"], s["touches"], s["keys"], s["nav"]) == (3, 41, 20, 20)  # medians each: not a sum
    assert s["machine"] == pytest.approx(7.0) and s["device"] == pytest.approx(3.0)
    assert s["ui"] == pytest.approx(4.0)
    assert s["think"] == pytest.approx(1.2) and s["read"] == pytest.approx(60.0)
    assert s["states"]["form"]["machine"] == pytest.approx(4.0) and "submit" not in s["states"]
    assert s["taps_by_state"]["form"] == 41 and s["taps_by_state"]["attract"] == 0


def test_reading_counts_han_characters_only() -> None:
    assert han_count(["请把身份证放在读卡区", "[b]Step 2/5[/b] 人脸核验", "ABC 123"]) == 14
    assert reading_seconds(510) == pytest.approx(120.0)
    assert reading_seconds(100, cpm=100) == pytest.approx(60.0)


@pytest.mark.parametrize(("document", "resident_after", "chip_after"),
                         [("resident_card", 2.0, -1), ("passport", -1, 0.0)])
def test_the_journey_config_puts_one_document_down(tmp_path: Path, document: str, resident_after: float,
                                                   chip_after: float) -> None:
    cfg = tomllib.loads(config_for(tmp_path, document).read_text(encoding="utf-8"))
    assert cfg["kiosk"]["var_dir"] == str(tmp_path)
    readers = {r["kind"]: r["insert_after_s"] for r in cfg["readers"]}
    assert readers == {"virtual_resident_id": resident_after, "virtual": chip_after}
