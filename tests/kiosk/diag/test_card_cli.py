"""`main.py diag card --kind chip` tests the chip reader the kiosk config names; --reader and
--simulate override it (tests/kiosk/diag/test_resident_card_cli.py: ``--kind resident-id``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import cli
from tests.conftest import ROOT, write_config

# the demo config's chip reader: no passport placed, the camera's applicant on the chip
CHIP = ('insert_after_s = -1            # no passport in the demo (`main.py diag card --kind chip --simulate pace`)\n'
        'portrait = "camera"            # the chip carries the face of the simulated camera\'s applicant')


def config(tmp_path: Path, reader: str = "") -> Path:
    """The demo config whose chip is placed at once (a card for the check to read) with a generated
    portrait (no camera clip needed) and ``reader`` options."""
    insert = "" if "insert_after_s" in reader else "insert_after_s = 0.0\n"
    return write_config(tmp_path, replace={CHIP: f'{insert}portrait = ""\n{reader}'})


def test_the_configured_reader_is_read_with_the_test_card_can(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--config", str(config(tmp_path)),
                             "diag", "card", "--kind", "chip", "--json", "--timeout", "5"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    out = json.loads(result.stdout)
    assert out["source"] == "config" and out["reader"] == "Virtual eMRTD reader"
    assert out["passive_authentication"]["verified"]


def test_the_configured_variant_and_name_are_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config(tmp_path, 'variant = "tampered_dg"\nreader_name = "Bench reader 7"\ninsert_after_s = 0.0')
    assert cli.main(["--config", str(cfg), "diag", "card", "--json", "--can", "123456"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["reader"] == "Bench reader 7" and out["passive_authentication"]["failure"] == "dg_hash:DG2"


def test_simulate_overrides_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config(tmp_path, 'variant = "tampered_dg"')
    assert cli.main(["--config", str(cfg), "diag", "card", "--json", "--simulate", "pace", "--can", "123456"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == "--simulate"


def test_reader_overrides_the_config_with_pcsc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config(tmp_path)
    code = cli.main(["--config", str(cfg), "diag", "card", "--json", "--reader", "No Such Reader 42",
                     "--can", "123456", "--timeout", "1"])
    out = json.loads(capsys.readouterr().out)
    assert code == 2 and out["error"] == "reader_unavailable", out  # PC/SC, not the virtual chip


def test_no_can_and_no_test_card_can_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = write_config(tmp_path, replace={CHIP: 'portrait = ""', 'test_card_can = "123456"': ""})
    assert cli.main(["--config", str(cfg), "diag", "card", "--kind", "chip"]) == 2
    assert "test_card_can" in capsys.readouterr().err
