"""Privacy: a full check writes no file at all (no frame, no descriptor), keeps none in its
decision, and logs no biometric data."""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from face_testdata import ROOT, SEED_BLINK_RIGHT, demo_reference, run_check

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_recording: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    """Every Python-level file open (io.open, os.open, and libraries built on them)."""
    if _recording is None or event != "open":
        return
    path, mode, flags = (*tuple(args), None, None, None)[:3]
    writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
        isinstance(flags, int) and flags & _WRITE_FLAGS
    )
    if writing:
        _recording.append(str(path))


sys.addaudithook(_audit)  # cannot be removed; inert unless a test is recording


_MEDIA = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".pgm", ".ppm", ".npy", ".npz", ".avi", ".mp4"}


def snapshot(folder: Path) -> set[Path]:
    """Image-like files under the project (others may edit source files meanwhile)."""
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
    out = set()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in skip]
        out.update(Path(dirpath) / f for f in filenames if Path(f).suffix.lower() in _MEDIA)
    return out


def test_full_check_writes_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    global _recording
    reference = demo_reference()  # enrolment is allowed to load models (reads only)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a face image was about to be written")

    monkeypatch.setattr(cv2, "imwrite", forbidden)
    monkeypatch.setattr(cv2, "VideoWriter", forbidden)
    monkeypatch.setattr(np, "save", forbidden)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = snapshot(ROOT)
    _recording = []
    try:
        decision = run_check("applicant", SEED_BLINK_RIGHT, reference=reference)
    finally:
        written, _recording = _recording, None
    assert decision.passed  # a complete check ran, enrolment to decision
    assert written == [], f"files opened for writing during the check: {written}"
    assert snapshot(ROOT) - before == set()
    assert list(tmp_path.iterdir()) == []


def test_decision_carries_no_image_or_descriptor() -> None:
    decision = run_check("applicant", SEED_BLINK_RIGHT)
    for f in dataclasses.fields(decision):
        value = getattr(decision, f.name)
        assert not isinstance(value, np.ndarray), f.name
    assert all(isinstance(v, float) for v in decision.timings.values())


def test_check_logs_no_biometric_data(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        run_check("photo_attack", SEED_BLINK_RIGHT)
    for record in caplog.records:
        for arg in record.args or ():
            assert isinstance(arg, str | int | float), record.getMessage()
        assert len(record.getMessage()) < 200
