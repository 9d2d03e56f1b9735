"""Translation catalogues (gettext .po files in assets/locale) switched at run time.

English msgids in the code, one catalogue per language. The .po files are read directly with
Babel at start-up (a few ms), so there is no compile step to forget on a kiosk; a missing
translation falls back to the English text and is reported by the catalogue test.
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "assets" / "locale"
DOMAIN = "kiosk"


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages that have a catalogue: the only ones a kiosk can offer."""
    return tuple(sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, locale=language.replace("-", "_"))
    return {m.id: m.string for m in cat if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


class Translator:
    """The current language; screens call ``tr(msgid)`` at render time."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, msgid: str, **fmt: object) -> str:
        text = catalogue(self.language).get(msgid, msgid)
        return text.format(**fmt) if fmt else text


def N_(msgid: str) -> str:
    return msgid
