"""`main.py diag card --kind resident-id`: card type, SAM number, timing and masked fields; exit 0 / 1 / 2."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.residentid.sim import cards
from drivers.residentid.sim.pty_reader import VirtualResidentReader
from kiosk import cli
from tests.conftest import write_config

SAM_ID = "05.01-20231018-0047112233-3502761984"  # the simulator's SAM


def card_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = cli.main(["diag", "card", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def port(tmp_path: Path) -> Iterator[VirtualResidentReader]:
    """A simulated reader on a pty, reached the way a real one is (``--port``)."""
    with VirtualResidentReader(tmp_path) as sim:
        yield sim


def test_a_resident_card_prints_its_type_the_sam_and_masked_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = card_json(capsys, "--kind", "resident-id", "--simulate", "resident")
    assert code == 0, out
    assert (out["card_type"], out["sam_id"], out["protocols"], out["expired"]) == ("resident", SAM_ID, ["SAM"], False)
    assert out["card_type_name"].startswith("居民身份证") and out["photo"]["status"] == "decoded"
    assert out["frames"] >= 1 and out["bytes_in"] > 1024 and 0 < out["seconds"] < 5
    number = out["identity"]["number"]
    assert len(number) == 18 and number.count("*") == 16, "the ID number is masked"
    assert "张伟" not in json.dumps(out, ensure_ascii=False)


def test_the_text_report_names_the_sam_and_the_card_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["diag", "card", "--kind", "resident-id", "--simulate", "foreign_2023"]) == 0
    text = capsys.readouterr().out
    assert f"SAM           {SAM_ID}" in text and "外国人永久居留身份证 2023" in text and " ms" in text


def test_an_expired_card_is_read_and_reported_as_expired_with_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = card_json(capsys, "--kind", "resident-id", "--simulate", "expired")
    assert code == 1 and out["expired"] and not out["ok"]
    assert dt.date.fromisoformat(out["identity"]["valid_to"]) < dt.date.today()


def test_a_real_reader_on_a_port_without_the_vendor_decoder_reads_but_fails(
        port: VirtualResidentReader, capsys: pytest.CaptureFixture[str]) -> None:
    port.place_card(cards.make("resident"))
    code, out = card_json(capsys, "--port", port.path, "--timeout", "5")  # --port: the resident-id kind
    assert code == 1, "without a photo decoder every applicant would go to staff"
    assert out["source"] == "--port" and out["sam_id"] == SAM_ID and out["photo"]["status"] == "no_decoder"


def test_no_card_on_the_reader_is_status_1(port: VirtualResidentReader, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = card_json(capsys, "--port", port.path, "--timeout", "0.5")
    assert code == 1 and out["error"] == "no_card" and out["sam_id"] == SAM_ID


def test_a_missing_port_is_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = card_json(capsys, "--kind", "resident-id", "--port", str(tmp_path / "ttyUSB9"), "--timeout", "1")
    assert code == 2 and out["error"] == "reader_unavailable", out


@pytest.mark.parametrize("args", [
    ("--kind", "resident-id", "--can", "123456"),
    ("--kind", "resident-id", "--simulate", "pace"),
    ("--kind", "chip", "--port", "/dev/ttyUSB0"),
])
def test_options_of_the_other_kind_are_refused_with_status_2(capsys: pytest.CaptureFixture[str],
                                                              args: tuple[str, ...]) -> None:
    code, out = card_json(capsys, *args)
    assert code == 2 and out["error"] == "cannot_run", out


def test_without_kind_the_configs_first_reader_is_tested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The demo config's first reader is the simulated resident ID card reader (its card placed
    at once for the check; the card's photo a generated one: no camera clip needed)."""
    cfg = write_config(tmp_path, replace={
        'portrait = "camera"            # its photo is the simulated camera\'s applicant': 'portrait = ""'})
    code, out = card_json(capsys, "--config", str(cfg), "--timeout", "5")
    assert code == 0, out
    assert out["source"] == "config" and out["card_type"] == "resident" and out["sam_id"] == SAM_ID
