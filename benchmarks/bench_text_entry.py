"""Chinese text entry: taps and strokes to enter 老王拉面, and candidate latency per keystroke/stroke.

The engines the kiosk uses, through the composition model the panel drives (the Kivy redraw of
the candidate bar is not included). Per-keystroke latency is measured on every prefix of the
full pinyin of the 210 test shop names; per-stroke latency on every prefix of the 400 held-out
handwriting samples. Also the handwriting accuracy of each installed model on both test sets.
The machine is shared: the load average is printed with the figures.

    .venv/bin/python benchmarks/bench_text_entry.py [--var DIR] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.textentry import strokedata  # noqa: E402
from kiosk.textentry.composition import Composition  # noqa: E402
from kiosk.textentry.errors import TextEntryError  # noqa: E402
from kiosk.textentry.handwriting import ZinniaHandwriting  # noqa: E402
from kiosk.textentry.methods import open_input_methods  # noqa: E402
from kiosk.textentry.options import BUNDLED_MODEL, TEGAKI_MODEL, TextEntryOptions  # noqa: E402

DATA = ROOT / "tests" / "kiosk" / "textentry" / "data"
NAME = "老王拉面"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(int(len(values) * q), len(values) - 1)]


def summary(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{label}: n={len(ms)} median {statistics.median(ms):.2f} ms, p95 {pct(ms, 0.95):.2f} ms, "
            f"max {max(ms):.1f} ms")


def shop_names() -> list[tuple[str, list[str]]]:
    rows = []
    for line in (DATA / "shop_names.tsv").read_text(encoding="utf-8").splitlines():
        text, pinyin = line.split("\t")
        rows.append((text, pinyin.split()))
    return rows


def strokes(name: str) -> tuple[int, dict[str, list]]:
    doc = json.loads((DATA / name).read_text(encoding="utf-8"))
    return doc["box"], doc["characters"]


def pinyin_entry(engine: object, page_size: int) -> None:
    for letters in ("laowanglamian", "laowang|lamian", "lwlm"):
        comp = Composition(pinyin=engine, page_size=page_size)  # type: ignore[arg-type]
        taps, t_engine, pages = 0, 0.0, 0
        for chunk in letters.split("|"):
            for ch in chunk:
                comp.type_letter(ch)
                taps += 1
                t0 = time.perf_counter()
                comp.current_page()
                t_engine += time.perf_counter() - t0
            target = NAME[len(comp.text) + len(comp.chosen):]
            while comp.letters:
                t0 = time.perf_counter()
                found = None
                for _ in range(10):
                    page = comp.current_page()
                    found = next((i for i, c in enumerate(page.items, page.first_index)
                                  if target.startswith(c.text)), None)
                    if found is not None or not comp.next_page():
                        break
                    taps += 1
                    pages += 1
                if found is None:
                    break
                chosen = comp.candidates(found + 1)[found].text
                comp.choose(found)
                t_engine += time.perf_counter() - t0
                taps += 1
                target = target[len(chosen):]
        ok = comp.finish() == NAME
        taps += 1  # Done
        print(f"  pinyin {letters.replace('|', ' + '):16s} -> {comp.text} {'ok' if ok else 'NOT ENTERED'}: "
              f"{taps} taps ({pages} page turns), engine time {t_engine * 1000:.1f} ms")


def handwriting_entry(engine: ZinniaHandwriting, box: int, chars: dict[str, list], page_size: int) -> None:
    comp = Composition(handwriting=engine, page_size=page_size)
    n_strokes = taps = 0
    t_engine = 0.0
    for ch in NAME:
        if ch not in chars:
            print(f"  handwriting: no test strokes for {ch}")
            return
        for s in chars[ch]:
            comp.add_stroke([tuple(p) for p in s], (box, box))
            n_strokes += 1
            t0 = time.perf_counter()
            comp.current_page()
            t_engine += time.perf_counter() - t0
        found = None
        for _ in range(3):
            page = comp.current_page()
            found = next((i for i, c in enumerate(page.items, page.first_index) if c.text == ch), None)
            if found is not None or not comp.next_page():
                break
            taps += 1
        if found is None:
            print(f"  handwriting: {ch} not among the first 3 pages; rewriting would be needed")
            comp.discard_pending()
            continue
        comp.choose(found)
        taps += 1
    taps += 1
    print(f"  handwriting {engine.model.name}: {comp.text} with {n_strokes} strokes + {taps} taps, "
          f"engine time {t_engine * 1000:.1f} ms")


def keystroke_latency(engine: object, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for _name, syllables in shop_names():
            letters = "".join(syllables)
            for k in range(1, len(letters) + 1):
                t0 = time.perf_counter()
                engine.candidates(letters[:k], 9)  # type: ignore[attr-defined]
                times.append(time.perf_counter() - t0)
    return times


def stroke_latency(engine: ZinniaHandwriting, box: int, chars: dict[str, list], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for s in chars.values():
            for k in range(1, len(s) + 1):
                t0 = time.perf_counter()
                engine.candidates(s[:k], 9, (box, box))
                times.append(time.perf_counter() - t0)
    return times


def accuracy(engine: ZinniaHandwriting, box: int, chars: dict[str, list], sloppy: str = "") -> str:
    """Top-1/top-10; with ``sloppy`` "swap" or "join", two neighbouring strokes of each sample
    swapped or joined first (seeded: the same samples for every model)."""
    rng = random.Random(3)
    top1 = top10 = 0
    for ch, s in chars.items():
        if sloppy:
            s = strokedata.sloppy(s, rng, sloppy)
        got = [c.text for c in engine.candidates(s, 10, (box, box))]
        top1 += got[:1] == [ch]
        top10 += ch in got
    return f"top-1 {top1 / len(chars):.1%}, top-10 {top10 / len(chars):.1%} of {len(chars)}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--var", type=Path, help="var dir for rime's compiled data (default: a fresh temp dir)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine)")
    var = args.var or Path(tempfile.mkdtemp(prefix="bench-te-"))
    options = TextEntryOptions()
    t0 = time.perf_counter()
    methods = open_input_methods(options, var)
    print(f"engines opened in {time.perf_counter() - t0:.2f} s (rime compiles its dictionaries on first use)")
    for mode, err in methods.errors.items():
        print(f"  {mode} unavailable: {err.code}: {err.detail}")
    print(f"\nEntering {NAME}:")
    if methods.pinyin is not None:
        pinyin_entry(methods.pinyin, options.candidates_per_page)
    box, test_chars = strokes("strokes_mmah_test.json")
    kbox, kanjivg = strokes("strokes_kanjivg.json")
    models = [m for m in (BUNDLED_MODEL, TEGAKI_MODEL) if m.exists()]
    engines = {m: ZinniaHandwriting(m) for m in models}
    for engine in engines.values():
        handwriting_entry(engine, box, test_chars, options.candidates_per_page)
    print("\nCandidate latency:")
    if methods.pinyin is not None:
        print("  " + summary(f"per keystroke ({methods.pinyin.name})", keystroke_latency(methods.pinyin, args.rounds)))
        try:
            from kiosk.textentry.googlepinyin import GooglePinyinEngine

            print("  " + summary("per keystroke (googlepinyin)", keystroke_latency(GooglePinyinEngine.shared(),
                                                                                   args.rounds)))
        except TextEntryError as e:  # an optional comparison only
            print(f"  googlepinyin: {e.code}")
    for model, engine in engines.items():
        print("  " + summary(f"per stroke ({model.name}, {engine.characters} characters)",
                             stroke_latency(engine, box, test_chars, 1)))
    print("\nHandwriting accuracy:")
    for model, engine in engines.items():
        print(f"  {model.name}: synthetic writer on Make Me a Hanzi {accuracy(engine, box, test_chars)}; "
              f"KanjiVG {accuracy(engine, kbox, kanjivg)}")
        print(f"    the same writer, two neighbouring strokes swapped: {accuracy(engine, box, test_chars, 'swap')}; "
              f"joined: {accuracy(engine, box, test_chars, 'join')}")
    print(f"\nload average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
