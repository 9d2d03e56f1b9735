"""Import python-escpos 3.1 without its import-time side effects.

On import, ``escpos.capabilities`` calls ``logging.basicConfig()`` (a root-logger handler the kiosk
did not ask for, which would print records without our redaction) and
``environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR", mkdtemp())`` - the default argument is evaluated
even when the variable is set, so every import leaves an empty temp dir behind (measured: setting
the variable alone is not enough). We point ``tempfile`` at our cache dir for the import and remove
the empty directory afterwards.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from types import ModuleType


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "licence-kiosk" / "escpos"


def load_escpos(cache_dir: Path | None = None) -> ModuleType:
    """``escpos.printer``, imported once with a fixed pickle dir and no root-logger handler."""
    import sys

    if "escpos.printer" in sys.modules:
        return sys.modules["escpos.printer"]
    d = cache_dir or default_cache_dir()
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(d))
    scratch = d / "import-scratch"
    scratch.mkdir(exist_ok=True)
    saved_tempdir = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    root = logging.getLogger()
    guard = None
    if not root.handlers:  # basicConfig() is a no-op when the root logger has a handler
        guard = logging.NullHandler()
        root.addHandler(guard)
    try:
        import escpos.printer as printer_module
    finally:
        tempfile.tempdir = saved_tempdir
        if guard is not None:
            root.removeHandler(guard)
        for leftover in scratch.iterdir():
            if leftover.is_dir() and not any(leftover.iterdir()):
                leftover.rmdir()
    return printer_module
