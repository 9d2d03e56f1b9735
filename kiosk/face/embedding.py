"""Aligned 128-D face descriptors (dlib ResNet) and their fusion."""

from __future__ import annotations

import cv2
import numpy as np

from kiosk.face.descriptor_worker import descriptor_worker
from kiosk.face.landmarks import FaceObservation
from kiosk.face.models import dlib_models

# dlib's 5-point model was trained on its HOG detector's boxes; measured on the shared portraits,
# that box is a square of 1.67 eye distances (outer corners) centred on the FaceMesh centroid.
_BOX_PER_EYE_DISTANCE = 1.67


def _rect(face: FaceObservation):  # -> dlib.rectangle
    dlib = dlib_models().dlib
    cx, cy = face.center
    half = _BOX_PER_EYE_DISTANCE * face.eye_distance / 2
    return dlib.rectangle(int(cx - half), int(cy - half), int(cx + half), int(cy + half))


def embed(image_bgr: np.ndarray, face: FaceObservation, jitters: int = 0, flip: bool = True) -> np.ndarray:
    """Descriptor of one face. ``flip`` also describes the mirrored face chip and averages the two,
    which measurably lowers FNMR on the calibration set (see config/face-threshold-report.md)."""
    models = dlib_models()
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    with models.lock:  # alignment is ~1 ms in this process; the descriptor runs in the child
        shape = models.shape_predictor(rgb, _rect(face))
        chip = models.dlib.get_face_chip(rgb, shape, size=150, padding=0.25)
    chips = [chip, np.ascontiguousarray(chip[:, ::-1])] if flip else [chip]
    return descriptor_worker().describe(chips, jitters)


def fuse(vectors: list[np.ndarray]) -> np.ndarray:
    """Template of several frames of one person: the mean descriptor (dlib's space is Euclidean,
    and averaging suppresses per-frame noise from pose, blur and expression)."""
    if not vectors:
        raise ValueError("nothing to fuse")
    return np.mean(np.stack(vectors), axis=0)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b))
