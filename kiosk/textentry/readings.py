"""Pinyin readings of candidates, for English-mode users who read pinyin but not characters.

pypinyin (MIT) picks the reading of a polyphonic character from the phrase it is in (银行 háng,
行走 xíng), which a per-character table cannot. Its dictionaries take about half a second to
import, so ``warm_up`` is meant to run on a worker thread while the kiosk starts.
"""

from __future__ import annotations

import functools
import threading

_lock = threading.Lock()


@functools.cache
def _pinyin():  # type: ignore[no-untyped-def]
    with _lock:
        from pypinyin import Style, pinyin

        return functools.partial(pinyin, style=Style.TONE, heteronym=False, errors="ignore")


def warm_up() -> None:
    reading("中")


@functools.lru_cache(maxsize=8192)
def reading(text: str) -> str:
    """"lǎo wáng" for 老王; "" when pypinyin is not installed (the candidate still shows)."""
    try:
        fn = _pinyin()
    except ImportError:
        return ""
    return " ".join(syllables[0] for syllables in fn(text) if syllables)
