"""Face-check benchmark: prints numbers, compares with the naive face_recognition-style peer.

    .venv/bin/python benchmarks/bench_face.py [--checks 3]

1. Per-frame cost of the tracking path (FaceMesh landmarks + tracker + quality) on clip frames.
2. One descriptor (plain, mirrored) and the portrait enrolment; the peer's HOG detection.
3. Full checks with the scripted applicant: decision latency after the last challenge, frames
   analysed per second, and the preview rate a UI polling camera.latest() sees meanwhile.
4. FMR/FNMR on ../shared/data/faces/meds-calibration at the kiosk threshold, and the naive peer
   (HOG detection, one descriptor, 0.6) in the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drivers.camera.factory import (  # noqa: E402
    SimulatedCameraOptions,
    create_simulated,
    resolve_clip_path,
)
from drivers.camera.sim import demo_portrait, load_clip, segments  # noqa: E402
from kiosk.face.embedding import embed  # noqa: E402
from kiosk.face.landmarks import Landmarker  # noqa: E402
from kiosk.face.models import dlib_models  # noqa: E402
from kiosk.face.naive_peer import NAIVE_THRESHOLD  # noqa: E402
from kiosk.face.options import FaceOptions  # noqa: E402
from kiosk.face.quality import assess  # noqa: E402
from kiosk.face.tracking import FaceTracker  # noqa: E402
from kiosk.face.verifier import FaceVerifier  # noqa: E402


def ms(values: list[float]) -> str:
    return f"median {1000 * statistics.median(values):6.1f} ms, p90 {1000 * np.percentile(values, 90):6.1f} ms"


def bench_frames(clip) -> None:
    options = FaceOptions()
    frames = [clip[i] for s in (segments.A_NEUTRAL, segments.A_TURN_LEFT, segments.A_BLINK) for i in s.frames()]
    landmarker, tracker = Landmarker(static=False, max_faces=2), FaceTracker(options)
    times = []
    for image in frames * 2:
        t0 = time.perf_counter()
        update = tracker.update(landmarker.detect(image))
        if update.face is not None:
            assess(image, update.face, options)
        times.append(time.perf_counter() - t0)
    landmarker.close()
    print(f"tracking path per frame (640x480, landmarks+track+quality): {ms(times)}")
    face = Landmarker(static=True).detect(frames[0])[0]
    for label, flip in (("one descriptor", False), ("one descriptor + mirrored", True)):
        t = []
        for _ in range(5):
            t0 = time.perf_counter()
            embed(frames[0], face, 0, flip)
            t.append(time.perf_counter() - t0)
        print(f"{label:<42}: {ms(t)}")
    rgb = cv2.cvtColor(frames[0], cv2.COLOR_BGR2RGB)
    t = []
    for _ in range(5):
        t0 = time.perf_counter()
        dlib_models().hog_detector(rgb, 1)
        t.append(time.perf_counter() - t0)
    print(f"{'peer: HOG detection, 1 upsample':<42}: {ms(t)}")


def preview(camera, stop: threading.Event, seen: set[int]) -> None:
    """What the UI's 60 Hz preview loop gets while the check runs."""
    while not stop.is_set():
        frame = camera.latest()
        if frame is not None:
            seen.add(frame.seq)
        time.sleep(1 / 60)


def bench_checks(clip_path: Path, count: int) -> None:
    verifier = FaceVerifier()
    t0 = time.perf_counter()
    reference = verifier.enrol(demo_portrait(clip_path))
    print(
        f"enrolment of the chip portrait (mirror + {verifier.options.enrol_jitters} jitters): "
        f"{1000 * (time.perf_counter() - t0):.0f} ms"
    )
    for seed in [0, 1, 6, 7, 4, 5][:count]:  # both turn orders, blink first and last
        camera = create_simulated(SimulatedCameraOptions(), ROOT / "var")
        camera.start()
        stop, seen = threading.Event(), set()
        viewer = threading.Thread(target=preview, args=(camera, stop, seen))
        viewer.start()
        checker = FaceVerifier(rng=random.Random(seed))
        decision = checker.check(camera, reference, lambda c, ch: None, threading.Event())
        stop.set()
        viewer.join()
        camera.stop()
        tm = decision.timings
        print(
            f"check {seed}: {decision.reason:<8} {'+'.join(decision.challenges):<20} "
            f"decision {1000 * tm.get('decision_s', float('nan')):4.0f} ms after the last "
            f"challenge, total {tm['total_s']:.2f} s, analysed {tm['frames'] / tm['total_s']:4.1f} "
            f"fps, preview {len(seen) / tm['total_s']:4.1f} fps"
        )


def bench_accuracy() -> None:
    spec = importlib.util.spec_from_file_location("calibrate", ROOT / "scripts" / "calibrate_faces.py")
    if spec is None or spec.loader is None:
        return
    cal = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cal)
    folder = ROOT.parent / "shared" / "data" / "faces" / "meds-calibration"
    if not folder.is_dir():
        print(f"accuracy: skipped, folder missing: {folder}")
        return
    files = sorted(folder.glob("*.jpg"))
    threshold = FaceOptions().threshold
    jitters = FaceOptions().enrol_jitters
    naive, _ = cal.describe(files, cal.naive_embed)
    ref, _ = cal.describe(files, cal.kiosk_describer(jitters, True))
    probe, _ = cal.describe(files, cal.kiosk_describer(0, True))
    for label, (g, i), t in (
        (f"kiosk (threshold {threshold:.2f})", cal.scores(ref, probe), threshold),
        ("peer: HOG, 1 descriptor, 0.6", cal.scores(naive, naive), NAIVE_THRESHOLD),
        ("peer pipeline at the kiosk threshold", cal.scores(naive, naive), threshold),
    ):
        fmr, fnmr = cal.rates(g, i, t)
        print(f"{label:<38}: FMR {fmr:6.2%}  FNMR {fnmr:5.1%}  ({len(g)} genuine, {len(i)} impostor pairs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--checks", type=int, default=3)
    args = parser.parse_args()
    clip_path = resolve_clip_path(SimulatedCameraOptions().clip_path)
    if not clip_path.is_file():
        print(f"clip missing: {clip_path}")
        return 2
    clip = load_clip(clip_path, frozenset(i for s in segments.ALL for i in s.frames()))
    bench_frames(clip)
    bench_checks(clip_path, args.checks)
    bench_accuracy()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
