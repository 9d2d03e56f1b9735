"""Threshold calibration arithmetic: error rates, the operating-point rule, exact binomial
confidence intervals and cross-validation over subjects. Pure functions on scored pairs, used by
scripts/calibrate_card_photo.py; no model is loaded here.

Why cross-validation over *subjects*: pairs of one person are not independent of each other, and
a threshold set on a set of people tends to look better on those same people than on new ones.
Every pair is therefore scored against a threshold chosen without any pair that involves either
of its subjects.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

TARGET_FMR = 0.001
MARGIN = 0.02


@dataclass(frozen=True)
class Pair:
    reference: str  # image in the role of the document photo
    probe: str  # image in the role of the live face
    subjects: frozenset[str]  # one subject: genuine; two: impostor
    distance: float

    @property
    def genuine(self) -> bool:
        return len(self.subjects) == 1


@dataclass(frozen=True)
class Counts:
    false_matches: int
    impostors: int
    false_non_matches: int
    genuine: int

    @property
    def fmr(self) -> float:
        return self.false_matches / self.impostors if self.impostors else math.nan

    @property
    def fnmr(self) -> float:
        return self.false_non_matches / self.genuine if self.genuine else math.nan


Rule = Callable[[Sequence[Pair]], float]


def counts(pairs: Iterable[Pair], threshold: float) -> Counts:
    """Errors at ``threshold``: a pair matches when its distance is at most the threshold."""
    fm = imp = fnm = gen = 0
    for p in pairs:
        if p.genuine:
            gen += 1
            fnm += p.distance > threshold
        else:
            imp += 1
            fm += p.distance <= threshold
    return Counts(fm, imp, fnm, gen)


def margin_rule(margin: float = MARGIN) -> Rule:
    """The operating point: the smallest impostor distance minus ``margin``, rounded down to 0.01,
    so that no impostor pair of the calibration set matches, with room to spare. With n impostor
    pairs the smallest distance sits near the 1/n quantile of the impostor distribution, i.e.
    near FMR 0.1 % for the ~700 pairs available."""

    def rule(pairs: Sequence[Pair]) -> float:
        impostor = [p.distance for p in pairs if not p.genuine]
        if not impostor:
            raise ValueError("no impostor pairs to set a threshold on")
        return math.floor((min(impostor) - margin) * 100 + 1e-9) / 100

    return rule


def zero_fmr_threshold(pairs: Sequence[Pair]) -> float:
    """The largest threshold at which no impostor pair matches (just below the closest one):
    the best FNMR reachable at a measured FMR of 0 (<= 0.1 % for up to 999 pairs), no margin."""
    return math.nextafter(min(p.distance for p in pairs if not p.genuine), 0.0)


def leave_subjects_out(pairs: Sequence[Pair], rule: Rule, choose_on: Sequence[Pair] | None = None) -> Counts:
    """Every pair of ``pairs`` judged at the threshold ``rule`` sets on the pairs of ``choose_on``
    (default: ``pairs`` themselves) that involve none of its subjects: genuine pairs leave one
    subject out, impostor pairs two. The threshold is thus always chosen on one part of the
    people and measured on the other."""
    pool = pairs if choose_on is None else choose_on
    cache: dict[frozenset[str], float] = {}
    judged = []
    for p in pairs:
        if p.subjects not in cache:
            cache[p.subjects] = rule([q for q in pool if not q.subjects & p.subjects])
        judged.append((p, cache[p.subjects]))
    fm = sum(1 for p, t in judged if not p.genuine and p.distance <= t)
    fnm = sum(1 for p, t in judged if p.genuine and p.distance > t)
    return Counts(fm, sum(not p.genuine for p in pairs), fnm, sum(p.genuine for p in pairs))


def fold_thresholds(pairs: Sequence[Pair], rule: Rule) -> dict[str, float]:
    """The threshold chosen with each genuine subject left out (how much the rule moves)."""
    subjects = sorted({s for p in pairs if p.genuine for s in p.subjects})
    return {s: rule([q for q in pairs if s not in q.subjects]) for s in subjects}


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact two-sided binomial interval for k errors in n trials. Written out (bisection on the
    binomial tail) because the project has no statistics library and needs only this."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k}, n={n}")
    alpha = 1 - confidence

    def solve(f: Callable[[float], float], target: float) -> float:  # f falls as p grows
        lo, hi = 0.0, 1.0
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) > target else (lo, mid)
        return (lo + hi) / 2

    # lower: P(X >= k) = alpha/2, i.e. P(X <= k-1) = 1 - alpha/2; upper: P(X <= k) = alpha/2
    lower = 0.0 if k == 0 else solve(lambda p: _tail(n, k - 1, p), 1 - alpha / 2)
    upper = 1.0 if k == n else solve(lambda p: _tail(n, k, p), alpha / 2)
    return lower, upper


def upper_bound(k: int, n: int, confidence: float = 0.95) -> float:
    """One-sided exact upper bound: with k = 0 and 95 % it is 1 - 0.05 ** (1 / n), which the
    "rule of three" (3 / n) approximates."""
    return clopper_pearson(k, n, 2 * confidence - 1)[1]


def _tail(n: int, k: int, p: float) -> float:
    """P(X <= k) for X ~ Bin(n, p)."""
    if p <= 0:
        return 1.0
    if p >= 1:
        return 0.0 if k < n else 1.0
    return sum(math.exp(_log_binom(n, i) + i * math.log(p) + (n - i) * math.log1p(-p)) for i in range(k + 1))


def _log_binom(n: int, i: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)


def rate_with_interval(k: int, n: int) -> str:
    """'1.4% (1/71; 95 % CI 0.0%-7.6%)' for reports."""
    lo, hi = clopper_pearson(k, n)
    return f"{k / n:.1%} ({k}/{n}; 95 % CI {lo:.1%}-{hi:.1%})"
