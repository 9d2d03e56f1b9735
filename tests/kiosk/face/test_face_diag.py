"""Technician CLIs: diag face-match and diag camera (exit codes and JSON)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from face_testdata import portraits

from kiosk.diag import camera, face_match


def run_face_match(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    face_match.add_arguments(parser)
    return face_match.run(parser.parse_args(argv))


def test_face_match_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    p = portraits()
    assert run_face_match([str(p / "obama.jpg"), str(p / "obama2.jpg"), "--json"]) == 0
    match = json.loads(capsys.readouterr().out)
    assert match["match"] is True and match["distance"] <= match["threshold"]
    assert run_face_match([str(p / "obama.jpg"), str(p / "biden.jpg")]) == 1
    assert "NO MATCH" in capsys.readouterr().out
    assert run_face_match([str(p / "obama.jpg"), str(p / "missing.jpg"), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "face_error"


def test_face_match_threshold_above_the_face_options_range_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_face_match(["a.jpg", "b.jpg", "--threshold", "0.7"]) == 2
    assert "--threshold: expected a number greater than 0 and at most 0.6" in capsys.readouterr().err


@pytest.mark.parametrize("threshold", ["-1", "nan"])
def test_face_match_threshold_that_is_no_distance_is_a_usage_error(threshold: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run_face_match(["a.jpg", "b.jpg", "--threshold", threshold])
    assert exit_.value.code == 2 and f"{threshold} is out of range" in capsys.readouterr().err


def test_face_match_no_face_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blank = tmp_path / "blank.png"  # a synthetic grey picture, no face
    import cv2
    import numpy as np

    assert cv2.imwrite(str(blank), np.full((200, 200, 3), 128, np.uint8))
    p = portraits()
    assert run_face_match([str(blank), str(p / "obama.jpg"), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "portrait_no_face"


def test_face_match_pairs_prints_one_json_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = portraits()
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"# a,b\n{p / 'obama.jpg'},{p / 'obama2.jpg'}\n{p / 'obama.jpg'},{p / 'biden.jpg'}\n")
    assert run_face_match(["--pairs", str(pairs)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["match"] for x in lines] == [True, False]
    pairs.write_text(f"{p / 'obama.jpg'},{tmp_path / 'gone.jpg'}\nonly-one-column\n")
    assert run_face_match(["--pairs", str(pairs)]) == 2
    errors = [json.loads(x)["error"] for x in capsys.readouterr().out.splitlines()]
    assert errors == ["face_error", "bad_line"]


def test_face_match_needs_two_images_or_pairs() -> None:
    assert run_face_match(["only-one.jpg"]) == 2


def run_camera(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    camera.add_arguments(parser)
    return camera.run(parser.parse_args(argv))


def test_camera_diag_on_the_simulated_camera(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_camera(["--simulated", "applicant", "--seconds", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["resolution"] == "640x480"
    assert 20 <= report["fps_measured"] <= 35
    assert report["faces"] == 1
    assert report["brightness"] > 0 and report["sharpness"] > 0


def test_camera_diag_missing_device_is_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_camera(["--device", "/dev/no-such-video", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"] == "camera_lost"


def test_camera_diag_unknown_scenario_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_camera(["--simulated", "ghost", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "bad_configuration"
