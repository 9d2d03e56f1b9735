"""Regenerate the handwriting test fixtures (run by hand; the tests only read the JSON files).

    python tests/kiosk/textentry/data/build_stroke_fixtures.py HANZI_WRITER_DATA_DIR KANJIVG_DIR

* ``strokes_mmah_test.json``: 400 common characters from Make Me a Hanzi medians (Arphic Public
  License, see ARPHICPL.TXT in assets/textentry), each drawn once by ``strokedata.TEST``, a
  rougher synthetic writer than the one the model was trained with, with its own seed.
* ``strokes_kanjivg.json``: 400 characters from KanjiVG (CC BY-SA 3.0, (c) Ulrich Apel; used
  here as test data only, never shipped): an independent hand-drawn source, the characters whose
  code point and stroke count are the same as in Simplified Chinese; Japanese stroke order where
  it differs.

Both sets take the most frequent characters of the model's character set (pinyin_simp weights).
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from kiosk.textentry import strokedata, train_model  # noqa: E402

HERE = Path(__file__).resolve().parent
COUNT = 400
SEED = 7


def common_chars(source: Path) -> list[str]:
    weights = train_model.char_weights()
    chars = train_model.character_set(strokedata.available_chars(source), weights)
    return sorted(chars, key=lambda c: -weights[c])


Pt = tuple[float, float]


def _bezier(p0: Pt, p1: Pt, p2: Pt, p3: Pt, n: int = 8) -> list[Pt]:
    out = []
    for i in range(1, n + 1):
        t = i / n
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def svg_path_points(d: str) -> list[tuple[float, float]]:
    """Points along a KanjiVG stroke path (M, C, S, L and their relative forms)."""
    tokens = re.findall(r"[MmCcSsLlZz]|-?\d*\.?\d+(?:e-?\d+)?", d)
    pts: list[tuple[float, float]] = []
    cur = (0.0, 0.0)
    last_ctrl = None
    cmd = ""
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "Zz":
                continue
        nums = []
        need = {"M": 2, "L": 2, "C": 6, "S": 4}[cmd.upper()]
        while len(nums) < need:
            nums.append(float(tokens[i]))
            i += 1
        rel = cmd.islower()
        ox, oy = cur if rel else (0.0, 0.0)
        xy = [(nums[k] + ox, nums[k + 1] + oy) for k in range(0, need, 2)]
        up = cmd.upper()
        if up == "M":
            cur = xy[0]
            pts.append(cur)
            cmd = "l" if rel else "L"
        elif up == "L":
            cur = xy[0]
            pts.append(cur)
        elif up == "C":
            pts += _bezier(cur, xy[0], xy[1], xy[2])
            last_ctrl, cur = xy[1], xy[2]
        elif up == "S":
            c1 = (2 * cur[0] - last_ctrl[0], 2 * cur[1] - last_ctrl[1]) if last_ctrl else cur
            pts += _bezier(cur, c1, xy[0], xy[1])
            last_ctrl, cur = xy[0], xy[1]
    return pts


def kanjivg_strokes(kanjivg: Path, ch: str) -> list[list[tuple[float, float]]] | None:
    path = kanjivg / f"{ord(ch):05x}.svg"
    if not path.exists():
        return None
    ds = re.findall(r'<path id="kvg:[0-9a-f]+-s\d+"[^>]*\sd="([^"]+)"', path.read_text(encoding="utf-8"))
    return [svg_path_points(d) for d in ds] or None


def main() -> None:
    source, kanjivg = Path(sys.argv[1]), Path(sys.argv[2])
    chars = common_chars(source)
    rng = random.Random(SEED)
    mmah = {}
    for ch in chars[:COUNT]:
        strokes = strokedata.distort(strokedata.load_medians(source, ch), rng, strokedata.TEST)
        mmah[ch] = [[[round(x), round(y)] for x, y in s] for s in strokes]
    kvg = {}
    for ch in chars:
        if len(kvg) >= COUNT:
            break
        k = kanjivg_strokes(kanjivg, ch)
        m = strokedata.load_medians(source, ch)
        if k and m and len(k) == len(m):
            kvg[ch] = [[[round(x, 1), round(y, 1)] for x, y in s] for s in k]
    for name, data, box in (("strokes_mmah_test.json", mmah, strokedata.BOX), ("strokes_kanjivg.json", kvg, 109)):
        doc = {"box": box, "characters": data}
        (HERE / name).write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        print(f"{name}: {len(data)} characters")


if __name__ == "__main__":
    main()
