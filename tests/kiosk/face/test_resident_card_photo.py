"""The demo applicant on her simulated resident ID card: the card's 1 KB photo (102 x 126, the
simulator's test codec) must still be her at the kiosk's threshold, or the default journey would
end in a face mismatch whenever the check sees fewer good frames (a busy CPU)."""

from __future__ import annotations

import statistics

import cv2
import pytest
from face_testdata import CLIP, SEED_BLINK_RIGHT, SEED_LEFT_RIGHT, run_check

from drivers.camera.sim import demo_portrait, segments
from drivers.camera.sim.clip import load_clip
from drivers.residentid import factory
from kiosk.face.options import FaceOptions
from kiosk.face.verifier import FaceReference, FaceVerifier

_reference: FaceReference | None = None


def card_photo_reference() -> FaceReference:
    global _reference
    if _reference is None:
        options = factory.SimulatedResidentReaderOptions(insert_after_s=0.0, portrait="camera")
        reader = factory.create_simulated(options, portrait_data=demo_portrait(CLIP))
        try:
            assert reader.wait_for_card(5.0) is not None
            identity = reader.read()
            assert identity.photo.usable and identity.portrait_format == "bmp"
            _reference = FaceVerifier().enrol(bytes(identity.portrait))
        finally:
            reader.close()
    return _reference


def test_the_card_photo_is_within_the_threshold_of_her_frontal_frames() -> None:
    verifier = FaceVerifier()
    card = card_photo_reference()
    clip = load_clip(CLIP, segments.USED_FRAMES)
    frontal = [*segments.A_NEUTRAL.frames(), *segments.A_BLINK.frames()]
    frames = [verifier.enrol(cv2.imencode(".png", clip[i])[1].tobytes()) for i in frontal]
    median = statistics.median(verifier.compare(card, frame)[0] for frame in frames)
    assert median <= FaceOptions().threshold, median


@pytest.mark.parametrize("seed", [SEED_BLINK_RIGHT, SEED_LEFT_RIGHT])
def test_the_live_applicant_matches_her_card_photo(seed: int) -> None:
    decision = run_check("applicant", seed, reference=card_photo_reference())
    assert (decision.passed, decision.reason) == (True, "match"), decision
