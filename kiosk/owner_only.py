"""Everything the kiosk writes under its var dir belongs to its own user alone (dirs 0700, files 0600).

The journals, the registration database, the logs and the keys describe applicants and
technicians: no other local account may read them. A process umask set before anything is
written covers every file any library creates (SQLite and its WAL, Kivy's config, python-escpos's
cache, the printer's previews ...), which per-call modes could not. ``tighten`` also closes up a
var dir that an older version, or a technician by hand, left readable.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

UMASK = 0o077  # new directories 0700, new files 0600


def restrict_new_files() -> None:
    os.umask(UMASK)


def tighten(directory: Path, only_if_holds: str | None = None) -> None:
    """Clear group and other bits on ``directory`` and everything under it that this user owns
    (symbolic links are neither followed nor changed). With ``only_if_holds`` (the instance lock's
    name), only a var dir a kiosk has used before is walked: a new one gets its modes from the
    umask, and a directory the kiosk does not own is never changed wholesale."""
    if only_if_holds is not None and not (Path(directory) / only_if_holds).exists():
        return
    _close(Path(directory))
    for top, dirs, files in os.walk(directory):
        for name in (*dirs, *files):
            _close(Path(top) / name)


def _close(path: Path) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:  # removed while we walked (a print preview pruned)
        return
    if st.st_uid == os.geteuid() and not stat.S_ISLNK(st.st_mode) and st.st_mode & 0o077:
        os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077)
