"""Loop the images of a folder, each held for a moment: a camera for calibrating from stills."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from drivers.errors import CameraLost

_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp"}


class ImageFolder:
    def __init__(self, folder: Path, hold_s: float = 1.0, size: tuple[int, int] = (640, 480)):
        if not folder.is_dir():
            raise CameraLost(f"simulated camera: image folder missing: {folder}")
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in _EXTENSIONS)
        images = [cv2.imread(str(p)) for p in files]
        self._images = [_fit(i, size) for i in images if i is not None]
        if not self._images:
            raise CameraLost(f"simulated camera: no readable image in {folder}")
        self._hold_s = hold_s

    def prompt(self, action: str | None, now: float) -> None:
        return None

    def next_frame(self, now: float) -> np.ndarray | None:
        return self._images[int(now / self._hold_s) % len(self._images)]


def _fit(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Letterbox into the camera's frame size, the way a sensor would deliver it."""
    w, h = size
    scale = min(w / image.shape[1], h / image.shape[0])
    resized = cv2.resize(image, (int(image.shape[1] * scale), int(image.shape[0] * scale)))
    canvas = np.zeros((h, w, 3), np.uint8)
    y, x = (h - resized.shape[0]) // 2, (w - resized.shape[1]) // 2
    canvas[y : y + resized.shape[0], x : x + resized.shape[1]] = resized
    return canvas
