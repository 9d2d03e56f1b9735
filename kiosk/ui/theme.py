"""Colours and sizes. Sizes are design pixels at 1080x1920, scaled to the real window height."""

from __future__ import annotations

PRIMARY = (0.12, 0.31, 0.60, 1)  # government blue
PRIMARY_DARK = (0.08, 0.21, 0.42, 1)
ACCENT = (0.78, 0.06, 0.18, 1)  # red, for the staff button and errors
OK = (0.10, 0.50, 0.25, 1)
BG = (0.96, 0.96, 0.97, 1)
SURFACE = (1, 1, 1, 1)
TEXT = (0.10, 0.10, 0.12, 1)
MUTED = (0.40, 0.42, 0.46, 1)
SELECTED = (0.12, 0.31, 0.60, 1)
UNSELECTED = (0.86, 0.88, 0.92, 1)

_scale = 1.0


def set_scale(window_height: float) -> None:
    global _scale
    _scale = window_height / 1920.0


def px(n: float) -> float:
    return n * _scale
