"""Where faces are in the live preview, for a technician aiming the camera (diagnostics only).

FaceMesh takes 7-8 ms a frame: run on the UI thread it would stutter the preview, so frames go to
one worker thread, at most ten a second and never queued (a new frame is taken only when the last
one is done). Only box corners leave the worker; frames stay in memory like everywhere else.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the frame


class FaceBoxes:
    def __init__(self, min_interval_s: float = 0.1) -> None:
        self.min_interval_s = min_interval_s
        self.boxes: list[Box] = []
        self.frames_checked = 0
        self.error = ""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="face-boxes")
        self._busy = threading.Event()
        self._last = 0.0
        self._landmarker: Any = None
        self._closed = False

    def offer(self, image: Any) -> None:
        """Called with each new preview frame; returns at once."""
        now = time.monotonic()
        if self._closed or self._busy.is_set() or now - self._last < self.min_interval_s:
            return
        self._busy.set()
        self._last = now
        self._pool.submit(self._detect, image)

    def _detect(self, image: Any) -> None:
        try:
            if self._landmarker is None:
                from kiosk.face.landmarks import Landmarker

                self._landmarker = Landmarker(static=False, max_faces=4)
            h, w = image.shape[:2]
            faces = self._landmarker.detect(image)
            self.boxes = [(x0 / w, y0 / h, x1 / w, y1 / h) for x0, y0, x1, y1 in (f.box for f in faces)]
            self.frames_checked += 1
        except Exception as exc:  # broken models: the preview still shows, without boxes
            self.error = type(exc).__name__
            self.boxes = []
        finally:
            self._busy.clear()

    def close(self) -> None:
        self._closed = True
        self.boxes = []

        def release() -> None:
            if self._landmarker is not None:
                self._landmarker.close()
                self._landmarker = None

        self._pool.submit(release)  # on the worker: never while a detection is running
        self._pool.shutdown(wait=False)
