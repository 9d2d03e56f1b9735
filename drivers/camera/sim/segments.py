"""Labelled segments of the recorded clip `new_face_video-90.mp4` (frame indices after the file's
90-degree rotation tag is applied: 640x480 upright, 29.97 fps, 511 frames). The demo clip shipped
in assets/demo/ is a cut of it that keeps these numbers (see drivers/camera/sim/clip.py).

Checked frame by frame (landmarks, head pose and eye crops written to /tmp and looked at), not
taken from the clip's README, whose numbers are approximate. Ranges are half-open [start, stop).
Yaw is the face's rotation as the camera sees it: negative = the person turns to their own left
(the nose moves to the image's right; the camera image is not mirrored).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    start: int
    stop: int
    note: str

    def frames(self) -> range:
        return range(self.start, self.stop)


# Person A (helmet, glasses, orange jacket): the demo applicant and the chip portrait's owner.
A_NEUTRAL = Segment(290, 299, "A looks at the camera: yaw -4..+2 deg, eyes open, one face")
A_TURN_LEFT = Segment(299, 332, "A turns to her left: yaw 0 -> -40 deg (face reaches the edge)")
A_TURN_RIGHT = Segment(0, 43, "A turns to her right: yaw +8 -> +25 deg")
A_BLINK = Segment(178, 201, "A blinks: eyes shut at 193-194, open again at 196")
A_PORTRAIT_FRAME = 146  # frontal A, used by none of the segments above: the demo chip portrait
A_PORTRAIT_BOX = (223, 56, 463, 376)  # x0, y0, x1, y1: a 3:4 ID-photo crop around frame 146's face

# Person B (helmet, no glasses, dark red jacket).
B_BLINK = Segment(112, 134, "B turns slightly and blinks: eyes shut at 121-122")
B_NEUTRAL = Segment(54, 69, "B looks at the camera, yaw -5..+3 deg")

# Scenes.
TWO_FACES = Segment(269, 286, "B in front, A beside her: two large faces in every frame")
NO_FACE = Segment(340, 440, "landscape, nobody in view")
BACKGROUND_FRAME = 400  # empty landscape behind the photo attacks

ALL = (A_NEUTRAL, A_TURN_LEFT, A_TURN_RIGHT, A_BLINK, B_BLINK, B_NEUTRAL, TWO_FACES)
CLIP_FRAME_COUNT = 511
# Every frame a simulator shows: the shipped demo clip carries these and no others.
USED_FRAMES = frozenset({BACKGROUND_FRAME, A_PORTRAIT_FRAME}.union(*(s.frames() for s in ALL)))
