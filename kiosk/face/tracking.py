"""One tracked face across the whole check: who is 'the applicant' in each frame, when the
track breaks (a jump or a gap: someone else may have stepped in), and whether a second face is
in view long enough to matter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.face.landmarks import FaceObservation
from kiosk.face.options import FaceOptions


@dataclass(frozen=True)
class TrackUpdate:
    face: FaceObservation | None
    segment: int  # increases whenever the track breaks; identity is re-checked per segment
    new_segment: bool
    multiple_faces: bool


class FaceTracker:
    # Between consecutive frames a head moves well under one eye distance; more is a cut/swap.
    MAX_JUMP = 1.0
    MAX_SCALE = 1.4

    def __init__(self, options: FaceOptions) -> None:
        self._options = options
        self._last: FaceObservation | None = None
        self._missing = 0
        self._second = 0
        self.segment = 0

    def update(self, faces: list[FaceObservation]) -> TrackUpdate:
        if not faces:
            self._missing += 1
            self._second = 0
            if self._missing >= self._options.lost_face_frames:
                self._last = None
            return TrackUpdate(None, self.segment, False, False)
        if self._last is None:
            face = faces[0]  # largest
            continuous = False
        else:
            last = self._last
            face = min(faces, key=lambda f: float(np.linalg.norm(f.center - last.center)))
            jump = float(np.linalg.norm(face.center - last.center)) / max(last.eye_distance, 1.0)
            scale = face.eye_distance / max(last.eye_distance, 1.0)
            continuous = jump <= self.MAX_JUMP and 1 / self.MAX_SCALE <= scale <= self.MAX_SCALE
        new_segment = not continuous
        if new_segment:
            self.segment += 1
        self._last = face
        self._missing = 0
        others = [
            f for f in faces
            if f is not face
            and f.eye_distance >= self._options.second_face_ratio * face.eye_distance
        ]  # fmt: skip
        self._second = self._second + 1 if others else 0
        multiple = self._second >= self._options.second_face_frames
        return TrackUpdate(face, self.segment, new_segment, multiple)
