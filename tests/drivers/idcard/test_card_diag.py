"""`diag card`: exit codes, JSON, masking (runs on the in-process virtual chip)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from kiosk.diag import card


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    card.add_arguments(parser)
    code = card.run(parser.parse_args(list(argv)))
    return code, capsys.readouterr().out


def test_verified_chip_exits_0_and_masks(capsys: pytest.CaptureFixture[str], var_dir: Path) -> None:
    code, out = _run(capsys, "--simulate", "pace", "--can", "123456", "--json", "--var-dir", str(var_dir))
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["passive_authentication"]["verified"]
    assert data["access_protocol"] == "PACE-ECDH-GM-AES-128" and data["apdus_after_access"] == 8
    ident = data["identity"]
    assert "张伟" not in out and "ZHANG" not in out and "110105198503121234" not in out
    assert ident["portrait"]["decodes"] and ident["portrait"]["format"] == "jp2"


def test_show_personal_data(capsys: pytest.CaptureFixture[str], var_dir: Path) -> None:
    code, out = _run(
        capsys,
        "--simulate",
        "pace",
        "--mrz",
        "E90000001,850312,360630",
        "--json",
        "--show-personal-data",
        "--var-dir",
        str(var_dir),
    )
    ident = json.loads(out)["identity"]
    assert code == 0
    assert (ident["name_national"], ident["personal_number"]) == ("张伟", "110105198503121234")


@pytest.mark.parametrize(("variant", "failure"), [("tampered_dg", "dg_hash:DG2"), ("revoked_signer", "signer_revoked")])
def test_unverified_chip_exits_1(capsys: pytest.CaptureFixture[str], var_dir: Path, variant: str, failure: str) -> None:
    code, out = _run(capsys, "--simulate", variant, "--can", "123456", "--var-dir", str(var_dir))
    assert code == 1 and failure in out and "VERIFIED" not in out


def test_wrong_can_exits_1_with_code(capsys: pytest.CaptureFixture[str], var_dir: Path) -> None:
    code, out = _run(capsys, "--simulate", "pace", "--can", "000000", "--json", "--var-dir", str(var_dir))
    assert code == 1 and json.loads(out)["error"] == "card_access_denied"


@pytest.mark.parametrize("argv", [["--can", "12"], ["--mrz", "X,1,2"], [], ["--simulate", "nope", "--can", "123456"]])
def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], var_dir: Path, argv: list[str]) -> None:
    code, out = _run(capsys, *argv, "--json", "--var-dir", str(var_dir))
    assert code == 2 and json.loads(out)["error"] == "cannot_run"


def test_chip_authentication_is_reported(capsys: pytest.CaptureFixture[str], var_dir: Path) -> None:
    code, out = _run(capsys, "--simulate", "ca_only", "--can", "123456", "--json", "--var-dir", str(var_dir))
    data = json.loads(out)
    assert code == 0 and data["chip_authentication"] == "CA-ECDH-AES-128"
    assert data["active_authentication"] == "absent"
    code, out = _run(capsys, "--simulate", "ca_cloned", "--can", "123456", "--var-dir", str(var_dir))
    assert code == 1 and "FAILED (chip_auth)" in out and "Chip Authentication failed" in out
