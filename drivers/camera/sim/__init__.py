"""Simulated cameras driven by the demo clip (assets/demo/): the scripted applicant, attackers, faults.

The frames go through the same capture-slot code as the real driver and are analysed by the
unchanged production face pipeline."""

from __future__ import annotations

from pathlib import Path

import cv2

from drivers.camera.sim import segments
from drivers.camera.sim.clip import Clip, load_clip
from drivers.errors import CameraLost

__all__ = [
    "Clip",
    "demo_portrait",
    "demo_portrait_image",
    "load_clip",
    "resolve_data_path",
    "segments",
]

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def resolve_data_path(path: str | Path) -> Path:
    """Config paths (the clip, image folders) are relative to the project root, not the CWD."""
    p = Path(path)
    return p if p.is_absolute() else (PROJECT_ROOT / p).resolve()


def demo_portrait_image(clip_path: Path):  # -> np.ndarray (BGR)
    """The demo chip portrait as pixels: person A in a frame no scripted segment uses. Decoded with
    the camera's frames (one cached decode per process)."""
    clip = load_clip(resolve_data_path(clip_path), segments.USED_FRAMES)
    x0, y0, x1, y1 = segments.A_PORTRAIT_BOX
    return clip[segments.A_PORTRAIT_FRAME][y0:y1, x0:x1].copy()


def demo_portrait(clip_path: str | Path) -> bytes:
    """JPEG bytes of the demo chip portrait, in memory only, so that the simulated ID chip and
    the scripted applicant are the same person. A relative path is taken from the project root,
    like SimulatedCameraOptions.clip_path. Raises CameraLost naming the file when it is absent."""
    image = demo_portrait_image(resolve_data_path(clip_path))
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise CameraLost("cannot encode the demo portrait")
    return data.tobytes()
