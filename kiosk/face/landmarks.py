"""Per-frame face landmarks (FaceMesh, 468 points), one observation per face in view."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from kiosk.face.models import face_mesh

# FaceMesh indices used across the pipeline.
RIGHT_EYE_OUTER, RIGHT_EYE_INNER = 33, 133  # the person's right eye (image left)
LEFT_EYE_INNER, LEFT_EYE_OUTER = 362, 263
NOSE_TIP, CHIN = 1, 152
MOUTH_RIGHT, MOUTH_LEFT = 61, 291


@dataclass(frozen=True, eq=False)
class FaceObservation:
    points: np.ndarray = field(repr=False)  # 468 x 2, image pixels

    @property
    def eye_distance(self) -> float:
        return float(np.linalg.norm(self.points[RIGHT_EYE_OUTER] - self.points[LEFT_EYE_OUTER]))

    @property
    def center(self) -> np.ndarray:
        return self.points.mean(axis=0)

    @property
    def box(self) -> tuple[float, float, float, float]:
        x0, y0 = self.points.min(axis=0)
        x1, y1 = self.points.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)

    def __repr__(self) -> str:
        return f"FaceObservation(eye_distance={self.eye_distance:.0f})"


class Landmarker:
    """Wraps one FaceMesh graph. In video mode it tracks between frames (fast); in static mode
    it detects afresh on every image (portraits, calibration)."""

    def __init__(self, static: bool, max_faces: int = 2) -> None:
        self._mesh = face_mesh(static, max_faces)

    def detect(self, image_bgr: np.ndarray) -> list[FaceObservation]:
        h, w = image_bgr.shape[:2]
        result = self._mesh.process(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))
        faces = []
        for lm in result.multi_face_landmarks or []:
            pts = np.array([(p.x * w, p.y * h) for p in lm.landmark], dtype=np.float64)
            faces.append(FaceObservation(pts))
        faces.sort(key=lambda f: -f.eye_distance)
        return faces

    def close(self) -> None:
        self._mesh.close()

    def __enter__(self) -> Landmarker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
