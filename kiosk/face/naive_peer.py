"""The naive peer the benchmarks compare against: what `face_recognition` 1.3.0 does by default
(HOG detector with one upsample, 5-point alignment, one descriptor per image, distance 0.6).
Reimplemented on the same dlib models because face_recognition itself installs only with
--no-deps; used by the calibration script and the benchmark, never by the kiosk."""

from __future__ import annotations

import cv2
import numpy as np

from kiosk.face.models import dlib_models

NAIVE_THRESHOLD = 0.6


def naive_embed(image_bgr: np.ndarray) -> np.ndarray | None:
    models = dlib_models()
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    with models.lock:
        boxes = models.hog_detector(rgb, 1)
        if len(boxes) == 0:
            return None
        box = max(boxes, key=lambda r: r.area())
        shape = models.shape_predictor(rgb, box)
        return np.array(models.descriptor.compute_face_descriptor(rgb, shape, 1))
