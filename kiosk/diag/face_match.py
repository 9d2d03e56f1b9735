"""`main.py diag face-match IMAGE_A IMAGE_B [--json]` and `--pairs FILE`.

Exit status: 0 the faces match, 1 they do not, 2 could not decide (missing file, no face...).
With --pairs (CSV, two image paths a line) the models load once and each pair prints one JSON
line; the exit status is 2 if any pair could not be scored, else 0. Used to check a new camera
against the calibrated threshold (config/face-threshold-report.md)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from drivers.option_fields import explain
from kiosk.face.errors import FaceError
from kiosk.face.options import FaceOptions
from kiosk.face.verifier import FaceReference, FaceVerifier


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("image_a", nargs="?", help="first image (e.g. the chip portrait)")
    parser.add_argument("image_b", nargs="?", help="second image (e.g. a camera still)")
    parser.add_argument("--pairs", metavar="FILE", help="CSV of image pairs, one pair a line")
    parser.add_argument("--threshold", type=float, default=None, help="override the threshold")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _enrol(verifier: FaceVerifier, path: str, cache: dict[str, FaceReference]) -> FaceReference:
    if path not in cache:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise FaceError(f"cannot read {path}: {exc.strerror}") from exc
        cache[path] = verifier.enrol(data)
    return cache[path]


def _score(verifier: FaceVerifier, a: str, b: str, cache: dict[str, FaceReference]) -> dict:
    try:
        dist, match = verifier.compare(_enrol(verifier, a, cache), _enrol(verifier, b, cache))
    except FaceError as exc:
        return {"a": a, "b": b, "error": exc.code, "detail": exc.detail}
    return {
        "a": a,
        "b": b,
        "distance": round(dist, 4),
        "threshold": verifier.options.threshold,
        "match": match,
    }


def run(args: argparse.Namespace) -> int:
    try:
        options = FaceOptions() if args.threshold is None else FaceOptions(threshold=args.threshold)
    except ValidationError as exc:
        print(f"--{': '.join(explain(FaceOptions, exc))}", file=sys.stderr)
        return 2
    verifier = FaceVerifier(options)
    cache: dict[str, FaceReference] = {}
    if args.pairs:
        try:
            with open(args.pairs, newline="", encoding="utf-8") as handle:
                rows = [r for r in csv.reader(handle) if r and not r[0].startswith("#")]
        except OSError as exc:
            print(json.dumps({"error": "pairs_unreadable", "detail": str(exc)}))
            return 2
        failed = False
        for row in rows:
            if len(row) < 2:
                result = {"error": "bad_line", "detail": ",".join(row)}
            else:
                result = _score(verifier, row[0].strip(), row[1].strip(), cache)
            failed |= "error" in result
            print(json.dumps(result), flush=True)
        return 2 if failed else 0
    if not (args.image_a and args.image_b):
        print("face-match needs IMAGE_A IMAGE_B or --pairs FILE", file=sys.stderr)
        return 2
    result = _score(verifier, args.image_a, args.image_b, cache)
    if args.json:
        print(json.dumps(result))
    elif "error" in result:
        print(f"error: {result['error']} ({result['detail']})")
    else:
        verdict = "MATCH" if result["match"] else "NO MATCH"
        print(f"{verdict}: distance {result['distance']:.4f}, threshold {result['threshold']:.2f}")
    if "error" in result:
        return 2
    return 0 if result["match"] else 1


def main() -> int:  # pragma: no cover - for running without main.py
    parser = argparse.ArgumentParser(prog="diag face-match", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
