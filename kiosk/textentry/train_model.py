"""Build the kiosk's own zinnia handwriting model from Make Me a Hanzi stroke data.

    python -m kiosk.textentry.train_model --strokes DIR [--out FILE] [--samples 7]

DIR is an unpacked ``npm pack hanzi-writer-data@2.0.1`` (its ``package/`` folder). The character
set is every GB 2312 level-1 character (the 3,755 most used) plus the level-2 characters among the
most frequent in the pinyin_simp dictionary's weights (Apache-2.0, Debian rime-data-pinyin-simp),
all in their Simplified form. Each character is learned from its font medians plus ``samples - 1``
distorted copies drawn with a fixed seed, so the same inputs give the same model. The output is
Arphic Public License data (it derives from Arphic fonts): ship it with ARPHICPL.TXT.
"""

from __future__ import annotations

import argparse
import collections
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kiosk.textentry import strokedata
from kiosk.textentry.simplified import in_gb2312, to_simplified

PINYIN_SIMP_DICT = Path("/usr/share/rime-data/pinyin_simp.dict.yaml")
LEVEL2_EXTRA = 700
SEED = 20261130


def char_weights(dict_path: Path = PINYIN_SIMP_DICT) -> collections.Counter[str]:
    """Usage weight of each single character, summed over its readings."""
    weights: collections.Counter[str] = collections.Counter()
    body = False
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        if line.startswith("..."):
            body = True
            continue
        if not body or not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts[0]) == 1 and len(parts) > 2 and parts[2].isdigit():
            weights[parts[0]] += int(parts[2])
    return weights


def gb2312_level1(ch: str) -> bool:
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xB0 <= b[0] <= 0xD7


def character_set(available: set[str], weights: collections.Counter[str], extra: int = LEVEL2_EXTRA) -> list[str]:
    simplified = {c for c in available if in_gb2312(c) and to_simplified(c) == c}
    level1 = sorted(c for c in simplified if gb2312_level1(c))
    ranked = [c for c, _ in weights.most_common() if c in simplified and not gb2312_level1(c)]
    return level1 + sorted(ranked[:extra])


def write_training_file(source: Path, chars: list[str], samples: int, out: Path, sloppy: float = 0.0) -> int:
    """``sloppy``: the share of distorted samples that also swap or join two neighbouring strokes."""
    rng = random.Random(SEED)
    n = 0
    with out.open("w", encoding="utf-8") as f:
        for ch in chars:
            base = strokedata.load_medians(source, ch)
            if base is None:
                continue
            f.write(strokedata.to_sexp(ch, base) + "\n")
            for _ in range(samples - 1):
                sample = strokedata.distort(base, rng)
                if sloppy and rng.random() < sloppy:
                    sample = strokedata.sloppy(sample, rng)
                f.write(strokedata.to_sexp(ch, sample) + "\n")
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--strokes", type=Path, required=True, help="unpacked hanzi-writer-data package folder")
    ap.add_argument("--out", type=Path, default=Path("assets/textentry/handwriting-zh_CN-mmah.model"))
    ap.add_argument("--samples", type=int, default=7)
    ap.add_argument("--sloppy", type=float, default=0.0,
                    help="share of distorted samples with two neighbouring strokes swapped or joined")
    ap.add_argument("--chars", type=Path, help="write the character list here too")
    args = ap.parse_args(argv)
    if shutil.which("zinnia_learn") is None:
        print("zinnia_learn not found: install Debian's zinnia-utils", file=sys.stderr)
        return 2
    chars = character_set(strokedata.available_chars(args.strokes), char_weights())
    with tempfile.TemporaryDirectory() as tmp:
        train = Path(tmp) / "train.s"
        n = write_training_file(args.strokes, chars, args.samples, train, args.sloppy)
        print(f"training {n} characters x {args.samples} samples", file=sys.stderr)
        model = Path(tmp) / "model"
        subprocess.run(["zinnia_learn", str(train), str(model)], check=True, stdout=subprocess.DEVNULL)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(model, args.out)
    if args.chars:
        args.chars.write_text("".join(chars) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
