"""What the keyboard and the pad need from an input engine, whichever library is behind it.

Pinyin engines are asked with the letters still waiting in the composition and answer with
candidates best first; ``consumed`` says how many of those letters a chosen candidate covers
(``laowanglamian`` -> 老王 covers ``laowang``), so the composition keeps the rest. Handwriting
engines are asked with the strokes of one character. Every candidate is Simplified Chinese and
carries its pinyin, which English-mode screens show beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from kiosk.textentry.strokes import Stroke


@dataclass(frozen=True)
class Candidate:
    text: str
    pinyin: str  # tone-marked, syllables separated by spaces: "lǎo wáng"


class PinyinEngine(Protocol):
    name: str

    def candidates(self, letters: str, limit: int) -> list[Candidate]:
        """Up to ``limit`` candidates for the letters (a-z, v for ü), best first."""
        ...

    def consumed(self, letters: str, index: int) -> int:
        """How many leading letters candidate ``index`` of ``candidates(letters, ...)`` covers."""
        ...

    def close(self) -> None: ...


class HandwritingEngine(Protocol):
    name: str

    def candidates(self, strokes: Sequence[Stroke], limit: int,
                   pad_size: tuple[float, float] | None = None) -> list[Candidate]:
        """Up to ``limit`` characters the strokes (so far) may be, best first."""
        ...

    def close(self) -> None: ...
