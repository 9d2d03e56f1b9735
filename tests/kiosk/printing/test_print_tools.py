"""Technician tools: `diag printer` and the render tool, run as a technician would."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from printing_testutil import PAYLOAD, make_licence

from drivers.printer.decoder import decode
from drivers.printer.factory import VirtualPrinterOptions
from kiosk.diag import printer as diag
from kiosk.printing import render_tool


def diag_args(tmp_path: Path, *extra: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    diag.add_arguments(p)
    return p.parse_args(["--var-dir", str(tmp_path), *extra])


def test_diag_virtual_with_test_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert diag.run(diag_args(tmp_path, "--test-page", "--json")) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["status"]["ready"] and out["raw"]["paper"] == "0x12"
    assert out["test_page"]["state"] == "confirmed"
    assert out["jobs"][0]["kind"] == "test" and out["jobs"][0]["state"] == "confirmed"
    png = Path(out["printouts"][0])
    assert png.parent == tmp_path / "prints" and png.exists()
    codes = zxingcpp.read_barcodes(Image.open(png).convert("L"))
    assert [c.text for c in codes] == ["KIOSK PRINTER TEST"]


@pytest.mark.parametrize(
    ("opts", "error"),
    [
        (VirtualPrinterOptions(cover_open=True), "printer_cover_open"),
        (VirtualPrinterOptions(stop_reading=True, status_timeout_s=0.2), "printer_offline"),
    ],
)
def test_diag_fault_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], opts: VirtualPrinterOptions, error: str
) -> None:
    args = diag_args(tmp_path, "--json", "--test-page")
    args.printer_options = opts
    assert diag.run(args) == 1
    out = json.loads(capsys.readouterr().out)
    assert not out["ok"] and out["status"]["ready"] is False
    if error == "printer_cover_open":
        assert out["status"]["cover_open"] and "test_page" not in out
    else:
        assert out["error"] == error


def test_diag_unreachable_network_printer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert diag.run(diag_args(tmp_path, "--backend", "network", "--port", "1")) == 1
    assert "printer_offline" in capsys.readouterr().out


def test_diag_bad_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert diag.run(diag_args(tmp_path, "--backend", "virtual", "--profile", "tm-nope", "--json")) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "could_not_run"
    bad = tmp_path / "bad.toml"
    bad.write_text("[printer]\nkind = 'escpos'\nbackend = 'bluetooth'\n", "utf-8")
    args = diag_args(tmp_path, "--json")
    args.config = bad  # main.py's global --config
    assert diag.run(args) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "could_not_run"


def test_diag_uses_the_kiosk_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main

    assert main(["diag", "printer", "--json", "--var-dir", str(tmp_path)]) == 0  # default.toml
    out = json.loads(capsys.readouterr().out)
    assert out["backend"] == "VirtualPrinterOptions" and out["status"]["ready"]


def test_render_tool_round_trip(tmp_path: Path) -> None:
    rec = tmp_path / "licence.json"
    rec.write_text(json.dumps(asdict(make_licence()), ensure_ascii=False), "utf-8")
    png, job, pv = tmp_path / "l.png", tmp_path / "l.bin", tmp_path / "p.png"
    rc = render_tool.main([str(rec), "--png", str(png), "--escpos", str(job), "--preview", str(pv)])
    assert rc == 0
    img = Image.open(png).convert("1")
    paper = decode(job.read_bytes())[0].image
    assert np.array_equal(np.asarray(paper)[: img.height], np.asarray(img))
    assert [c.text for c in zxingcpp.read_barcodes(Image.open(pv).convert("L"))] == [PAYLOAD]


def test_render_tool_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"uscc": "1"}', "utf-8")
    assert render_tool.main([str(bad)]) == 2  # missing fields
    lic = asdict(make_licence()) | {"qr_payload": "not base45"}
    bad.write_text(json.dumps(lic), "utf-8")
    assert render_tool.main([str(bad)]) == 1
    assert render_tool.main([str(tmp_path / "missing.json")]) == 2


def test_render_tool_referral(tmp_path: Path) -> None:
    rec = tmp_path / "d.json"
    rec.write_text(json.dumps({"outcome": "manual_review", "application_id": "A",
                               "reasons": ["x"], "tracking_number": "MR-1"}), "utf-8")  # fmt: skip
    assert render_tool.main([str(rec), "--referral", "--png", str(tmp_path / "r.png")]) == 0
    assert Image.open(tmp_path / "r.png").width == 576
    where = "南山区市场监督管理局 3号窗口  电话 0755-12345678 周一至周五 9:00-17:00"  # two lines on paper
    assert render_tool.main([str(rec), "--referral", "--enquiries", where, "--png", str(tmp_path / "q.png")]) == 0
    assert Image.open(tmp_path / "q.png").height > Image.open(tmp_path / "r.png").height
