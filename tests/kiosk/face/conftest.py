"""The face tests share plain helpers (face_testdata.py), not only fixtures: with pytest's
importlib import mode this folder is not on sys.path by itself, so put it there."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
