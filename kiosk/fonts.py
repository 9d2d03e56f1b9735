"""The CJK font every surface uses (screen, printout).

Kivy opens only the first face of a .ttc, and the first face of Noto Sans CJK is Japanese (直, 门 and
令 come out in Japanese forms). So the Simplified Chinese face is extracted once into its own file,
which Kivy and Pillow then share. Face index 2 of Debian's NotoSansCJK .ttc is "Noto Sans CJK SC" and
covers CJK Extension A and B, which rare name characters need (𠮷, 䶮).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SYSTEM_TTC = {
    "Regular": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "Bold": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}
SC_FACE_INDEX = 2
FAMILY = "Noto Sans CJK SC"


def font_dir() -> Path:
    return Path(os.environ.get("KIOSK_FONT_DIR", PROJECT_ROOT / "var" / "fonts"))


def cjk_font_path(weight: str = "Regular") -> Path:
    """Path of the single-face Simplified Chinese font, extracting it on first use."""
    target = font_dir() / f"NotoSansCJKsc-{weight}.otf"
    if target.exists():
        return target
    source = SYSTEM_TTC[weight]
    if not source.exists():
        raise FileNotFoundError(
            f"CJK font {source} is missing: install Debian's fonts-noto-cjk (scripts/bootstrap.sh)"
        )
    from fontTools.ttLib import TTCollection  # only needed once per machine

    collection = TTCollection(str(source), lazy=True)
    face = collection.fonts[SC_FACE_INDEX]
    family = face["name"].getDebugName(1) or ""
    if "SC" not in family:
        raise RuntimeError(f"face {SC_FACE_INDEX} of {source} is {family!r}, not Simplified Chinese")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    # keep head.modified as Noto shipped it: the same bytes on every machine, so golden images of
    # printouts can pin the font by hash
    face.recalcTimestamp = False
    face.save(str(tmp))
    tmp.replace(target)  # atomic: a crash mid-save never leaves a truncated font behind
    return target


@functools.cache
def _covered(weight: str = "Regular") -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(cjk_font_path(weight)), lazy=True) as font:
        return frozenset(font.getBestCmap())


def covers(text: str) -> bool:
    """Can the kiosk's font draw every character of ``text``? A name with a character it lacks
    would show as an empty box, which nobody can check against their card. Unknown (no font
    file) counts as no."""
    try:
        cmap = _covered()
    except (OSError, RuntimeError):
        return False
    return all(ord(ch) in cmap for ch in text if not ch.isspace())
