"""tests.conftest.shared_data: test data kept outside the project skips a test on a developer
machine and fails it under CI=true, naming the folder either way."""

from __future__ import annotations

from pathlib import Path

import pytest

import tests.conftest as suite


def test_present_data_is_returned(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "faces" / "portraits").mkdir(parents=True)
    monkeypatch.setattr(suite, "SHARED_DATA", tmp_path)
    monkeypatch.setenv("CI", "true")
    assert suite.shared_data("faces", "portraits") == tmp_path / "faces" / "portraits"


def test_missing_data_skips_on_a_developer_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(suite, "SHARED_DATA", tmp_path / "absent")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as err:
        suite.shared_data("faces", "portraits")
    assert str(tmp_path / "absent") in str(err.value) and "../shared/data" in str(err.value)


def test_missing_data_fails_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(suite, "SHARED_DATA", tmp_path / "absent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as err:
        suite.shared_data("faces", "meds-calibration")
    assert str(tmp_path / "absent" / "faces" / "meds-calibration") in str(err.value)
