"""The simulated resident-card photo: framing, the 1 KB budget, determinism. No models, no
shared data: synthetic pictures with known geometry."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.face import card_photo
from kiosk.face.landmarks import FaceObservation


def face_with_width(left: float, right: float, eye_y: float) -> FaceObservation:
    """Only the face-outline points at ear level and the eye corners matter to the framing."""
    pts = np.tile([(left + right) / 2, eye_y + 40], (478, 1)).astype(float)
    pts[234], pts[454] = [left, eye_y + 20], [right, eye_y + 20]
    for i, x in zip((33, 133, 362, 263), (left + 40, left + 80, right - 80, right - 40), strict=True):
        pts[i] = [x, eye_y]
    return FaceObservation(pts)


def portrait(seed: int = 0) -> np.ndarray:
    """A smooth 480 x 600 picture with some texture: compresses like a photo, not like noise."""
    rng = np.random.default_rng(seed)
    small = rng.integers(40, 220, (15, 12, 3), dtype=np.uint8)
    return cv2.resize(small, (480, 600), interpolation=cv2.INTER_CUBIC)


def test_the_face_lands_where_a_card_photo_has_it() -> None:
    image = np.full((600, 480, 3), 200, np.uint8)
    image[:, 138:142] = image[:, 338:342] = 0  # vertical marks at the face outline, x = 140 and 340
    image[298:302, :] = 0  # horizontal mark on the eye line, y = 300
    out = card_photo.frame(image, face_with_width(140, 340, 300))
    assert out.shape == (card_photo.HEIGHT, card_photo.WIDTH, 3)
    columns = np.flatnonzero(out[:, :, 0].mean(axis=0) < 150)
    rows = np.flatnonzero(out[:, :, 0].mean(axis=1) < 150)
    face_width = 207 / 358 * 102  # GA 461: 207 of 358 px
    assert abs(columns.min() - (102 - face_width) / 2) <= 1.5
    assert abs(columns.max() - (102 + face_width) / 2) <= 1.5
    assert abs(rows.mean() - (441 - 217) / 441 * 126) <= 1.5


def test_a_face_near_the_edge_is_framed_with_repeated_border_pixels() -> None:
    out = card_photo.frame(portrait(), face_with_width(0, 200, 40))
    assert out.shape == (card_photo.HEIGHT, card_photo.WIDTH, 3)


@pytest.mark.parametrize("codec", card_photo.CODECS)
def test_compression_fits_the_card_budget_and_repeats_byte_for_byte(codec: str) -> None:
    card = card_photo.frame(portrait(), face_with_width(140, 340, 300))
    first = card_photo.compress(card, codec)
    assert len(first) <= card_photo.BUDGET_BYTES
    assert card_photo.compress(card.copy(), codec) == first


@pytest.mark.parametrize(("codec", "min_psnr"), [("j2k", 24.0), ("jpeg", 18.0), ("sim", 15.0)])
def test_the_decoded_photo_is_24_bit_102x126_and_resembles_the_original(codec: str, min_psnr: float) -> None:
    card = card_photo.frame(portrait(1), face_with_width(140, 340, 300))
    decoded = card_photo.decompress(card_photo.compress(card, codec), codec)
    assert decoded.shape == (126, 102, 3) and decoded.dtype == np.uint8
    # The simulator's container may drop colour: compare brightness only there.
    grey = (lambda x: cv2.cvtColor(x, cv2.COLOR_BGR2GRAY)) if codec == "sim" else (lambda x: x)
    assert cv2.PSNR(grey(card), grey(decoded)) >= min_psnr


def test_the_whole_simulation_is_deterministic() -> None:
    image, face = portrait(2), face_with_width(150, 330, 280)
    runs = {codec: [card_photo.simulate(image, face, codec) for _ in range(2)] for codec in card_photo.CODECS}
    assert all(np.array_equal(a, b) for a, b in runs.values())
    assert not np.array_equal(runs["j2k"][0], runs["jpeg"][0])  # different stand-ins


def test_an_unknown_codec_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown codec"):
        card_photo.compress(np.zeros((126, 102, 3), np.uint8), "wlt")


def test_prepare_enlarges_the_photo_for_alignment() -> None:
    card = card_photo.frame(portrait(), face_with_width(140, 340, 300))
    assert card_photo.prepare(card).shape == (126 * card_photo.UPSCALE, 102 * card_photo.UPSCALE, 3)
