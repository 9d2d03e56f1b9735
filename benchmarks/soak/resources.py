"""The kiosk process's footprint from /proc, and whether it grows with the number of applicants.

A kill and restart starts a new process, so the trend is fitted within each process's stretch of
samples (one intercept per process, one common slope) rather than across the jump a restart makes.
"Flat within noise": the slope's 95 % interval (about two standard errors) includes zero, or the
growth it implies over 1,000 applicants is under 2 % of the mean.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    applicants: int  # applicants served so far when sampled
    pid: int
    rss_kb: int  # the kiosk process itself
    children_rss_kb: int  # its worker processes (the face descriptor worker)
    fds: int
    threads: int


def _status(pid: int) -> dict[str, str]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def sample(pid: int, applicants: int) -> Sample:
    st = _status(pid)
    rss = int(st["VmRSS"].split()[0])
    kids = 0
    for child in _children(pid):
        try:
            kids += int(_status(child)["VmRSS"].split()[0])
        except (OSError, KeyError):
            continue
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return Sample(applicants, pid, rss, kids, fds, int(st["Threads"]))


@dataclass(frozen=True)
class Trend:
    slope_per_100: float  # units per 100 applicants
    stderr_per_100: float
    mean: float
    flat: bool
    points: int


def after_warm_up(samples: list[Sample]) -> list[Sample]:
    """Each process's samples but its first. The first is taken within 50 applicants of a start,
    before the face models, the text-entry engines, SQLite's page cache and the virtual printer's
    50 kept printouts have filled: fitted with the rest it reads as growth in every process a
    kill restarted."""
    seen: set[int] = set()
    kept = []
    for s in samples:
        if s.pid in seen:
            kept.append(s)
        seen.add(s.pid)
    return kept


def trend(samples: list[Sample], field: str) -> Trend | None:
    """Pooled within-process least squares: y - mean(y of its process) against x - mean(x ...)."""
    by_pid: dict[int, list[tuple[float, float]]] = {}
    for s in samples:
        by_pid.setdefault(s.pid, []).append((float(s.applicants), float(getattr(s, field))))
    dx: list[float] = []
    dy: list[float] = []
    groups = 0
    for points in by_pid.values():
        if len(points) < 2:
            continue
        groups += 1
        mx = sum(x for x, _ in points) / len(points)
        my = sum(y for _, y in points) / len(points)
        dx += [x - mx for x, _ in points]
        dy += [y - my for _, y in points]
    sxx = sum(x * x for x in dx)
    if sxx == 0:
        return None
    slope = sum(x * y for x, y in zip(dx, dy, strict=True)) / sxx
    dof = len(dx) - groups - 1
    resid = sum((y - slope * x) ** 2 for x, y in zip(dx, dy, strict=True))
    stderr = math.sqrt(resid / dof / sxx) if dof > 0 else math.inf
    mean = sum(float(getattr(s, field)) for s in samples) / len(samples)
    flat = abs(slope) <= 2 * stderr or abs(slope * 1000) < 0.02 * abs(mean)
    return Trend(slope * 100, stderr * 100, mean, flat, len(dx))
