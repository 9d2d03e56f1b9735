"""Structured JSON logs, UTF-8 (Chinese stays readable), with personal data kept out by design.

Nothing personal is ever passed to a logger (records carry codes, not names); as a second line of
defence, anything that looks like an 18-digit resident ID number is masked before it is written.

A kiosk runs for months: the file rotates by size with a fixed number of backups. The levels are
enforced by the handlers themselves, not only by the root logger, because libraries reset the root
logger's level when imported (Kivy sets it to NOTSET) and would otherwise fill the log with their
DEBUG and TRACE lines. The kiosk's own packages log at ``level``; every library at
``library_level`` (WARNING by default: its INFO lines describe its internals, not the kiosk).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import sys
import time
from pathlib import Path

ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx](?![0-9])")
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
OWN_PACKAGES = frozenset({"kiosk", "drivers", "registry_service", "__main__"})
MIB = 1024 * 1024


def redact(text: str) -> str:
    return ID_NUMBER.sub("[id-number]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


class LevelFloor(logging.Filter):
    """Passes the kiosk's own records from ``own`` up and every library's from ``libraries`` up."""

    def __init__(self, own: int, libraries: int) -> None:
        super().__init__()
        self.own, self.libraries = own, libraries

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name.partition(".")[0] in OWN_PACKAGES
        return record.levelno >= (self.own if own else self.libraries)


def tail_lines(path: Path, n: int, window: int = 64 * 1024) -> list[str]:
    """The last ``n`` lines of a log, reading at most its last ``window`` bytes (the diagnostics
    screen shows them on every render; the file may hold megabytes)."""
    try:
        with path.open("rb") as f:
            size = f.seek(0, 2)
            f.seek(max(0, size - window))
            data = f.read()
    except FileNotFoundError:
        return []
    lines = data.decode("utf-8", errors="replace").splitlines()
    if size > window:
        lines = lines[1:]  # the first one is cut
    return lines[-n:]


def configure(level: str = "INFO", log_file: Path | None = None, library_level: str = "WARNING",
              max_bytes: int = 10 * MIB, backups: int = 5) -> None:
    own, libraries = logging.getLevelName(level), logging.getLevelName(library_level)
    root = logging.getLogger()
    root.setLevel(min(own, libraries))
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(log_file, maxBytes=max_bytes, backupCount=backups,
                                                             encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(JsonFormatter())
        handler.addFilter(LevelFloor(own, libraries))
        root.addHandler(handler)
    logging.captureWarnings(True)  # a library's warnings.warn() becomes a JSON line, not raw stderr text

