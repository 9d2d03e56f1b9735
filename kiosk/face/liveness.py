"""Active liveness: did the tracked face do what the screen asked, measured against the person's
own baseline (eye openness and head pose vary a lot between people and cameras)?"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass

import numpy as np

from kiosk.face.geometry import PlanarityTracker, eye_aspect_ratios
from kiosk.face.options import FaceOptions

DONE = "done"
WAITING = "waiting"
WRONG_DIRECTION = "wrong_direction"
UNREQUESTED_TURN = "unrequested_turn"
FLAT = "flat_presentation"


@dataclass(frozen=True)
class Baseline:
    yaw: float
    pitch: float
    ear: float
    points: np.ndarray  # landmarks of the most frontal baseline frame: the flat cue's reference


@dataclass(frozen=True)
class Sample:
    t: float
    yaw: float
    pitch: float
    ear: float
    points: np.ndarray
    image: np.ndarray | None = None  # the frame, for the texture-planarity cue of turns

    @property
    def eyes(self) -> tuple[float, float]:
        return eye_aspect_ratios(self.points)


class BlinkDetector:
    """Both eyes shut, then open again within ``blink_max_s``. 'Shut' is each eye dropping below
    its own recent open level by ``blink_drop``: landmark noise (glasses, glare) moves one eye at a
    time, a blink moves both. Counted only while the head is steady and near its baseline pose,
    because looking down or turning also narrows the eyes; a head turn during a blink challenge
    is an unrequested action (a replayed recording, not a person following the screen)."""

    WINDOW = 12
    MIN_HISTORY = 5

    def __init__(self, options: FaceOptions, baseline: Baseline) -> None:
        self._o = options
        self._base = baseline
        self._history: deque[tuple[Sample, tuple[float, float]]] = deque(maxlen=self.WINDOW)
        self._closed_at: float | None = None
        self._level = 0.0
        self._turned = 0

    def reset(self) -> None:
        """A new track segment: the recent level belongs to the previous view."""
        self._history.clear()
        self._closed_at = None

    def update(self, s: Sample) -> str:
        o = self._o
        self._turned = self._turned + 1 if abs(s.yaw - self._base.yaw) >= o.unrequested_turn_deg else 0
        if self._turned >= 2:
            return UNREQUESTED_TURN
        if abs(s.yaw - self._base.yaw) > o.turn_deg + 10 or abs(s.pitch - self._base.pitch) > 20:
            self._closed_at = None
            return WAITING
        right, left = s.eyes
        if self._closed_at is not None:
            if (right + left) / 2 >= self._level * (1 - o.blink_drop / 2):
                return DONE
            if s.t - self._closed_at > o.blink_max_s:
                self._closed_at = None  # eyes kept shut (or a squint): not a blink
            return WAITING
        if len(self._history) >= self.MIN_HISTORY:
            yaw0 = statistics.median(h.yaw for h, _ in self._history)
            pitch0 = statistics.median(h.pitch for h, _ in self._history)
            steady = abs(s.yaw - yaw0) < 8 and abs(s.pitch - pitch0) < 8
            level_r = statistics.median(e[0] for _, e in self._history)
            level_l = statistics.median(e[1] for _, e in self._history)
            cut = 1 - o.blink_drop
            if steady and right < level_r * cut and left < level_l * cut:
                self._closed_at = s.t
                self._level = (level_r + level_l) / 2
                return WAITING
        self._history.append((s, (right, left)))
        return WAITING


class TurnDetector:
    """Yaw beyond ``turn_deg`` from the frontal baseline, the right way, for two frames, AND the
    face's texture must not move like a flat print (PlanarityTracker). The planarity verdict is
    taken once the head has turned ``flat_check_deg`` within one continuous track, before a
    steep tilt of a print could add tracking error."""

    def __init__(self, options: FaceOptions, baseline: Baseline, direction: int) -> None:
        self._o = options
        self._base = baseline
        self._direction = direction  # -1 left, +1 right
        self._hits = 0
        self._wrong = 0
        self._planarity = PlanarityTracker()
        self.residual: float | None = None

    def reset(self) -> None:
        """A new track segment: texture tracks cannot span a cut."""
        self._planarity.reset()
        self.residual = None

    def update(self, s: Sample) -> str:
        o = self._o
        if s.image is not None:
            residual = self._planarity.update(s.image, s.points, s.yaw)
            if residual is not None:
                self.residual = max(self.residual or 0.0, residual)
        delta = (s.yaw - self._base.yaw) * self._direction
        self._hits = self._hits + 1 if delta >= o.turn_deg else 0
        self._wrong = self._wrong + 1 if delta <= -o.turn_deg else 0
        if self._wrong >= 2:
            return WRONG_DIRECTION
        if self._hits < 2:
            return WAITING
        if (self.residual or 0.0) >= o.flat_residual_min:
            return DONE
        turned_in_track = abs(s.yaw - self._planarity.start_yaw)
        if turned_in_track >= o.flat_check_deg and self.residual is not None:
            return FLAT  # turned far within one track, yet the face moved like a plane
        return WAITING


def detector_for(challenge: str, options: FaceOptions, baseline: Baseline):
    if challenge == "blink":
        return BlinkDetector(options, baseline)
    if challenge == "turn_left":
        return TurnDetector(options, baseline, -1)
    if challenge == "turn_right":
        return TurnDetector(options, baseline, +1)
    raise ValueError(f"unknown challenge {challenge!r}")
