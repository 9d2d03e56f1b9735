"""Presentation attacks: a printed photo held in front of the camera, moved by hand, and the same
photo tilted in 3-D as a flat plane to fake a head turn. Rendered with a pinhole model so the
frames are what a real camera would see of a flat print."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np

_FOCAL = 600.0  # px, about a 56-degree webcam at 640x480
_DISTANCE = 600.0  # the photo's distance, in the same units: 1 photo px ~ 1 image px untilted


def _rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    cy, sy = math.cos(yaw), math.sin(yaw)
    cp, sp = math.cos(pitch), math.sin(pitch)
    cr, sr = math.cos(roll), math.sin(roll)
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    rz = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    return rz @ rx @ ry


def project_plane(
    photo_size: tuple[int, int],
    frame_size: tuple[int, int],
    scale: float,
    yaw: float,
    pitch: float,
    roll: float,
    shift: tuple[float, float],
) -> np.ndarray:
    """Homography taking photo pixels to frame pixels for a rigid flat print in 3-D."""
    w, h = photo_size
    fw, fh = frame_size
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    plane = np.column_stack([(corners - [w / 2, h / 2]) * scale, np.zeros(4)])
    world = plane @ _rotation(yaw, pitch, roll).T + [shift[0], shift[1], _DISTANCE]
    image = world[:, :2] * (_FOCAL / world[:, 2:3]) + [fw / 2, fh / 2]
    return cv2.getPerspectiveTransform(corners.astype(np.float32), image.astype(np.float32))


class HeldPhoto:
    """A photo in a hand: it sways a little; with ``answer_turns`` it also swings the print
    about its vertical axis when the screen asks for a head turn (the flat-tilt attack)."""

    def __init__(
        self,
        photo: np.ndarray,
        background: np.ndarray,
        seed: int = 0,
        answer_turns: bool = False,
        scale: float = 1.2,
        tilt_deg: float = 40.0,
        reaction_s: float = 0.4,
    ) -> None:
        self._photo = photo
        self._background = background
        self._answer_turns = answer_turns
        self._scale = scale
        self._tilt = math.radians(tilt_deg)
        self._reaction_s = reaction_s
        rng = random.Random(seed)
        self._phases = [rng.uniform(0, 2 * math.pi) for _ in range(8)]
        self._turn: tuple[float, float] | None = None  # (start time, direction sign)
        self._asked: str | None = None

    def prompt(self, action: str | None, now: float) -> None:
        if action == self._asked:
            return
        self._asked = action
        if self._answer_turns and action in ("turn_left", "turn_right"):
            # Swinging the print's left edge (as the camera sees it) away mimics a left turn.
            self._turn = (now + self._reaction_s, -1.0 if action == "turn_left" else 1.0)

    def _swing(self, now: float) -> float:
        if self._turn is None:
            return 0.0
        start, sign = self._turn
        t = now - start
        if t < 0:
            return 0.0
        ramp, hold = 0.8, 0.6
        if t < ramp:
            return sign * self._tilt * t / ramp
        if t < ramp + hold:
            return sign * self._tilt
        if t < 2 * ramp + hold:
            return sign * self._tilt * (2 * ramp + hold - t) / ramp
        self._turn = None
        return 0.0

    def next_frame(self, now: float) -> np.ndarray | None:
        p = self._phases
        # Hand tremor and sway: a few pixels, a couple of degrees, under 1 Hz to 2 Hz.
        dx = 5 * math.sin(2 * math.pi * 0.6 * now + p[0]) + 2 * math.sin(2 * math.pi * 1.7 * now + p[1])
        dy = 4 * math.sin(2 * math.pi * 0.5 * now + p[2]) + 2 * math.sin(2 * math.pi * 1.9 * now + p[3])
        roll = math.radians(2.0) * math.sin(2 * math.pi * 0.4 * now + p[4])
        pitch = math.radians(4.0) * math.sin(2 * math.pi * 0.3 * now + p[5])
        yaw = math.radians(4.0) * math.sin(2 * math.pi * 0.35 * now + p[6]) + self._swing(now)
        h, w = self._background.shape[:2]
        ph, pw = self._photo.shape[:2]
        homography = project_plane((pw, ph), (w, h), self._scale, yaw, pitch, roll, (dx, dy))
        frame = self._background.copy()
        cv2.warpPerspective(self._photo, homography, (w, h), dst=frame, borderMode=cv2.BORDER_TRANSPARENT)
        return frame
