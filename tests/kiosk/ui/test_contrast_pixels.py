"""Contrast measured from the rendered pixels, not from the palette: every text on the applicant
screens against what is really drawn behind it, at least 4.5:1 in normal mode and 7:1 in elderly
mode (WCAG 2 ratios). A palette test cannot see text drawn over the wrong card, a colour changed by
a button's state, or a font too thin for its colour to reach the screen.

Per label: the background is the most frequent colour in the label's box; the text's colour is the
pixel furthest in contrast from it (the core of a glyph stroke, where antialiasing has reached the
full colour). A label partly scrolled out of its scroll view is left out: what shows of it is not
its text."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.flow.states import State
from kiosk.ui import theme
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_elderly_mode import SCREENS, clip, labels, show, viewport, window_box

NORMAL_MIN, ELDERLY_MIN = 4.5, 7.0
MIN_PIXELS = 40  # fewer pixels than a glyph: nothing to judge


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG 2 relative luminance of sRGB values 0-255 (last axis R, G, B)."""
    c = rgb.astype(np.float64) / 255.0
    linear = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def ratio(a: float | np.ndarray, b: float | np.ndarray) -> Any:
    hi, lo = np.maximum(a, b), np.minimum(a, b)
    return (hi + 0.05) / (lo + 0.05)


def measured(image: np.ndarray, box: tuple[float, float, float, float]) -> float | None:
    """Text-to-background contrast inside ``box`` (window pixels, origin bottom left)."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    x0, x1 = max(0, x0), min(w, x1)
    top, bottom = max(0, h - y1), min(h, h - y0)
    region = image[top:bottom, x0:x1].reshape(-1, 3)
    if len(region) < MIN_PIXELS:
        return None
    colours, counts = np.unique(region, axis=0, return_counts=True)
    background = luminance(colours[counts.argmax()])
    contrast = ratio(luminance(colours), background)
    return float(contrast.max())


def faults(ui: Harness, shot: str, least: float) -> list[str]:
    path = ui.screenshot(shot)
    rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    found = []
    for w in labels(ui):
        whole = window_box(w)
        box = clip(whole, viewport(w))
        if box is None or box[3] - box[1] < 0.9 * (whole[3] - whole[1]):
            continue  # partly scrolled out of sight: measured once scrolled in (the layout test's matter)
        c = measured(rgb, box)
        if c is not None and c < least:
            found.append(f"{w.text[:24]!r}: {c:.2f}:1")
    return found


def test_the_measure_sees_low_contrast() -> None:
    """The measure itself: black on white is 21:1, mid grey on white about 4:1, a flat box has no text."""
    white = np.full((20, 40, 3), 255, np.uint8)
    black_on_white = white.copy()
    black_on_white[8:12, 5:35] = 0
    grey_on_white = white.copy()
    grey_on_white[8:12, 5:35] = 128
    box = (0.0, 0.0, 40.0, 20.0)
    assert measured(black_on_white, box) == pytest.approx(21.0)
    assert 3.9 < (measured(grey_on_white, box) or 0) < 4.0
    assert measured(white, box) == pytest.approx(1.0)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
@pytest.mark.parametrize("state", SCREENS, ids=str)
def test_every_text_on_screen_has_enough_contrast(ui: Harness, state: State, language: str,
                                                   elderly: bool) -> None:
    show(ui, state, language, elderly=elderly)
    try:
        mode = "elderly" if elderly else "normal"
        least = ELDERLY_MIN if elderly else NORMAL_MIN
        low = faults(ui, f"contrast-{mode}-{state.value}-{language}", least)
        assert not low, f"texts below {least}:1 in {mode} mode: {low}"
    finally:
        theme.set_elderly(False)
        ui.reset()
