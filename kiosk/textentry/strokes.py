"""Strokes as the pad captures them and as the handwriting engines take them.

A stroke is the list of points one finger touch drew, in pad pixels with y growing downwards
(Kivy's y grows upwards: the widget flips it). Engines get the strokes scaled into a square box,
so the pad's size and aspect ratio do not change what they see.
"""

from __future__ import annotations

from collections.abc import Sequence

Point = tuple[float, float]
Stroke = Sequence[Point]


def bounding_box(strokes: Sequence[Stroke]) -> tuple[float, float, float, float]:
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    if not xs:
        return 0.0, 0.0, 0.0, 0.0
    return min(xs), min(ys), max(xs), max(ys)


def fit_to_box(strokes: Sequence[Stroke], box: int, pad_size: tuple[float, float] | None = None,
               margin: float = 0.0) -> list[list[tuple[int, int]]]:
    """Scale strokes into a ``box`` x ``box`` square, keeping their aspect ratio.

    With ``pad_size`` the whole pad is mapped (position on the pad kept, as zinnia's models were
    trained on characters filling the box); without it the ink's own bounding box is centred.
    """
    if pad_size is not None:
        x0, y0 = 0.0, 0.0
        w, h = pad_size
    else:
        x0, y0, x1, y1 = bounding_box(strokes)
        w, h = x1 - x0, y1 - y0
    side = max(w, h, 1e-6)
    usable = box * (1 - 2 * margin)
    scale = usable / side
    ox = box * margin + (usable - w * scale) / 2
    oy = box * margin + (usable - h * scale) / 2
    out = []
    for s in strokes:
        pts = [(round(ox + (x - x0) * scale), round(oy + (y - y0) * scale)) for x, y in s]
        out.append([(min(max(x, 0), box), min(max(y, 0), box)) for x, y in pts])
    return out


def thin(stroke: Stroke, min_step: float) -> list[Point]:
    """Drop points closer than ``min_step`` to the last kept one (touch screens report ~100 Hz;
    zinnia reduces each stroke to a few line segments anyway). The last point is always kept."""
    if len(stroke) <= 2:
        return list(stroke)
    kept = [stroke[0]]
    for p in stroke[1:-1]:
        lx, ly = kept[-1]
        if (p[0] - lx) ** 2 + (p[1] - ly) ** 2 >= min_step * min_step:
            kept.append(p)
    kept.append(stroke[-1])
    return kept
