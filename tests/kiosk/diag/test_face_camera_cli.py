"""`diag face-match` and `diag camera` work on what the kiosk config names, and say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drivers.camera.factory import SimulatedCameraOptions, resolve_clip_path
from kiosk import cli
from tests.conftest import shared_data, write_config


def test_face_match_uses_the_configured_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    portraits = shared_data("faces", "portraits")
    a, b = str(portraits / "obama.jpg"), str(portraits / "obama2.jpg")
    strict = write_config(tmp_path, extra="\n[face]\nthreshold = 0.05\n")
    assert cli.main(["--config", str(strict), "diag", "face-match", a, b, "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["threshold"] == 0.05
    assert cli.main(["--config", str(strict), "diag", "face-match", a, b, "--json", "--threshold", "0.6"]) == 0
    assert json.loads(capsys.readouterr().out)["threshold"] == 0.6


def test_camera_reports_the_configured_camera_it_watched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert resolve_clip_path(SimulatedCameraOptions().clip_path).exists(), "the demo clip ships in assets/demo"
    cfg = write_config(tmp_path)
    assert cli.main(["--config", str(cfg), "diag", "camera", "--json", "--seconds", "0.5"]) == 0
    assert json.loads(capsys.readouterr().out)["device"] == "simulated:applicant"
