"""The UI font is the Simplified Chinese face and has the rare characters names use."""

from __future__ import annotations

from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageDraw, ImageFont

from kiosk.fonts import SYSTEM_TTC, cjk_font_path

RARE = ["𠮷", "䶮", "堃", "喆", "昇"]  # Extension B, Extension A, and common-but-rare name characters


def render(font: ImageFont.FreeTypeFont, text: str) -> Image.Image:
    img = Image.new("L", (200, 200), 0)
    ImageDraw.Draw(img).text((20, 20), text, font=font, fill=255)
    return img


def test_extracted_face_is_simplified_chinese() -> None:
    font = TTFont(str(cjk_font_path()))
    assert "SC" in font["name"].getDebugName(1)
    cmap = font.getBestCmap()
    for ch in RARE:
        assert ord(ch) in cmap, f"{ch} U+{ord(ch):04X} missing"


def test_simplified_forms_differ_from_the_japanese_first_face() -> None:
    ours = ImageFont.truetype(str(cjk_font_path()), 120)
    japanese = ImageFont.truetype(str(SYSTEM_TTC["Regular"]), 120, index=0)
    simplified = ImageFont.truetype(str(SYSTEM_TTC["Regular"]), 120, index=2)
    for ch in "直门令":
        assert ImageChops.difference(render(ours, ch), render(simplified, ch)).getbbox() is None
        assert ImageChops.difference(render(ours, ch), render(japanese, ch)).getbbox() is not None, ch


def test_rare_characters_are_not_tofu() -> None:
    font = ImageFont.truetype(str(cjk_font_path()), 120)
    notdef = render(font, "\U0010fffd")
    for ch in RARE:
        glyph = render(font, ch)
        assert glyph.getbbox() is not None
        assert ImageChops.difference(glyph, notdef).getbbox() is not None, ch
