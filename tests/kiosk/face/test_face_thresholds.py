"""Each reference kind is matched at its own threshold; the thresholds are validated settings."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from drivers.idcard.base import ChipIdentity
from drivers.residentid.identity import ResidentIdentity
from kiosk import settings
from kiosk.face.options import FaceOptions
from kiosk.face.reference_kind import ReferenceKind, kind_of
from kiosk.face.verifier import FaceReference, FaceVerifier, _Check, _Job
from tests.kiosk.flow.builders import identity

ROOT = Path(__file__).resolve().parents[3]
OPTIONS = FaceOptions(threshold=0.42, threshold_card_photo=0.35)


def vector_at(distance: float) -> np.ndarray:
    v = np.zeros(128)
    v[0] = distance
    return v


def decide(reference: FaceReference, live: np.ndarray):
    """The real decision step of a check whose one baseline descriptor is ``live``."""
    run = _Check(OPTIONS, None, None, reference, lambda *_: None, threading.Event(), ())  # type: ignore[arg-type]
    done: Future = Future()
    done.set_result(live)
    run.jobs = [_Job("baseline", done)]
    return run.decide()


@pytest.mark.parametrize(
    ("kind", "threshold", "passed"),
    [(ReferenceKind.ICAO_DG2, 0.42, True), (ReferenceKind.RESIDENT_CARD, 0.35, False)],
)
def test_the_check_decides_at_the_threshold_of_the_reference_kind(kind: ReferenceKind, threshold: float,
                                                                   passed: bool) -> None:
    decision = decide(FaceReference(np.zeros(128), kind), vector_at(0.38))
    assert decision.threshold == threshold
    assert decision.passed is passed and decision.reason == ("match" if passed else "mismatch")
    assert decision.distance == pytest.approx(0.38)


def test_compare_uses_the_document_photo_kind() -> None:
    verifier = FaceVerifier(OPTIONS)
    live = FaceReference(vector_at(0.38))
    assert verifier.compare(FaceReference(np.zeros(128), ReferenceKind.ICAO_DG2), live)[1]
    assert not verifier.compare(FaceReference(np.zeros(128), ReferenceKind.RESIDENT_CARD), live)[1]


def test_threshold_for_each_kind() -> None:
    assert OPTIONS.threshold_for(ReferenceKind.ICAO_DG2) == 0.42
    assert OPTIONS.threshold_for(ReferenceKind.RESIDENT_CARD) == 0.35
    assert FaceReference(np.zeros(128)).kind is ReferenceKind.ICAO_DG2  # the default kind


def test_the_reference_kind_follows_the_card_that_was_read() -> None:
    chip = identity()
    card = ResidentIdentity(**{f.name: getattr(chip, f.name) for f in dataclasses.fields(ChipIdentity)})
    assert kind_of(chip) is ReferenceKind.ICAO_DG2
    assert kind_of(card) is ReferenceKind.RESIDENT_CARD
    assert "resident_card" in repr(FaceReference(np.zeros(128), kind_of(card)))


@pytest.mark.parametrize("value", [0, -0.1, 0.61, 1.0, float("nan"), float("inf")])
def test_card_photo_threshold_is_bounded(value: float) -> None:
    with pytest.raises(ValidationError):
        FaceOptions(threshold_card_photo=value)


@pytest.mark.parametrize(("line", "problem"), [
    ("threshold_card_photo = 0.7", "a number greater than 0 and at most 0.6"),
    ('threshold_card_photo = "0.3"', "a number greater than 0 and at most 0.6"),
    ("threshold_card_photo = true", "a number greater than 0 and at most 0.6"),
])
def test_the_config_file_refuses_a_bad_card_photo_threshold(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "kiosk.toml"
    base = (ROOT / "config" / "default.toml").read_text(encoding="utf-8")
    path.write_text(f"{base}\n[face]\n{line}\n", encoding="utf-8")
    with pytest.raises(settings.ConfigError) as info:
        settings.load(path)
    assert info.value.key == "face.threshold_card_photo"
    assert info.value.problem.startswith(f"expected {problem}"), info.value.problem


def test_the_config_file_sets_the_card_photo_threshold(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    base = (ROOT / "config" / "default.toml").read_text(encoding="utf-8")
    path.write_text(f"{base}\n[face]\nthreshold_card_photo = 0.33\n", encoding="utf-8")
    face = settings.load(path).face
    assert face.threshold_for(ReferenceKind.RESIDENT_CARD) == 0.33
    assert face.threshold_for(ReferenceKind.ICAO_DG2) == FaceOptions().threshold
