"""Calibrate the face-match threshold on the shared MEDS-II subset and write the report.

    .venv/bin/python scripts/calibrate_faces.py [--data ../shared/data/faces] [--out config/face-threshold-report.md]

Genuine pairs: two images of the same S-number; impostor pairs: different S-numbers. Every image
is described once per pipeline variant, then all pairs are scored, the first image of a pair in
the role of the chip portrait (reference) and the second in the role of the live face (probe).
Rule for the operating point: the smallest impostor distance of the kiosk pipeline minus a
margin of 0.02, rounded down to 0.01, so the measured FMR is zero with room to spare; with only
a few hundred impostor pairs that bounds the true FMR only loosely, which the report states.
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.face.embedding import embed  # noqa: E402
from kiosk.face.geometry import head_pose  # noqa: E402
from kiosk.face.landmarks import Landmarker  # noqa: E402
from kiosk.face.naive_peer import NAIVE_THRESHOLD, naive_embed  # noqa: E402

TARGET_FMR = 0.001
MARGIN = 0.02
PROFILE_YAW = 45.0  # MEDS has profile shots; a chip portrait never is one
Describer = Callable[[np.ndarray], "np.ndarray | None"]


def subject(path: Path) -> str:
    return path.name.split("-")[0]


def describe(files: list[Path], fn: Describer) -> tuple[dict[Path, np.ndarray], float]:
    out = {}
    t0 = time.perf_counter()
    for f in files:
        image = cv2.imread(str(f))
        if image is not None and (vec := fn(image)) is not None:
            out[f] = vec
    return out, (time.perf_counter() - t0) / max(1, len(files))


def scores(ref: dict[Path, np.ndarray], probe: dict[Path, np.ndarray]) -> tuple[list[float], list[float]]:
    genuine, impostor = [], []
    for a, b in itertools.combinations(sorted(ref.keys() & probe.keys()), 2):
        d = float(np.linalg.norm(ref[a] - probe[b]))
        (genuine if subject(a) == subject(b) else impostor).append(d)
    return genuine, impostor


def rates(genuine: list[float], impostor: list[float], t: float) -> tuple[float, float]:
    fnmr = sum(d > t for d in genuine) / len(genuine)
    fmr = sum(d <= t for d in impostor) / len(impostor)
    return fmr, fnmr


def kiosk_describer(jitters: int, flip: bool) -> Describer:
    """The kiosk's own path: FaceMesh landmarks, dlib 5-point alignment, ResNet descriptor."""
    landmarker = Landmarker(static=True, max_faces=1)

    def fn(image: np.ndarray) -> np.ndarray | None:
        faces = landmarker.detect(image)
        if not faces:
            return None
        yaw, _, _ = head_pose(faces[0].points, (image.shape[1], image.shape[0]))
        if abs(yaw) > PROFILE_YAW:
            return None
        return embed(image, faces[0], jitters=jitters, flip=flip)

    return fn


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "faces"))
    parser.add_argument("--out", default=str(ROOT / "config" / "face-threshold-report.md"))
    parser.add_argument("--jitters", type=int, default=4)
    args = parser.parse_args()
    folder = Path(args.data) / "meds-calibration"
    if not folder.is_dir():
        print(f"calibration folder missing: {folder}", file=sys.stderr)
        return 2
    files = sorted(folder.glob("*.jpg"))
    j = args.jitters
    describers = {
        "naive": naive_embed,
        "plain": kiosk_describer(0, False),
        "mirror": kiosk_describer(0, True),
        "mirror+jitter": kiosk_describer(j, True),
    }
    vectors = {}
    for key, fn in describers.items():
        vectors[key] = describe(files, fn)
        print(f"{key}: {len(vectors[key][0])}/{len(files)} images described", flush=True)

    rows = [  # (label, reference vectors, probe vectors, seconds per image, fixed threshold)
        ("naive peer: HOG, 1 descriptor, both sides", "naive", "naive", NAIVE_THRESHOLD),
        ("kiosk path, 1 plain descriptor each side", "plain", "plain", None),
        (f"kiosk: portrait mirror+{j} jitters / live frame mirror", "mirror+jitter", "mirror", None),
        (f"same, live side mirror+{j} jitters (stand-in for fused frames)", "mirror+jitter",
         "mirror+jitter", None),
    ]  # fmt: skip
    chosen = 2
    g, i = scores(vectors[rows[chosen][1]][0], vectors[rows[chosen][2]][0])
    threshold = math.floor((min(i) - MARGIN) * 100) / 100
    lines = header(files, threshold, rows[chosen][0], g, i)
    for label, ref_key, probe_key, fixed in rows:
        g, i = scores(vectors[ref_key][0], vectors[probe_key][0])
        sec = vectors[probe_key][1]
        for t in sorted({fixed} if fixed else {threshold, 0.45, NAIVE_THRESHOLD}):
            fmr, fnmr = rates(g, i, t)
            lines.append(
                f"| {label} | {len(g)} / {len(i)} | {t:.2f} | {fmr:.2%} | {fnmr:.1%} |"
                f" {min(i):.3f} | {max(g):.3f} | {sec:.2f} |"
            )
    lines += ["", "Images not described (no face found, or a profile view beyond 45 degrees):"]
    for key, (vecs, _) in vectors.items():
        skipped = sorted(f.name for f in files if f not in vecs)
        lines.append(f"- {key}: {', '.join(skipped) or 'none'}")
    lines += footer(len(scores(vectors["mirror+jitter"][0], vectors["mirror"][0])[1]))
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


