"""Shared helpers for the face tests: locate the test data, build cameras, run checks.

The demo clip ships with the project (assets/demo/); only the portraits and the calibration set
live in ../shared/data (tests.conftest.shared_data)."""

from __future__ import annotations

import random
import threading
from pathlib import Path

from drivers.camera.factory import SimulatedCameraOptions, create_simulated, resolve_clip_path
from drivers.camera.sim import demo_portrait
from drivers.camera.sim.player import ScriptedCamera
from kiosk.face.options import FaceOptions
from kiosk.face.verifier import FaceDecision, FaceReference, FaceVerifier
from tests.conftest import shared_data

ROOT = Path(__file__).resolve().parents[3]
CLIP = resolve_clip_path(SimulatedCameraOptions().clip_path)  # the shipped demo clip

# Seeds of random.Random giving these challenge sets (checked in test_face_scenarios).
SEED_BLINK_RIGHT = 1  # ('blink', 'turn_right')
SEED_BLINK_LEFT = 4  # ('blink', 'turn_left')
SEED_LEFT_RIGHT = 0  # ('turn_left', 'turn_right')
SEED_RIGHT_BLINK = 6  # ('turn_right', 'blink')


def portraits() -> Path:
    """The face_recognition test portraits (obama*, biden*, ...) in ../shared/data."""
    return shared_data("faces", "portraits")


_reference: FaceReference | None = None


def demo_reference() -> FaceReference:
    """The chip portrait of the demo applicant, enrolled once per test session."""
    global _reference
    if _reference is None:
        _reference = FaceVerifier().enrol(demo_portrait(CLIP))
    return _reference


def run_check(
    scenario: str,
    seed: int,
    reference: FaceReference | None = None,
    options: FaceOptions | None = None,
    cancel: threading.Event | None = None,
    guidance: list[tuple[str, str | None]] | None = None,
    cameras: list[ScriptedCamera] | None = None,
) -> FaceDecision:
    """One check of ``scenario``; ``cameras`` receives the camera, to look at what its script did."""
    reference = reference or demo_reference()
    verifier = FaceVerifier(options or FaceOptions(), rng=random.Random(seed))
    camera = create_simulated(SimulatedCameraOptions(scenario=scenario), ROOT / "var")
    assert isinstance(camera, ScriptedCamera)
    if cameras is not None:
        cameras.append(camera)
    camera.start()
    seen = guidance if guidance is not None else []
    try:
        return verifier.check(camera, reference, lambda code, ch: seen.append((code, ch)), cancel or threading.Event())
    finally:
        camera.stop()
