"""Quality gate: is this frame good enough to set a baseline and to describe the face?"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.face.geometry import eye_aspect_ratio, head_pose
from kiosk.face.landmarks import FaceObservation
from kiosk.face.options import FaceOptions

# Stable guidance codes the UI translates.
MOVE_CLOSER = "move_closer"
FACE_CAMERA = "face_camera"
MORE_LIGHT = "more_light"
HOLD_STILL = "hold_still"


@dataclass(frozen=True)
class Quality:
    yaw: float
    pitch: float
    roll: float
    ear: float
    eye_distance: float
    sharpness: float
    brightness: float
    guidance: str | None  # None: compliant


def face_crop(image: np.ndarray, face: FaceObservation, size: int = 96) -> np.ndarray:
    cx, cy = face.center
    half = 0.85 * face.eye_distance
    h, w = image.shape[:2]
    x0, y0 = max(0, int(cx - half)), max(0, int(cy - half))
    x1, y1 = min(w, int(cx + half)), min(h, int(cy + half))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return np.zeros((size, size), np.uint8)
    gray = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    return cv2.resize(gray, (size, size), interpolation=cv2.INTER_AREA)


def face_brightness(image: np.ndarray, face: FaceObservation) -> float:
    """Mean luma inside the face outline: hair, helmets and sky around it do not count."""
    x0, y0, x1, y1 = (int(v) for v in face.box)
    h, w = image.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1 + 1), min(h, y1 + 1)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return 0.0
    gray = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    mask = np.zeros(gray.shape, np.uint8)
    hull = cv2.convexHull((face.points - [x0, y0]).astype(np.int32))
    cv2.fillConvexPoly(mask, hull, 255)
    return float(cv2.mean(gray, mask)[0])


def assess(image: np.ndarray, face: FaceObservation, options: FaceOptions) -> Quality:
    h, w = image.shape[:2]
    yaw, pitch, roll = head_pose(face.points, (w, h))
    ear = eye_aspect_ratio(face.points)
    crop = face_crop(image, face)
    sharpness = float(cv2.Laplacian(crop, cv2.CV_64F).var())
    brightness = face_brightness(image, face)
    guidance: str | None = None
    if face.eye_distance < options.min_eye_distance_px:
        guidance = MOVE_CLOSER
    elif not (abs(yaw) <= options.max_yaw_deg and abs(pitch) <= options.max_pitch_deg):
        guidance = FACE_CAMERA
    elif brightness < options.min_brightness:
        guidance = MORE_LIGHT
    elif brightness > options.max_brightness:
        guidance = FACE_CAMERA  # back-lit or glare: turning towards the screen helps most
    elif sharpness < options.min_sharpness:
        guidance = HOLD_STILL
    elif ear < options.min_ear:
        guidance = FACE_CAMERA  # eyes shut: wait for an open-eyed frame
    return Quality(yaw, pitch, roll, ear, face.eye_distance, sharpness, brightness, guidance)
