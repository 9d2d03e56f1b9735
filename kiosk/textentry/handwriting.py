"""Handwriting candidates: zinnia's answer, in Simplified characters, with their pinyin."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kiosk.textentry.engine import Candidate
from kiosk.textentry.errors import HandwritingUnavailable
from kiosk.textentry.readings import reading
from kiosk.textentry.simplified import OpenCCMissing, is_han, to_simplified
from kiosk.textentry.strokes import Stroke
from kiosk.textentry.zinnia import ZinniaRecognizer

MAX_STROKES = 64  # more than any character has: a pad scribbled over is not a character


class ZinniaHandwriting:
    name = "zinnia"

    def __init__(self, model: Path) -> None:
        try:
            to_simplified("中")
        except OpenCCMissing as e:
            raise HandwritingUnavailable(str(e)) from e
        self._recognizer = ZinniaRecognizer(model)
        self.model = Path(model)
        self.characters = self._recognizer.size

    def candidates(self, strokes: Sequence[Stroke], limit: int,
                   pad_size: tuple[float, float] | None = None) -> list[Candidate]:
        strokes = [s for s in strokes if len(s)]
        if not strokes:
            return []
        if len(strokes) > MAX_STROKES:
            strokes = strokes[:MAX_STROKES]
        # ask for more than shown: Traditional answers fold into their Simplified form
        raw = self._recognizer.classify(strokes, limit * 2, pad_size)
        out: list[str] = []
        for ch, _score in raw:
            s = to_simplified(ch)
            if s and all(is_han(c) for c in s) and s not in out:
                out.append(s)
            if len(out) >= limit:
                break
        return [Candidate(t, reading(t)) for t in out]

    def close(self) -> None:
        self._recognizer.close()