def header(files: list[Path], threshold: float, chosen: str, g: list[float], i: list[float]) -> list[str]:
    fmr, fnmr = rates(g, i, threshold)
    return [
        "# Face-match threshold report",
        "",
        "Generated by `scripts/calibrate_faces.py` from `../shared/data/faces/meds-calibration/`",
        f"({len(files)} MEDS-II mugshots, {len({subject(f) for f in files})} subjects). Distance:",
        "Euclidean between dlib ResNet descriptors; a pair matches when distance <= threshold.",
        "First image of a pair = chip portrait (reference), second = live face (probe).",
        "",
        f"**Operating point: `FaceOptions.threshold = {threshold:.2f}`** for the pipeline",
        f"'{chosen}': FMR {fmr:.2%}, FNMR {fnmr:.1%} on this set (target FMR <= {TARGET_FMR:.1%}).",
        f"Rule: smallest impostor distance minus {MARGIN}, rounded down. Genuine distances: median",
        f"{statistics.median(g):.3f}; impostor: median {statistics.median(i):.3f}, min {min(i):.3f}.",
        "",
        "| pipeline | genuine / impostor pairs | threshold | FMR | FNMR | min impostor | max genuine" " | s/image |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]


def footer(impostor_pairs: int) -> list[str]:
    return [
        "",
        "Caveats",
        f"- {impostor_pairs} impostor pairs: zero observed false matches bounds the true FMR only",
        f"  below ~{3 / impostor_pairs:.2%} (rule of three, 95 %). The field notes' larger MEDS-II",
        "  run (6,234 impostor pairs, one plain descriptor per side) measured FMR 0.016 % at 0.40",
        "  and 0.21 % at 0.45, consistent with a 0.1 % point between the two.",
        "- Genuine pairs are years apart (ageing, cameras) with one image per side. The live check",
        "  fuses 3+ real frames (different pose, light, expression); jittering one still image is",
        "  only a rough stand-in for that, shown for comparison, not used to set the threshold.",
        "- The set is small (17 subjects). Re-run with `diag face-match --pairs` on the kiosk's own",
        "  camera before a deployment changes the threshold.",
    ]


if __name__ == "__main__":
    raise SystemExit(main())
