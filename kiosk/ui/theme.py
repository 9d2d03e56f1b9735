"""Colours and sizes. Sizes are design pixels at 1080x1920, scaled to the real window height.

Elderly mode (长辈模式) changes the look in three places only, so every screen follows without
knowing about it: font sizes pass through font_px(), colours through shade(), and list grids
through columns(). Its palette keeps every text/background pair it uses at 7:1 or more (WCAG
AAA), checked in tests/kiosk/ui/test_theme.py over ELDERLY_PAIRS.
"""

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
WHITE = (1, 1, 1, 1)

ELDERLY_TEXT_SCALE = 1.5  # every font, at least: the smallest normal text (32) becomes 48
# The same roles, darker (and a white page) so that each pair reaches 7:1. Keyed by role name,
# mapped from the normal colour: screens keep naming roles and never test the mode themselves.
ELDERLY = {
    "PRIMARY": (0.05, 0.18, 0.40, 1),
    "PRIMARY_DARK": (0.04, 0.13, 0.30, 1),
    "ACCENT": (0.55, 0.02, 0.09, 1),
    "OK": (0.02, 0.32, 0.13, 1),
    "BG": (0.92, 0.93, 0.94, 1),  # grey enough that white cards keep their edges
    "SURFACE": (1, 1, 1, 1),
    "TEXT": (0, 0, 0, 1),
    "MUTED": (0.20, 0.21, 0.24, 1),
    "SELECTED": (0.05, 0.18, 0.40, 1),
    "UNSELECTED": (0.87, 0.88, 0.91, 1),
    "WHITE": (1, 1, 1, 1),
}
# (text, background) role pairs the screens draw; the contrast test walks exactly these.
ELDERLY_PAIRS = (
    *((fg, bg) for fg in ("TEXT", "MUTED", "PRIMARY", "PRIMARY_DARK", "ACCENT", "OK") for bg in ("BG", "SURFACE")),
    *(("WHITE", bg) for bg in ("PRIMARY", "PRIMARY_DARK", "ACCENT", "OK", "SELECTED")),
    ("TEXT", "UNSELECTED"),
    ("PRIMARY_DARK", "WHITE"),  # the elderly-mode toggle, switched on, in the header
)
_NORMAL = {name: globals()[name] for name in ELDERLY}
# first role wins where two share a colour (SELECTED is PRIMARY; SURFACE and WHITE are white)
_TO_ELDERLY: dict[tuple, tuple] = {}
for _name, _rgba in _NORMAL.items():
    _TO_ELDERLY.setdefault(tuple(_rgba), ELDERLY[_name])

_scale = 1.0
_elderly = False


def set_scale(window_height: float) -> None:
    global _scale
    _scale = window_height / 1920.0


def set_elderly(on: bool) -> None:
    """Switch the look for the screens built from now on (the app rebuilds the screen)."""
    global _elderly
    _elderly = on


def elderly() -> bool:
    return _elderly


def px(n: float) -> float:
    return n * _scale


def font_px(n: float) -> float:
    """A font size in design pixels, to window pixels: the one place the text scale applies."""
    return px(n) * (ELDERLY_TEXT_SCALE if _elderly else 1.0)


def shade(rgba: tuple) -> tuple:
    """A palette colour as the current mode draws it; other colours (pictures, faded) unchanged."""
    return _TO_ELDERLY.get(tuple(rgba), rgba) if _elderly else rgba


def columns(n: int) -> int:
    """Items per row of a pick list: half as many (at least one) in elderly mode, for the larger text."""
    return max(1, n // 2) if _elderly else n


def contrast(fg: tuple, bg: tuple) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (alpha ignored: the kiosk draws opaque)."""
    def luminance(rgba: tuple) -> float:
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3]]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
