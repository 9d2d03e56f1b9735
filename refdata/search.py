"""Type-ahead search over scope items and divisions: Chinese substrings, pinyin initials ("cy"),
full pinyin ("canyin") and any mix of syllable prefixes ("canyfw"), fast enough per keystroke.

Hand-written because the usual fuzzy matchers know nothing of pinyin syllables; the work is
pushed into the regular-expression engine: every entry's readings are joined into one text
(syllables separated by spaces, entries by newlines), a query becomes one pattern whose letters
may each continue the current syllable or start the next, and only the matches are scored in
Python. Readings come precomputed with the data, so no pinyin library is needed here.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate, islice

from refdata.model import COUNTY, PREFECTURE, PROVINCE, TOWNSHIP, ReferenceData

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LETTERS = re.compile(r"[a-z]+")
MAX_QUERY = 32

# Score bands, highest first; the item's weight and name length only order within a band.
WHOLE, PREFIX, INNER = 3000, 2000, 1000
KEYWORD_PENALTY = 150
WEIGHT_STEP = 60
INNER_CAP = 300
LARGE_INDEX = 10_000  # entries above which inner letters match as initials only


@dataclass(frozen=True, slots=True)
class Hit:
    code: str
    name: str  # the entry's own name (a keyword match still returns the entry's name)
    score: int
    via: str  # the text that matched: the name or the keyword


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    text: str  # the name or a keyword
    syllables: str  # space-separated toneless readings of `text`
    weight: int
    keyword: bool = False
    name: str = ""  # the owner's name when `text` is a keyword


def normalise(query: str) -> str:
    """Full-width to ASCII, lower case, no spaces, apostrophes or tone marks; capped length."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", query)).lower()
    kept = "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))
    return kept.replace("ü", "v")[:MAX_QUERY]


