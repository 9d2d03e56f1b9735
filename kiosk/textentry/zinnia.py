"""Handwriting recognition with zinnia (BSD) through its C API.

Neither Debian 12 nor PyPI has a Python binding for zinnia, and the C API is a dozen plain
functions, so ctypes it is. A recognizer holds the model read-only: one instance serves the whole
kiosk, with a lock because zinnia documents no thread safety for classify.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Sequence
from pathlib import Path

from kiosk.textentry.errors import EngineFailed, HandwritingUnavailable
from kiosk.textentry.strokes import Stroke, fit_to_box, thin

LIBRARY = "libzinnia.so.0"
BOX = 1024  # the coordinate box the models were trained in


def _load() -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL(LIBRARY)
    except OSError as e:
        raise HandwritingUnavailable(f"{LIBRARY} not found: install Debian's libzinnia0") from e
    vp, sz = ctypes.c_void_p, ctypes.c_size_t
    sig = {
        "zinnia_recognizer_new": (vp, []),
        "zinnia_recognizer_open": (ctypes.c_int, [vp, ctypes.c_char_p]),
        "zinnia_recognizer_strerror": (ctypes.c_char_p, [vp]),
        "zinnia_recognizer_size": (sz, [vp]),
        "zinnia_recognizer_classify": (vp, [vp, vp, sz]),
        "zinnia_recognizer_destroy": (None, [vp]),
        "zinnia_character_new": (vp, []),
        "zinnia_character_set_width": (None, [vp, sz]),
        "zinnia_character_set_height": (None, [vp, sz]),
        "zinnia_character_add": (ctypes.c_int, [vp, sz, ctypes.c_int, ctypes.c_int]),
        "zinnia_character_destroy": (None, [vp]),
        "zinnia_result_size": (sz, [vp]),
        "zinnia_result_value": (ctypes.c_char_p, [vp, sz]),
        "zinnia_result_score": (ctypes.c_float, [vp, sz]),
        "zinnia_result_destroy": (None, [vp]),
    }
    for name, (res, args) in sig.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


class ZinniaRecognizer:
    """One loaded model. ``classify`` returns (character, score) best first."""

    def __init__(self, model: Path) -> None:
        model = Path(model)
        if not model.is_file():
            raise HandwritingUnavailable(f"handwriting model {model} not found")
        self._lib = _load()
        self._rec = self._lib.zinnia_recognizer_new()
        if not self._lib.zinnia_recognizer_open(self._rec, str(model).encode()):
            why = (self._lib.zinnia_recognizer_strerror(self._rec) or b"").decode(errors="replace")
            self._lib.zinnia_recognizer_destroy(self._rec)
            self._rec = None
            raise HandwritingUnavailable(f"handwriting model {model} does not load: {why}")
        self.model = model
        self.size = int(self._lib.zinnia_recognizer_size(self._rec))
        self._lock = threading.Lock()

    def classify(self, strokes: Sequence[Stroke], limit: int, pad_size: tuple[float, float] | None = None,
                 margin: float = 0.0) -> list[tuple[str, float]]:
        """``pad_size`` maps the whole pad onto the model's box; None scales the ink itself to fill
        the box less ``margin`` on each side."""
        if not strokes or not any(strokes):
            return []
        lib = self._lib
        boxed = fit_to_box([thin(s, 2.0) for s in strokes if s], BOX, pad_size, margin)
        with self._lock:
            if self._rec is None:
                raise EngineFailed("zinnia recognizer is closed")
            ch = lib.zinnia_character_new()
            try:
                lib.zinnia_character_set_width(ch, BOX)
                lib.zinnia_character_set_height(ch, BOX)
                for i, stroke in enumerate(boxed):
                    for x, y in stroke:
                        lib.zinnia_character_add(ch, i, x, y)
                res = lib.zinnia_recognizer_classify(self._rec, ch, limit)
                if not res:
                    raise EngineFailed("zinnia classify returned nothing")
                try:
                    n = lib.zinnia_result_size(res)
                    return [(lib.zinnia_result_value(res, i).decode(), float(lib.zinnia_result_score(res, i)))
                            for i in range(n)]
                finally:
                    lib.zinnia_result_destroy(res)
            finally:
                lib.zinnia_character_destroy(ch)

    def close(self) -> None:
        with self._lock:
            if self._rec is not None:
                self._lib.zinnia_recognizer_destroy(self._rec)
                self._rec = None
