"""Character stroke data (Make Me a Hanzi medians, as npm's hanzi-writer-data ships them) turned
into handwriting-like point lists, to train and to test zinnia models.

The medians are the centre lines of each stroke of a font glyph, in stroke order, in a 1024 box
with y growing upwards (top at 900). Handwriting differs from a font: ``distort`` applies a random
slant, squash, per-stroke shift and wobble so the model learns the shape, not one glyph's exact
coordinates. The data is derived from Arphic fonts and is under the Arphic Public License: so is
a model trained from it (see docs/text-entry.md).
"""

from __future__ import annotations

import itertools
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

from kiosk.textentry.strokes import Point

BOX = 1024
TOP = 900  # the medians' y of the em box's top edge


def load_medians(source: Path, char: str) -> list[list[Point]] | None:
    """The strokes of ``char`` in pad orientation (y down, 0..1024), or None if not in the data."""
    path = Path(source) / f"{char}.json"
    if not path.exists():
        return None
    medians = json.loads(path.read_text(encoding="utf-8"))["medians"]
    return [[(float(x), float(TOP - y)) for x, y in stroke] for stroke in medians]


def available_chars(source: Path) -> set[str]:
    return {p.stem for p in Path(source).glob("*.json") if len(p.stem) == 1}


@dataclass(frozen=True)
class Distortion:
    """How far one synthetic writer strays from the font (fractions of the box, radians)."""

    slant: float = 0.15  # shear
    rotate: float = 0.06
    squash: float = 0.12  # independent x/y scale
    shift: float = 0.03  # whole-stroke offset
    stroke_scale: float = 0.10
    wobble: float = 0.006  # point noise
    step: float = 12.0  # resampling distance, box units


TRAIN = Distortion()
# a rougher writer with other proportions, for tests only: the model never sees these parameters
TEST = Distortion(slant=0.2, rotate=0.08, squash=0.18, shift=0.045, stroke_scale=0.15, wobble=0.01, step=20.0)


def _resample(stroke: list[Point], step: float) -> list[Point]:
    if len(stroke) < 2:
        return list(stroke)
    out = [stroke[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(stroke):
        n = max(int(math.hypot(x1 - x0, y1 - y0) // step), 1)
        out.extend((x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(1, n + 1))
    return out


def distort(strokes: list[list[Point]], rng: random.Random, d: Distortion = TRAIN) -> list[list[Point]]:
    """One synthetic handwritten sample of a character, still inside the 0..1024 box."""
    c = BOX / 2
    shear = rng.uniform(-d.slant, d.slant)
    rot = rng.uniform(-d.rotate, d.rotate)
    sx, sy = 1 + rng.uniform(-d.squash, d.squash), 1 + rng.uniform(-d.squash, d.squash)
    cos, sin = math.cos(rot), math.sin(rot)
    out = []
    for stroke in strokes:
        pts = _resample(stroke, d.step)
        mx = sum(x for x, _ in pts) / len(pts)
        my = sum(y for _, y in pts) / len(pts)
        k = 1 + rng.uniform(-d.stroke_scale, d.stroke_scale)
        dx, dy = rng.gauss(0, d.shift) * BOX, rng.gauss(0, d.shift) * BOX
        new = []
        for x, y in pts:
            x, y = mx + (x - mx) * k + dx, my + (y - my) * k + dy
            x, y = x - c, y - c
            x = x + shear * y
            x, y = x * sx, y * sy
            x, y = x * cos - y * sin, x * sin + y * cos
            x += c + rng.gauss(0, d.wobble) * BOX
            y += c + rng.gauss(0, d.wobble) * BOX
            new.append((x, y))
        out.append(new)
    return _refit(out)


def sloppy(strokes: list[list[Point]], rng: random.Random, kind: str = "") -> list[list[Point]]:
    """The two commonest deviations of real writers from the standard order: two neighbouring
    strokes written the other way round ("swap"), or written in one go, the finger never lifting
    ("join"); ``kind`` "" picks one at random."""
    if len(strokes) < 2:
        return strokes
    out = list(strokes)
    i = rng.randrange(len(out) - 1)
    if kind == "swap" or (not kind and rng.random() < 0.5):
        out[i], out[i + 1] = out[i + 1], out[i]
    else:
        out[i:i + 2] = [out[i] + out[i + 1]]
    return out


def _refit(strokes: list[list[Point]]) -> list[list[Point]]:
    """Shrink a sample that drifted out of the box back into it (keeps the proportions)."""
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    lo, hi = min(min(xs), min(ys)), max(max(xs), max(ys))
    if lo >= 0 and hi <= BOX:
        return strokes
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    k = min(1.0, (BOX - 20) / span)
    ox = (BOX - (max(xs) - min(xs)) * k) / 2 - min(xs) * k
    oy = (BOX - (max(ys) - min(ys)) * k) / 2 - min(ys) * k
    return [[(x * k + ox, y * k + oy) for x, y in s] for s in strokes]


def to_sexp(char: str, strokes: list[list[Point]]) -> str:
    """One training sample in zinnia's S-expression format."""
    body = " ".join("(" + " ".join(f"({round(x)} {round(y)})" for x, y in s) + ")" for s in strokes)
    return f"(character (value {char}) (width {BOX}) (height {BOX}) (strokes {body}))"
