"""One field being written: the committed text, and the character being composed on top of it.

Pinyin: letters go into ``letters``; choosing a candidate moves the letters it covers into a
selected segment (老王 for ``laowang``) and keeps the rest (``lamian``) to choose from next; once
no letters are left the segments join the committed text. Handwriting: strokes collect in
``strokes``; choosing a candidate appends it and wipes the pad. Keys behave as an elderly user
expects from a phone:

* delete: the last letter, else the last chosen segment goes back to letters, else the last
  stroke, else the last committed character;
* clear: everything in the field;
* space / confirm: pending letters become the first candidate(s) (the one shown first).

Engines are called only when candidates are read, and their answers cached per input, so a
page flip or a redraw costs no engine call.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from kiosk.textentry.engine import Candidate, HandwritingEngine, PinyinEngine
from kiosk.textentry.strokes import Point

MAX_LETTERS = 40
LETTERS = frozenset(string.ascii_lowercase)


@dataclass(frozen=True)
class Segment:
    text: str
    letters: str


@dataclass(frozen=True)
class CandidatePage:
    items: tuple[Candidate, ...]
    page: int
    first_index: int  # index of items[0] in the whole list, for ``choose``
    has_previous: bool
    has_next: bool


@dataclass
class Composition:
    pinyin: PinyinEngine | None = None
    handwriting: HandwritingEngine | None = None
    max_length: int = 30
    page_size: int = 8
    text: str = ""
    letters: str = ""
    segments: list[Segment] = field(default_factory=list)
    strokes: list[list[Point]] = field(default_factory=list)
    pad_size: tuple[float, float] | None = None
    page: int = 0
    _ink: int = 0  # bumped on every stroke change: the handwriting cache key
    _cache_key: tuple = ()
    _cache: list[Candidate] = field(default_factory=list)
    _cache_asked: int = 0  # the limit the cached answer was asked with

    # -- state -------------------------------------------------------------------------------
    @property
    def composing(self) -> bool:
        return bool(self.letters or self.segments or self.strokes)

    @property
    def chosen(self) -> str:
        return "".join(s.text for s in self.segments)

    @property
    def length(self) -> int:
        return len(self.text) + len(self.chosen)

    @property
    def full(self) -> bool:
        return self.length >= self.max_length

    # -- pinyin ------------------------------------------------------------------------------
    def type_letter(self, ch: str) -> bool:
        """Add one letter a-z (v for ü). False (and nothing changes) if refused."""
        ch = ch.lower()
        if ch not in LETTERS or self.pinyin is None or self.full or len(self.letters) >= MAX_LETTERS:
            return False
        self.strokes.clear()
        self.letters += ch
        self.page = 0
        return True

    # -- handwriting -------------------------------------------------------------------------
    def add_stroke(self, points: Sequence[Point], pad_size: tuple[float, float] | None = None) -> bool:
        if self.handwriting is None or len(points) == 0 or self.full:
            return False
        if self.letters or self.segments:
            self.letters, self.segments = "", []
        self.strokes.append([(float(x), float(y)) for x, y in points])
        self._ink += 1
        self.pad_size = pad_size
        self.page = 0
        return True

    def undo_stroke(self) -> bool:
        if not self.strokes:
            return False
        self.strokes.pop()
        self._ink += 1
        self.page = 0
        return True

    # -- candidates --------------------------------------------------------------------------
    def candidates(self, limit: int) -> list[Candidate]:
        """The first ``limit`` candidates of the current input (cached)."""
        if self.letters and self.pinyin is not None:
            key: tuple = ("p", self.letters)
        elif self.strokes and self.handwriting is not None:
            key = ("h", self._ink)
        else:
            return []
        # ask again only for a new input, or for more than was asked when the engine had more
        if key != self._cache_key or (limit > self._cache_asked and len(self._cache) >= self._cache_asked):
            if key[0] == "p":
                assert self.pinyin is not None
                self._cache = self.pinyin.candidates(self.letters, limit)
            else:
                assert self.handwriting is not None
                self._cache = self.handwriting.candidates(self.strokes, limit, self.pad_size)
            self._cache_key, self._cache_asked = key, limit
        return self._cache[:limit]

    def current_page(self) -> CandidatePage:
        n = self.page_size
        items = self.candidates((self.page + 1) * n + 1)
        start = self.page * n
        return CandidatePage(tuple(items[start:start + n]), self.page, start, self.page > 0, len(items) > start + n)

    def next_page(self) -> bool:
        if not self.current_page().has_next:
            return False
        self.page += 1
        return True

    def previous_page(self) -> bool:
        if self.page == 0:
            return False
        self.page -= 1
        return True

    def choose(self, index: int) -> str:
        """Take candidate ``index`` (of the whole list); returns the text it added."""
        items = self.candidates(index + 1)
        if index >= len(items):
            raise IndexError(f"no candidate {index}")
        cand = items[index]
        room = self.max_length - self.length
        if room <= 0:
            return ""
        if self.letters:
            assert self.pinyin is not None
            n = self.pinyin.consumed(self.letters, index)
            n = max(1, min(n, len(self.letters)))
            self.segments.append(Segment(cand.text[:room], self.letters[:n]))
            self.letters = self.letters[n:]
            if not self.letters:
                self.text += self.chosen
                self.segments = []
        else:
            self.text += cand.text[:room]
            self.strokes = []
            self._ink += 1
        self.page = 0
        return cand.text[:room]

    # -- editing keys ------------------------------------------------------------------------
    def space(self) -> None:
        """Pending letters become the first candidates, one choice at a time."""
        guard = MAX_LETTERS + 1
        while self.letters and guard and not self.full:
            if not self.candidates(1):
                self.letters = ""  # letters no syllable starts with (e.g. "iii") are dropped
                break
            self.choose(0)
            guard -= 1
        if self.full:
            self.letters = ""
        if self.segments and not self.letters:
            self.text += self.chosen
            self.segments = []

    def insert(self, literal: str) -> str:
        """Append text typed as is (digits of a house number): pending letters are converted first,
        pending strokes dropped. Returns what fitted."""
        self.space()
        if self.strokes:
            self.strokes = []
            self._ink += 1
        fitted = literal[: max(self.max_length - self.length, 0)]
        self.text += fitted
        return fitted

    def delete(self) -> None:
        self.page = 0
        if self.letters:
            self.letters = self.letters[:-1]
        elif self.segments:
            seg = self.segments.pop()
            self.letters = seg.letters + self.letters
        elif self.strokes:
            self.strokes.pop()
            self._ink += 1
        elif self.text:
            self.text = self.text[:-1]

    def discard_pending(self) -> None:
        """Drop letters, chosen segments and strokes; the committed text stays."""
        self.letters, self.segments, self.strokes, self.page = "", [], [], 0
        self._ink += 1

    def clear(self) -> None:
        self.text, self.letters, self.segments, self.strokes, self.page = "", "", [], [], 0
        self._ink += 1

    def finish(self) -> str:
        """The field's final text: pending letters as the first candidates, strokes dropped."""
        self.space()
        self.strokes = []
        self._ink += 1
        return self.text
