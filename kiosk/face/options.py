"""Face-check settings. The threshold comes from config/face-threshold-report.md."""

from __future__ import annotations

from dataclasses import dataclass

CHALLENGES = ("blink", "turn_left", "turn_right")


@dataclass(frozen=True)
class FaceOptions:
    threshold: float = 0.42  # dlib descriptor distance; see config/face-threshold-report.md
    continuity_threshold: float = 0.55  # same person across the check (same camera, same minute)
    challenge_count: int = 2  # drawn without replacement from CHALLENGES; always >= 1 turn
    challenge_time_s: float = 5.0  # per challenge
    acquire_timeout_s: float = 12.0  # to get a usable frontal face at the start
    baseline_frames: int = 8  # compliant frames that set the person's own pose/eye baseline
    embed_frames: int = 3  # frames described during the baseline and fused for the match
    enrol_jitters: int = 4  # extra jittered descriptors of the chip portrait (enrolment is off-line)
    min_eye_distance_px: float = 60.0  # outer eye corners; ~ 80 px face width
    max_yaw_deg: float = 20.0
    max_pitch_deg: float = 28.0
    min_sharpness: float = 50.0  # Laplacian variance of the 96x96 face crop (clip: 300-1100)
    min_brightness: float = 40.0  # mean luma inside the face outline (clip, back-lit: 32-125)
    max_brightness: float = 215.0
    min_ear: float = 0.12  # below: eyes shut; no baseline frame
    blink_drop: float = 0.3  # each eye below (1 - drop) x its own recent open level
    blink_max_s: float = 0.8
    min_reaction_s: float = 0.2  # an action sooner than this after the prompt was not a reaction
    turn_deg: float = 15.0  # yaw change from the person's own frontal baseline
    unrequested_turn_deg: float = 30.0  # a turn this large during a blink challenge fails it
    flat_residual_min: float = 0.015  # texture homography residual / eye distance (print ~0.01)
    flat_check_deg: float = 15.0  # yaw turned within one track before the planarity verdict
    second_face_ratio: float = 0.5  # a second face at least this size (vs the tracked one)...
    second_face_frames: int = 3  # ...in this many consecutive frames aborts the check
    lost_face_frames: int = 6  # frames without the face before a reappearance is a new track
