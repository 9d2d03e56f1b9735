"""Enrolment of chip portraits and 1:1 decisions on the shared portraits."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from face_testdata import CLIP, portraits
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.camera.sim import demo_portrait
from kiosk.face.errors import NoFaceInPortrait, PortraitUnreadable
from kiosk.face.options import FaceOptions
from kiosk.face.verifier import FaceVerifier


@pytest.fixture(scope="module")
def verifier() -> FaceVerifier:
    return FaceVerifier(FaceOptions(enrol_jitters=0))


def enrol_file(verifier: FaceVerifier, name: str):
    return verifier.enrol((portraits() / name).read_bytes())


@pytest.mark.parametrize(
    ("a", "b"), [("obama.jpg", "obama2.jpg"), ("obama.jpg", "obama3.jpg"), ("biden.jpg", "biden2.jpg")]
)
def test_genuine_pairs_match(verifier: FaceVerifier, a: str, b: str) -> None:
    dist, match = verifier.compare(enrol_file(verifier, a), enrol_file(verifier, b))
    assert match, dist


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("obama.jpg", "biden.jpg"),
        ("obama2.jpg", "grace_hopper_512x512.jpg"),
        ("biden2.jpg", "skimage_astronaut_eileen_collins.png"),
        ("grace_hopper_512x512.jpg", "skimage_astronaut_eileen_collins.png"),
    ],
)
def test_impostor_pairs_do_not_match(verifier: FaceVerifier, a: str, b: str) -> None:
    dist, match = verifier.compare(enrol_file(verifier, a), enrol_file(verifier, b))
    assert not match, dist
    assert dist > verifier.options.threshold


def test_portrait_without_a_face_is_a_typed_error(verifier: FaceVerifier) -> None:
    blank = np.full((320, 240, 3), 180, np.uint8)
    ok, data = cv2.imencode(".jpg", blank)
    assert ok
    with pytest.raises(NoFaceInPortrait) as err:
        verifier.enrol(data.tobytes())
    assert err.value.code == "portrait_no_face"


@pytest.mark.parametrize("data", [b"", b"not a picture", b"\xff\xd8\xff\xe0" + b"\x00" * 64])
def test_corrupt_portrait_is_a_typed_error(verifier: FaceVerifier, data: bytes) -> None:
    with pytest.raises(PortraitUnreadable):
        verifier.enrol(data)


def test_tight_crop_portrait_is_found_with_padding(verifier: FaceVerifier) -> None:
    image = cv2.imread(str(portraits() / "obama.jpg"))
    crop = image[60:500, 320:660]  # the face fills the picture, as on a chip (ICAO head crop)
    ok, data = cv2.imencode(".jpg", crop)
    assert ok
    tight = verifier.enrol(data.tobytes())
    dist, match = verifier.compare(tight, enrol_file(verifier, "obama2.jpg"))
    assert match, dist


def test_reference_repr_is_redacted(verifier: FaceVerifier) -> None:
    ref = enrol_file(verifier, "obama.jpg")
    assert "redacted" in repr(ref)
    assert str(ref.embedding[0])[:6] not in repr(ref)


def test_demo_portrait_is_person_a_and_matches_nobody_else(verifier: FaceVerifier) -> None:
    portrait = demo_portrait(CLIP)
    assert portrait[:2] == b"\xff\xd8"  # JPEG, in memory
    ref = verifier.enrol(portrait)
    for other in ("obama.jpg", "biden.jpg", "grace_hopper_512x512.jpg"):
        assert not verifier.compare(ref, enrol_file(verifier, other))[1]


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from([b"", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n"]))
def test_garbage_portraits_only_ever_raise_typed_errors(data: bytes, magic: bytes) -> None:
    try:
        FaceVerifier(FaceOptions(enrol_jitters=0)).enrol(magic + data)
    except (PortraitUnreadable, NoFaceInPortrait):
        return
    raise AssertionError("random bytes were enrolled as a face")
