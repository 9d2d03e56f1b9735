"""The autopilot's hold on the simulated world (a clock that can stand still) and its private
screenshot folder. No window needed."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kiosk.ui.autopilot_world import PausableClock, private_folder


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_paused_time_never_counts() -> None:
    base = Ticks()
    clock = PausableClock(base)
    assert clock() == 100.0
    clock.pause(True)
    base.now += 30
    assert clock() == 100.0 and clock.paused
    clock.pause(False)
    base.now += 2
    assert clock() == 102.0


def test_a_pause_can_start_from_an_earlier_reading() -> None:
    base = Ticks()
    clock = PausableClock(base)
    entered = clock()  # a screen was entered here
    base.now += 0.7  # ... and rebuilt before anyone could stop the clock
    clock.pause(True, since=entered)
    base.now += 10
    assert clock() == entered
    clock.pause(False)
    assert clock() == entered
    clock.pause(True, since=entered + 50)  # never ahead of now
    assert clock() == entered


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_screenshot_folder_is_0700(tmp_path: Path) -> None:
    folder = private_folder(tmp_path / "a" / "shots")
    assert folder.is_dir() and mode(folder) == 0o700


def test_an_open_folder_of_old_screenshots_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "shots"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    (folder / "01-attract-zh_CN.png").write_bytes(b"png")
    private_folder(folder)
    assert mode(folder) == 0o700


def test_an_open_folder_with_other_files_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir()
    folder.chmod(0o755)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="open to other users"):
        private_folder(folder)
    assert mode(folder) == 0o755


def test_the_simulated_resident_card_is_placed_by_the_autopilot_not_by_its_script() -> None:
    import time
    from types import SimpleNamespace

    from drivers.residentid import factory
    from kiosk.services.readers import Member, ReaderGroup
    from kiosk.ui.autopilot_world import SimulatedWorld

    placing = factory.create_simulated(factory.SimulatedResidentReaderOptions(insert_after_s=0.0))
    idle = factory.create_simulated(factory.SimulatedResidentReaderOptions(insert_after_s=-1))
    try:
        group = ReaderGroup([Member(placing, document="resident_card"), Member(idle, document="resident_card")])
        runner = SimpleNamespace(flow=SimpleNamespace(clock=time.monotonic),
                                 devices=SimpleNamespace(readers=group, camera=None))
        world = SimulatedWorld(runner)  # type: ignore[arg-type]
        assert world.take_card() and world.held == [placing], "only the reader whose script places a card"
        for _ in range(8):  # the card screen polls: the script would place the card now
            placing.wait_for_card(0.05)
        assert placing.simulator.card is None
        world.place_card()
        assert placing.simulator.card is placing.card and idle.simulator.card is None
    finally:
        placing.close()
        idle.close()
