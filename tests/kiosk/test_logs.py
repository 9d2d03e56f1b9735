"""kiosk.log stays bounded for months, and the configured levels hold whatever libraries do."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import logs


@pytest.fixture()
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)


def test_the_log_rotates_and_its_total_size_stays_bounded(tmp_path: Path, restore_root: None) -> None:
    log_file = tmp_path / "logs" / "kiosk.log"
    logs.configure("INFO", log_file, max_bytes=4096, backups=3)
    log = logging.getLogger("kiosk.test")
    record_size = 0
    for i in range(2000):  # ~100 times what fits
        log.info("probe finished", extra={"device": "printer", "n": i})
        if i == 0:
            record_size = log_file.stat().st_size
    files = sorted(tmp_path.joinpath("logs").iterdir())
    assert [f.name for f in files] == ["kiosk.log", "kiosk.log.1", "kiosk.log.2", "kiosk.log.3"]
    assert sum(f.stat().st_size for f in files) <= 4 * 4096 + record_size
    last = json.loads(log_file.read_text(encoding="utf-8").splitlines()[-1])
    assert last["n"] == 1999


def test_levels_hold_when_a_library_resets_the_root_logger(tmp_path: Path, restore_root: None) -> None:
    log_file = tmp_path / "kiosk.log"
    logs.configure("INFO", log_file)
    logging.getLogger().setLevel(logging.NOTSET)  # what Kivy's default log mode does on import
    logging.getLogger("urllib3.connectionpool").debug("GET /openapi.json 200 14336")
    logging.getLogger("fontTools.ttLib").log(5, "TRACE reading table")
    logging.getLogger("kivy").info("GL: OpenGL vendor")  # a library's INFO: its internals
    logging.getLogger("kiosk.runner").debug("own debug")
    logging.getLogger("kiosk.runner").info("own info")
    logging.getLogger("kivy").warning("library warning")
    logging.getLogger().info("Network printer enabled")  # python-escpos logs on the root logger
    lines = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    assert [(e["logger"], e["msg"]) for e in lines] == [("kiosk.runner", "own info"), ("kivy", "library warning")]


def test_debug_opens_the_kiosk_own_records_and_library_level_is_separate(tmp_path: Path,
                                                                          restore_root: None) -> None:
    log_file = tmp_path / "kiosk.log"
    logs.configure("DEBUG", log_file, library_level="INFO")
    logging.getLogger("drivers.printer").debug("own debug")
    logging.getLogger("some_library").debug("library debug")  # a name no other test configures
    logging.getLogger("some_library.part").info("library info")
    msgs = [json.loads(line)["msg"] for line in log_file.read_text(encoding="utf-8").splitlines()]
    assert msgs == ["own debug", "library info"]


def test_id_numbers_are_masked(tmp_path: Path, restore_root: None) -> None:
    log_file = tmp_path / "kiosk.log"
    logs.configure("INFO", log_file)
    logging.getLogger("kiosk.x").warning("odd value %s", "11010519491231002X")
    assert "11010519491231002X" not in log_file.read_text(encoding="utf-8")


def test_tail_lines_reads_only_the_end_of_a_large_log(tmp_path: Path) -> None:
    log_file = tmp_path / "kiosk.log"
    log_file.write_text("".join(f'{{"n": {i}, "msg": "日志"}}\n' for i in range(200_000)), encoding="utf-8")
    assert log_file.stat().st_size > 64 * 1024 * 10
    assert logs.tail_lines(log_file, 3, window=1024) == [f'{{"n": {i}, "msg": "日志"}}' for i in (199_997, 199_998,
                                                                                                 199_999)]
    assert len(logs.tail_lines(log_file, 1000, window=1024)) < 100  # only what the window holds, no cut line
    assert all(line.startswith('{"n"') for line in logs.tail_lines(log_file, 1000, window=1024))
    assert logs.tail_lines(tmp_path / "absent.log", 5) == []
