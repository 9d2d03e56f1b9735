"""Face-check settings, each checked against its range when made. The match thresholds come from
config/face-threshold-report.md (full-size document portraits) and
config/face-card-photo-report.md (resident card photos)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from drivers.option_fields import STRICT, OptionError
from kiosk.face.reference_kind import ReferenceKind

CHALLENGES = ("blink", "turn_left", "turn_right")

Fraction = Annotated[float, Field(gt=0, lt=1)]
Degrees = Annotated[float, Field(gt=0, le=90)]
Frames = Annotated[int, Field(ge=1, le=100)]
Luma = Annotated[float, Field(ge=0, le=255)]


@dataclass(frozen=True, config=STRICT)
class FaceOptions:
    # dlib descriptor distance; see config/face-threshold-report.md. Above 0.6 (dlib's own default)
    # one impostor in nine passes: no setting for an identity check.
    # Reference: a full-size chip portrait (ICAO DG2).
    threshold: Annotated[float, Field(gt=0, le=0.6)] = 0.42
    # Reference: a resident card's 102 x 126 photo (1 KB); see config/face-card-photo-report.md.
    # Set for FMR <= 0.1 %: most genuine card photos fail at it (the photo is too small and too
    # compressed for this descriptor), and those applicants go to staff.
    threshold_card_photo: Annotated[float, Field(gt=0, le=0.6)] = 0.40
    continuity_threshold: Annotated[float, Field(gt=0, le=1)] = 0.55  # same person across the check
    challenge_count: Annotated[int, Field(ge=1, le=len(CHALLENGES))] = 2  # drawn from CHALLENGES; always >= 1 turn
    challenge_time_s: Annotated[float, Field(gt=0, le=60)] = 5.0  # per challenge
    acquire_timeout_s: Annotated[float, Field(gt=0, le=120)] = 12.0  # to get a usable frontal face at the start
    baseline_frames: Frames = 8  # compliant frames that set the person's own pose/eye baseline
    embed_frames: Annotated[int, Field(ge=1, le=20)] = 3  # frames described during the baseline, fused
    enrol_jitters: Annotated[int, Field(ge=0, le=100)] = 4  # extra jittered descriptors of the chip portrait
    min_eye_distance_px: Annotated[float, Field(gt=0, le=1000)] = 60.0  # outer eye corners; ~ 80 px face width
    max_yaw_deg: Degrees = 20.0
    max_pitch_deg: Degrees = 28.0
    min_sharpness: Annotated[float, Field(ge=0, le=100_000)] = 50.0  # Laplacian variance of the 96x96 crop
    min_brightness: Luma = 40.0  # mean luma inside the face outline (clip, back-lit: 32-125)
    max_brightness: Luma = 215.0
    min_ear: Fraction = 0.12  # below: eyes shut; no baseline frame
    blink_drop: Fraction = 0.3  # each eye below (1 - drop) x its own recent open level
    blink_max_s: Annotated[float, Field(gt=0, le=10)] = 0.8
    min_reaction_s: Annotated[float, Field(ge=0, le=10)] = 0.2  # sooner after the prompt: not a reaction
    turn_deg: Degrees = 15.0  # yaw change from the person's own frontal baseline
    unrequested_turn_deg: Degrees = 30.0  # a turn this large during a blink challenge fails it
    flat_residual_min: Annotated[float, Field(ge=0, le=1)] = 0.015  # homography residual / eye distance
    flat_check_deg: Degrees = 15.0  # yaw turned within one track before the planarity verdict
    second_face_ratio: Annotated[float, Field(gt=0, le=2)] = 0.5  # a second face at least this size...
    second_face_frames: Frames = 3  # ...in this many consecutive frames aborts the check
    lost_face_frames: Frames = 6  # frames without the face before a reappearance is a new track

    def threshold_for(self, kind: ReferenceKind) -> float:
        """The match threshold calibrated for references of this kind."""
        return self.threshold_card_photo if kind is ReferenceKind.RESIDENT_CARD else self.threshold

    def __post_init__(self) -> None:
        if self.min_brightness >= self.max_brightness:
            raise OptionError("max_brightness", f"must be above min_brightness ({self.min_brightness:g})")
        if self.unrequested_turn_deg <= self.turn_deg:
            raise OptionError("unrequested_turn_deg", f"must be above turn_deg ({self.turn_deg:g}): "
                                                      "a requested turn would fail the blink challenge")
