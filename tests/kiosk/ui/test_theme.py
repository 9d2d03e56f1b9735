"""The elderly palette: every text/background pair it draws reaches WCAG AAA (7:1)."""

from __future__ import annotations

import pytest

from kiosk.ui import theme

AAA = 7.0


def test_contrast_matches_the_wcag_reference_values() -> None:
    assert theme.contrast((0, 0, 0, 1), (1, 1, 1, 1)) == pytest.approx(21.0)
    assert theme.contrast((1, 1, 1, 1), (1, 1, 1, 1)) == pytest.approx(1.0)
    # #767676 on white is the well-known AA threshold: 4.54:1
    grey = (0x76 / 255, 0x76 / 255, 0x76 / 255, 1)
    assert theme.contrast(grey, (1, 1, 1, 1)) == pytest.approx(4.54, abs=0.01)
    assert theme.contrast(grey, (1, 1, 1, 1)) == theme.contrast((1, 1, 1, 1), grey), "order does not matter"


@pytest.mark.parametrize(("fg", "bg"), theme.ELDERLY_PAIRS, ids=lambda role: role)
def test_every_elderly_pair_reaches_seven_to_one(fg: str, bg: str) -> None:
    ratio = theme.contrast(theme.ELDERLY[fg], theme.ELDERLY[bg])
    assert ratio >= AAA, f"{fg} on {bg}: {ratio:.2f}:1"


def test_every_normal_colour_has_an_elderly_one_and_shade_maps_it_only_in_elderly_mode() -> None:
    try:
        for role in theme.ELDERLY:
            normal = getattr(theme, role)
            theme.set_elderly(False)
            assert theme.shade(normal) == normal
            theme.set_elderly(True)
            # two roles sharing a normal colour (SELECTED is PRIMARY) share the first one's
            assert theme.shade(normal) == theme.ELDERLY[first_role_of(normal)]
        assert theme.shade((0.5, 0.4, 0.3, 1)) == (0.5, 0.4, 0.3, 1), "a picture's colour stays"
    finally:
        theme.set_elderly(False)


def first_role_of(rgba: tuple) -> str:
    return next(role for role in theme.ELDERLY if getattr(theme, role) == rgba)


def test_text_scale_and_columns_follow_the_mode() -> None:
    try:
        theme.set_elderly(False)
        normal = theme.font_px(32)
        assert theme.columns(2) == 2
        theme.set_elderly(True)
        assert theme.font_px(32) == pytest.approx(normal * theme.ELDERLY_TEXT_SCALE)
        assert theme.ELDERLY_TEXT_SCALE >= 1.5
        assert (theme.columns(1), theme.columns(2), theme.columns(3), theme.columns(4)) == (1, 1, 1, 2)
    finally:
        theme.set_elderly(False)
