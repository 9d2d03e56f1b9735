"""Decode the frames a scenario needs from a recorded clip, once per process, into memory only.

A clip may be a cut of a longer recording (the shipped demo clip keeps only the frames the
simulators use). Its frame map, ``<clip>.frames.json`` beside it, lists the source frame number of
every stored frame as half-open ranges, so the labels in segments.py keep the source's numbering
whichever of the two files is played: ``{"source_frames": [[0, 43], [54, 69], ...]}``.
"""

from __future__ import annotations

import functools
import itertools
import json
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


def frame_map_path(clip_path: Path) -> Path:
    return clip_path.with_suffix(".frames.json")


def write_frame_map(clip_path: Path, source_frames: list[int], source: str) -> Path:
    """Record which source frames a cut holds, in the order it stores them."""
    ranges: list[list[int]] = []
    for n in source_frames:
        if ranges and ranges[-1][1] == n:
            ranges[-1][1] = n + 1
        else:
            ranges.append([n, n + 1])
    path = frame_map_path(clip_path)
    path.write_text(json.dumps({"source": source, "source_frames": ranges}) + "\n", encoding="utf-8")
    return path


def source_frame_numbers(clip_path: Path) -> list[int] | None:
    """Source frame number of each stored frame, or None for an uncut clip (number = position)."""
    path = frame_map_path(clip_path)
    if not path.is_file():
        return None
    try:
        ranges = json.loads(path.read_text(encoding="utf-8"))["source_frames"]
        numbers = [n for start, stop in ranges for n in range(int(start), int(stop))]
    except (ValueError, KeyError, TypeError) as exc:
        raise CameraLost(f"simulated camera: unreadable frame map {path}: {type(exc).__name__}") from exc
    if any(b <= a for a, b in itertools.pairwise(numbers)):
        raise CameraLost(f"simulated camera: frame map {path} is not in increasing order")
    return numbers


def load_clip(path: Path, wanted: frozenset[int]) -> Clip:
    """The ``wanted`` frames (source numbering) of the clip at ``path``. Raises CameraLost naming
    the file when it is absent or lacks one of them."""
    if not path.is_file():
        raise CameraLost(f"simulated camera: clip file missing: {path}")
    with _lock:
        return _decode(str(path.resolve()), wanted)


@functools.lru_cache(maxsize=4)
def _decode(path: str, wanted: frozenset[int]) -> Clip:
    numbers = source_frame_numbers(Path(path))
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise CameraLost(f"simulated camera: cannot decode clip {path}")
    # The source clip carries a 90-degree rotation tag: honour it like a player would.
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames: dict[int, np.ndarray] = {}
    last = max(wanted) if wanted else -1
    position = 0
    try:
        while True:
            number = position if numbers is None else (numbers[position] if position < len(numbers) else None)
            if number is None or number > last:
                break
            ok, image = cap.read()
            if not ok:
                break
            if number in wanted:
                image.flags.writeable = False  # shared between cameras: nobody may draw on it
                frames[number] = image
            position += 1
    finally:
        cap.release()
    missing = wanted - frames.keys()
    if missing:
        raise CameraLost(f"simulated camera: clip {path} lacks frames {sorted(missing)[:3]}..")
    return Clip(frames, fps)
