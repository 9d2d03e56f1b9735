"""`main.py diag face-match IMAGE_A IMAGE_B [--json]` and `--pairs FILE`.

Exit status: 0 the faces match, 1 they do not, 2 could not decide (missing file, no face...).
With --pairs (CSV, two image paths a line) the models load once and each pair prints one JSON
line; the exit status is 2 if any pair could not be scored, else 0. Used to check a new camera
against the calibrated threshold (config/face-threshold-report.md): the kiosk config's [face]
options, unless --threshold overrides it. With --card-photo the first image is a resident card's
decoded photo, enrolled and judged as the kiosk does such a reference (threshold_card_photo,
config/face-card-photo-report.md; --threshold then overrides that one)."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import sys

from pydantic import ValidationError

from drivers.option_fields import explain
from kiosk.diag.arguments import MAX_IMAGE_BYTES, MAX_LIST_BYTES, InputFileError, existing_file, number, read_bounded
from kiosk.diag.arguments import read_text as read_list
from kiosk.face.errors import FaceError
from kiosk.face.options import FaceOptions
from kiosk.face.reference_kind import ReferenceKind
from kiosk.face.verifier import FaceReference, FaceVerifier


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("image_a", nargs="?", help="first image (e.g. the chip portrait)")
    parser.add_argument("image_b", nargs="?", help="second image (e.g. a camera still)")
    parser.add_argument("--pairs", metavar="FILE", type=existing_file(MAX_LIST_BYTES),
                        help="CSV of image pairs, one pair a line")
    parser.add_argument("--threshold", type=number(float, 0.01, 2.0), default=None,
                        help="override the configured threshold (threshold_card_photo with --card-photo)")
    parser.add_argument("--card-photo", action="store_true",
                        help="the first image (column) is a resident card's decoded 102x126 photo")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


Cache = dict[tuple[str, ReferenceKind], FaceReference]


def _enrol(verifier: FaceVerifier, path: str, kind: ReferenceKind, cache: Cache) -> FaceReference:
    if (path, kind) not in cache:
        try:
            data = read_bounded(path, MAX_IMAGE_BYTES)
        except InputFileError as exc:
            raise FaceError(f"cannot read {exc}") from None
        cache[path, kind] = verifier.enrol(data, kind)
    return cache[path, kind]


def _score(verifier: FaceVerifier, a: str, b: str, kind: ReferenceKind, cache: Cache) -> dict:
    """``a`` in the role of the document photo (of ``kind``), ``b`` in the role of the live face."""
    try:
        reference = _enrol(verifier, a, kind, cache)
        dist, match = verifier.compare(reference, _enrol(verifier, b, ReferenceKind.ICAO_DG2, cache))
    except FaceError as exc:
        return {"a": a, "b": b, "error": exc.code, "detail": exc.detail}
    return {
        "a": a,
        "b": b,
        "distance": round(dist, 4),
        "threshold": verifier.options.threshold_for(kind),
        "reference_kind": kind.value,
        "match": match,
    }


def run(args: argparse.Namespace) -> int:
    settings = getattr(args, "settings", None)
    options = settings.face if settings is not None else FaceOptions()
    kind = ReferenceKind.RESIDENT_CARD if args.card_photo else ReferenceKind.ICAO_DG2
    if args.threshold is not None:
        field = "threshold_card_photo" if args.card_photo else "threshold"
        try:
            options = dataclasses.replace(options, **{field: args.threshold})
        except ValidationError as exc:
            print(f"--threshold: {explain(FaceOptions, exc)[1]}", file=sys.stderr)
            return 2
    if args.pairs:
        try:
            text = read_list(args.pairs, MAX_LIST_BYTES)
            rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
        except (InputFileError, csv.Error) as exc:
            print(json.dumps({"error": "pairs_unreadable", "detail": str(exc)}))
            return 2
    elif not (args.image_a and args.image_b):
        print("face-match needs IMAGE_A IMAGE_B or --pairs FILE", file=sys.stderr)
        return 2
    verifier = FaceVerifier(options)
    cache: Cache = {}
    if args.pairs:
        failed = False
        for row in rows:
            if len(row) < 2:
                result = {"error": "bad_line", "detail": ",".join(row)}
            else:
                result = _score(verifier, row[0].strip(), row[1].strip(), kind, cache)
            failed |= "error" in result
            print(json.dumps(result), flush=True)
        return 2 if failed else 0
    result = _score(verifier, args.image_a, args.image_b, kind, cache)
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
