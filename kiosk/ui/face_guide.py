"""Where the face check wants the face, and which way a turn goes, as shapes over the preview.

The oval comes from the quality gate's own limit (``FaceOptions.min_eye_distance_px``, in pixels
of the analysed frame), so a face that fills it is well above the size the check accepts and the
picture cannot ask for something the check does not. Everything here is plain geometry, in
fractions of the frame (x to the right, y downwards), so it is tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.face.options import FaceOptions

# FaceMesh's face outline against the outer-eye distance, measured on the demo clip (eye distance
# 97-132 px): outline 1.5-1.7 x as wide and 1.6-1.8 x as tall. The oval also holds brow and chin.
FACE_WIDTH_PER_EYE = 1.7
FACE_HEIGHT_PER_EYE = 2.3
# A face that fills the oval has this many times the smallest accepted eye distance: half a step
# back still passes, and nobody is asked to come closer than they need to.
SIZE_MARGIN = 2.0
MAX_HEIGHT = 0.8  # of the frame: the whole head and some margin stay in view
CENTRE_Y = 0.46  # of the frame height: a face sits a little above the middle, with the neck below


@dataclass(frozen=True)
class Oval:
    cx: float  # centre, fraction of the frame width from the left
    cy: float  # centre, fraction of the frame height from the top
    w: float  # fraction of the frame width
    h: float  # fraction of the frame height


def oval(options: FaceOptions, frame_w: int, frame_h: int) -> Oval:
    """The face's target area in a frame of this size (the same in the mirrored preview)."""
    eye = SIZE_MARGIN * options.min_eye_distance_px
    w, h = FACE_WIDTH_PER_EYE * eye, FACE_HEIGHT_PER_EYE * eye
    shrink = min(1.0, MAX_HEIGHT * frame_h / h, MAX_HEIGHT * frame_w / w)  # a small frame: as big as fits
    return Oval(0.5, CENTRE_Y, shrink * w / frame_w, shrink * h / frame_h)


# which way the nose moves in the camera's own image when the person turns to their own left/right:
# the camera faces them, so their left is the image's right
TURNS = {"turn_left": 1, "turn_right": -1}


def turn_direction(challenge: str | None, mirrored: bool) -> int:
    """-1: the arrow points to the screen's left; 1: to its right; 0: no turn asked.

    A mirrored preview shows the applicant as a mirror does: a turn to their own left moves their
    face to the screen's left, and the arrow points there."""
    own = TURNS.get(challenge or "", 0)
    return -own if mirrored else own


Point = tuple[float, float]


@dataclass(frozen=True)
class Arrow:
    shaft: list[Point]  # a rectangle
    head: list[Point]  # a triangle, its tip first
    border: list[Point]  # the outer edge, once round, for a contrasting line


def arrow(x0: float, y0: float, x1: float, y1: float, direction: int) -> Arrow:
    """A thick arrow filling the box (x0, y0)-(x1, y1), pointing left (-1) or right (1). Shaft and
    head are each convex, so each fills as one triangle fan."""
    mid, half_shaft = (y0 + y1) / 2, 0.17 * (y1 - y0)
    tip, tail = (x0, x1) if direction < 0 else (x1, x0)
    base = tip + 0.45 * (tail - tip)  # where the head meets the shaft
    lo, hi = mid - half_shaft, mid + half_shaft
    return Arrow(shaft=[(base, lo), (tail, lo), (tail, hi), (base, hi)],
                 head=[(tip, mid), (base, y0), (base, y1)],
                 border=[(tip, mid), (base, y0), (base, lo), (tail, lo), (tail, hi), (base, hi), (base, y1)])
