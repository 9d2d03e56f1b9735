"""dlib's ResNet descriptor in a child process.

dlib's Python binding holds the GIL for the whole 0.1-0.2 s of a descriptor (measured: a 1 ms
spinning thread got 2 turns in 0.5 s instead of ~200). In a thread it would freeze the camera
thread, the landmark tracking and Kivy's UI thread; in one spawned child process it freezes
nothing. Face chips (150x150 RGB) go through a pipe, never to disk.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

_descriptor = None  # the child's model


def _init_child(parent: int) -> None:
    global _descriptor
    import dlib
    import face_recognition_models as frm

    _descriptor = dlib.face_recognition_model_v1(frm.face_recognition_model_location())
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A killed kiosk must not leave an orphan holding 100 MB and a face chip in memory."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _describe(chips: list[np.ndarray], jitters: int) -> np.ndarray:
    assert _descriptor is not None
    vectors = [np.array(_descriptor.compute_face_descriptor(c, jitters)) for c in chips]
    return np.mean(vectors, axis=0)


class DescriptorWorker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),  # no fork of Kivy/mediapipe
                    initializer=_init_child,
                    initargs=(os.getpid(),),
                )
            return self._pool

    def submit(self, chips: list[np.ndarray], jitters: int = 0) -> Future:
        return self._executor().submit(_describe, chips, jitters)

    def describe(self, chips: list[np.ndarray], jitters: int = 0) -> np.ndarray:
        try:
            return self.submit(chips, jitters).result()
        except BrokenProcessPool:  # the child died (OOM killer...): start a new one, once
            self.close()
            return self.submit(chips, jitters).result()

    def warm_up(self) -> None:
        """Start the child and load its model now (about 1 s), e.g. at kiosk start."""
        self.describe([np.zeros((150, 150, 3), np.uint8)])

    def close(self, wait: bool = False) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)


_worker = DescriptorWorker()
atexit.register(_worker.close, wait=True)


def descriptor_worker() -> DescriptorWorker:
    return _worker