class SearchIndex:
    def __init__(self, entries: Iterable[Entry], *, inner_syllables: bool = True) -> None:
        """`inner_syllables=False`: letters inside a name (after its first syllable) match as
        initials only ("gcc" finds 中关村 in "zhong guan cun", "guancun" does not), which keeps
        very large indexes (all 44,000 divisions) within a keystroke's budget."""
        # Entries in the order of their score within a band, so that the first matches found
        # are the best ones and a scan can stop early.
        self._entries = sorted(entries, key=lambda e: (-_static_score(e), e.code, e.text))
        self._inner_syllables = inner_syllables
        han_parts, py_parts = [], []
        self._han_starts: list[int] = []
        self._py_starts: list[int] = []
        pos_h = pos_p = 1  # both texts start with a newline: every entry follows one
        for e in self._entries:
            self._han_starts.append(pos_h)
            self._py_starts.append(pos_p)
            han_parts.append(e.text)
            py_parts.append(e.syllables)
            pos_h += len(e.text) + 1
            pos_p += len(e.syllables) + 1
        self._han = "\n" + "\n".join(han_parts) + "\n"
        self._py = "\n" + "\n".join(py_parts) + "\n"
        initials = ["".join(s[0] for s in e.syllables.split()) for e in self._entries]
        self._ini_starts = list(accumulate((len(i) + 1 for i in initials[:-1]), initial=1))
        self._ini = "\n" + "\n".join(initials) + "\n"

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        q = normalise(query)
        if not q or limit <= 0:
            return []
        if _HAN.search(q):
            text, starts, body = self._han, self._han_starts, re.escape(q)
            score = self._han_score
        elif _LETTERS.fullmatch(q):
            # Each letter after the first continues the syllable or, after skipping the rest of
            # it, starts the next one; the first letter starts a syllable.
            text, starts, score = self._py, self._py_starts, self._pinyin_score
            body = "".join(re.escape(ch) + ("(?:[a-z]*+ )??" if i < len(q) - 1 else "") for i, ch in enumerate(q))
        else:
            return []
        best: dict[str, Hit] = {}
        # Matches at the start of an entry first; inner matches (a later word or syllable) only
        # while the list is not full, and at most INNER_CAP of them: a query such as "zh" occurs
        # inside tens of thousands of township names, which would cost more than a keystroke.
        # Each pattern starts with a literal (newline, space or the query's first character) so
        # that the regular-expression engine can skip ahead instead of trying every position.
        enough = limit * 3  # matches of the same entry (name and keywords) count once
        self._collect(re.finditer("\n" + body + "(?=\n)", text), 1, starts, score, best)  # whole names
        self._collect(islice(re.finditer("\n" + body, text), enough), 1, starts, score, best)
        if len(best) < limit and len(q) > 1:
            if text is self._han:
                inner = (m for m in re.finditer(body, text) if text[m.start() - 1] != "\n")
                self._collect(islice(inner, INNER_CAP), 0, starts, score, best)
            elif self._inner_syllables:
                self._collect(islice(re.finditer(" " + body, text), INNER_CAP), 1, starts, score, best)
            else:
                inner = (m for m in re.finditer(re.escape(q), self._ini) if self._ini[m.start() - 1] != "\n")
                self._collect(islice(inner, INNER_CAP), 0, self._ini_starts, self._initials_score, best)
        return heapq.nsmallest(limit, best.values(), key=lambda h: (-h.score, h.code))

    def _collect(self, matches: Iterable[re.Match[str]], lead: int, starts: list[int],
                 score: Callable[[int, int, int], int], best: dict[str, Hit]) -> None:
        for m in matches:
            begin = m.start() + lead  # the lead character is not part of the match proper
            idx = bisect_right(starts, begin) - 1
            e = self._entries[idx]
            value = score(begin, m.end(), starts[idx]) + _static_score(e)
            hit = best.get(e.code)
            if hit is None or value > hit.score:
                best[e.code] = Hit(e.code, e.name or e.text, value, e.text)

    def _han_score(self, begin: int, end: int, start: int) -> int:
        offset = begin - start
        if offset:
            return INNER - offset
        return WHOLE if self._han[end] == "\n" else PREFIX

    def _initials_score(self, begin: int, end: int, start: int) -> int:
        return INNER - 10 * (begin - start)

    def _pinyin_score(self, begin: int, end: int, start: int) -> int:
        skipped = self._py.count(" ", start, begin)  # syllables before the match
        if skipped:
            return INNER - 10 * skipped
        return WHOLE if self._py[end] == "\n" else PREFIX  # matched to the end of the last syllable


def _static_score(e: Entry) -> int:
    return e.weight * WEIGHT_STEP - len(e.name or e.text) - (KEYWORD_PENALTY if e.keyword else 0)


def scope_index(ref: ReferenceData) -> SearchIndex:
    entries: list[Entry] = []
    for item in ref.scope.values():
        entries.append(Entry(item.code, item.name_zh, item.pinyin, item.weight))
        for word, reading in item.keywords:
            entries.append(Entry(item.code, word, reading, item.weight, keyword=True, name=item.name_zh))
    return SearchIndex(entries)


_LEVEL_WEIGHT = {PROVINCE: 4, PREFECTURE: 3, COUNTY: 2}


def division_index(ref: ReferenceData, within: str = "", max_level: int = TOWNSHIP) -> SearchIndex:
    """Registrable divisions down to `max_level`, or only those below `within`.

    The kiosk's address step searches the county level and above nationally
    (max_level=COUNTY, about 3,200 names) and then the streets of the chosen county
    (within=county code, a few dozen): both answer in well under a millisecond."""
    if within:
        codes, stack = [], list(ref.children.get(within, ()))
        while stack:
            code = stack.pop()
            codes.append(code)
            stack.extend(ref.children.get(code, ()))
        chosen = [ref.divisions[c] for c in codes]
    else:
        chosen = list(ref.divisions.values())
    entries = [Entry(d.code, d.name, d.pinyin, _LEVEL_WEIGHT.get(d.level, 0))
               for d in chosen if d.registrable and d.level <= max_level]
    return SearchIndex(entries, inner_syllables=len(entries) <= LARGE_INDEX)
