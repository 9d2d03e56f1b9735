"""Decode the frames a scenario needs from a recorded clip, once per process, into memory only."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import cv2
import numpy as np

from drivers.errors import CameraLost

_lock = threading.Lock()


class Clip:
    def __init__(self, frames: dict[int, np.ndarray], fps: float) -> None:
        self._frames = frames
        self.fps = fps

    def __getitem__(self, index: int) -> np.ndarray:
        return self._frames[index]

    def __contains__(self, index: int) -> bool:
        return index in self._frames


def load_clip(path: Path, wanted: frozenset[int]) -> Clip:
    if not path.is_file():
        raise CameraLost(f"simulated camera: clip file missing: {path}")
    with _lock:
        return _decode(str(path.resolve()), wanted)


@functools.lru_cache(maxsize=4)
def _decode(path: str, wanted: frozenset[int]) -> Clip:
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise CameraLost(f"simulated camera: cannot decode clip {path}")
    # The shared clip carries a 90-degree rotation tag: honour it like a player would.
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames: dict[int, np.ndarray] = {}
    last = max(wanted) if wanted else -1
    index = 0
    try:
        while index <= last:
            ok, image = cap.read()
            if not ok:
                break
            if index in wanted:
                image.flags.writeable = False  # shared between cameras: nobody may draw on it
                frames[index] = image
            index += 1
    finally:
        cap.release()
    missing = wanted - frames.keys()
    if missing:
        raise CameraLost(f"simulated camera: clip {path} lacks frames {min(missing)}..")
    return Clip(frames, fps)
