"""Same, one-character-apart and same-sounding 字号 among the names registered in one industry at
one authority. Indexed once (a symmetric-delete index for edit distance 1, a dictionary of fuzzy
readings), so a check costs a few dictionary look-ups however many names are registered."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Sounds Mandarin speakers commonly merge (front/back nasals, retroflex/dental, n/l, h/f): names
# that differ only in these are "close" in sound.
_FUZZY = [(re.compile(p), r) for p, r in (
    (r"^zh", "z"), (r"^ch", "c"), (r"^sh", "s"), (r"^l", "n"), (r"^h(?=u)", "f"),
    (r"ing$", "in"), (r"eng$", "en"), (r"ang$", "an"),
)]


def key(name: str) -> str:
    """The form in which names are compared: NFKC, as registry_service.rules.name_key folds them."""
    return unicodedata.normalize("NFKC", name)


def fuzzy_reading(name: str, readings: Mapping[str, str]) -> str | None:
    syllables = []
    for ch in name:
        s = readings.get(ch)
        if s is None:
            return None
        for pattern, repl in _FUZZY:
            s = pattern.sub(repl, s)
        syllables.append(s)
    return " ".join(syllables)


def _deletes(name: str) -> set[str]:
    return {name[:i] + name[i + 1:] for i in range(len(name))}


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


@dataclass(frozen=True, slots=True)
class Match:
    code: str  # name_taken, name_similar or name_homophone
    registered: str


class RegisteredNames:
    """The 字号 already registered in one industry at one registration authority."""

    def __init__(self, names: Iterable[str], readings: Mapping[str, str]) -> None:
        self._readings = readings
        self._exact: set[str] = set()
        self._by_delete: dict[str, set[str]] = {}
        self._by_sound: dict[str, set[str]] = {}
        for raw in names:
            name = key(raw)
            if not name:
                continue
            self._exact.add(name)
            for k in _deletes(name) | {name}:
                self._by_delete.setdefault(k, set()).add(name)
            sound = fuzzy_reading(name, readings)
            if sound:
                self._by_sound.setdefault(sound, set()).add(name)

    def __len__(self) -> int:
        return len(self._exact)

    def matches(self, trade_name: str) -> list[Match]:
        name = key(trade_name)
        if name in self._exact:
            return [Match("name_taken", name)]
        out: list[Match] = []
        sound = fuzzy_reading(name, self._readings)
        for other in sorted(self._by_sound.get(sound, ())) if sound else ():
            out.append(Match("name_homophone", other))
        seen = {m.registered for m in out}
        candidates: set[str] = set()
        for k in _deletes(name) | {name}:
            candidates |= self._by_delete.get(k, set())
        for other in sorted(candidates - seen):
            # One character apart matters from three characters on: 老王/老李 are not confusable.
            if max(len(other), len(name)) >= 3 and min(len(other), len(name)) >= 2 and _one_edit(name, other):
                out.append(Match("name_similar", other))
        return out
