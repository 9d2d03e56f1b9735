"""Handwriting candidates: zinnia's answer, in Simplified characters, with their pinyin.

Zinnia compares positions in its box as they are, so a character written small in a corner of
the pad reads as another character. The ink is therefore scaled to fill the box, less a margin
like the one the training glyphs have, before it is classified ("ink"); "pad" maps the whole pad
instead, as zinnia's own tools do.
"""

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
INK_MARGIN = 0.12  # Make Me a Hanzi glyphs leave about a tenth of the box free on each side


class ZinniaHandwriting:
    name = "zinnia"

    def __init__(self, model: Path, normalise: str = "ink", margin: float = INK_MARGIN) -> None:
        if normalise not in ("ink", "pad"):
            raise ValueError(f"normalise must be ink or pad, got {normalise!r}")
        self.normalise, self.margin = normalise, margin
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
        if self.normalise == "ink":
            raw = self._recognizer.classify(strokes, limit * 2, None, self.margin)
        else:
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
