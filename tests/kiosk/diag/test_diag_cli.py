"""`main.py diag ...` against healthy and faulty simulators, with the documented exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import settings as settings_mod
from kiosk.diag.pin import PinGuard
from tests.conftest import ROOT, write_config


def main(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        input=stdin,
        env=dict(os.environ),
    )


def test_all_checks_healthy(tmp_path: Path) -> None:
    result = main("--config", str(write_config(tmp_path)), "diag", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["healthy"] and {c["device"] for c in report["checks"]} == {
        "reader",
        "camera",
        "printer",
        "api",
        "storage",
    }


def test_a_printer_fault_is_exit_1_with_its_reason(tmp_path: Path) -> None:
    printer = 'kind = "virtual"        # a loopback'
    cfg = write_config(tmp_path, replace={printer: 'kind = "virtual"\ncover_open = true #'})
    result = main("diag", "--json", "--config", str(cfg))
    assert result.returncode == 1, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    printer = next(c for c in report["checks"] if c["device"] == "printer")
    assert printer["status"] == "fault" and printer["reason"] == "printer_cover_open"


def test_unreadable_config_is_exit_2(tmp_path: Path) -> None:
    bad = write_config(tmp_path, replace={'kind = "virtual"        # a loopback': "kind = 3 #"})
    for args in (("diag",), ("diag", "storage"), ("diag", "report")):
        result = main("--config", str(bad), *args)
        assert result.returncode == 2 and "printer.kind" in result.stderr


def test_storage_reports_unfinished_transactions(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    result = main("diag", "storage", "--json", "--config", str(cfg))
    assert result.returncode == 0 and json.loads(result.stdout)["checks"][0]["status"] == "ok"
    from kiosk.launch import open_journal

    journal = open_journal(settings_mod.load(cfg))
    journal.record("t-open", "face_passed")
    journal.close()
    result = main("diag", "storage", "--json", "--config", str(cfg))
    check = json.loads(result.stdout)["checks"][0]
    assert result.returncode == 0 and check["status"] == "warn" and check["details"]["open_transactions"] == 1


def test_report_has_no_personal_data_and_masks_secrets(tmp_path: Path) -> None:
    pin_hash = 'pin_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"'
    cfg = write_config(tmp_path, replace={"[diagnostics]": f"[diagnostics]\n{pin_hash}"})
    out = tmp_path / "report.json"
    result = main("diag", "report", "--out", str(out), "--config", str(cfg))
    assert result.returncode == 0, result.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    report = json.loads(text)
    assert report["healthy"] and report["config"]["diagnostics.pin_hash"] == "••• (set)"
    for secret in ("$argon2id$", "张伟", "ZHANG", "123456"):
        assert secret not in text


def test_set_pin_writes_only_a_hash(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    assert main("diag", "set-pin", "--stdin", "--config", str(cfg), stdin="12345\n").returncode == 2
    result = main("diag", "set-pin", "--stdin", "--config", str(cfg), stdin="864209\n")
    assert result.returncode == 0, result.stderr
    text = cfg.read_text(encoding="utf-8")
    assert "864209" not in text and "$argon2id$" in text
    settings = settings_mod.load(cfg)
    from kiosk.diag.audit import AuditLog

    guard = PinGuard(settings.diagnostics.pin_hash, tmp_path / "lock.json", AuditLog(tmp_path / "audit.log"))
    assert guard.verify("864209") == "ok" and guard.verify("000000") == "wrong"
    assert main("diag", "set-pin", "--stdin", "--config", str(cfg), stdin="135799\n").returncode == 0
    assert settings_mod.load(cfg).diagnostics.pin_hash != settings.diagnostics.pin_hash, "replaced, not appended"


@pytest.mark.parametrize("failures", [4, 5])
def test_pin_lockout_persists_across_restarts(tmp_path: Path, failures: int) -> None:
    from kiosk.diag.audit import AuditLog
    from kiosk.diag.pin import hash_pin

    now = [1000.0]
    audit = AuditLog(tmp_path / "audit.log")

    def guard() -> PinGuard:  # a new object per attempt: as after a reboot
        return PinGuard(hash_pin("246810"), tmp_path / "lock.json", audit, 5, 300, clock=lambda: now[0])

    results = [guard().verify("000000") for _ in range(failures)]
    assert results[-1] == ("locked" if failures == 5 else "wrong")
    assert guard().verify("246810") == ("locked" if failures == 5 else "ok")
    now[0] += 301
    assert guard().verify("246810") == "ok"
    assert "246810" not in (tmp_path / "audit.log").read_text()


def test_no_pin_configured_refuses_entry(tmp_path: Path) -> None:
    from kiosk.diag.audit import AuditLog

    g = PinGuard("", tmp_path / "lock.json", AuditLog(tmp_path / "audit.log"))
    assert g.verify("") == "no_pin" and g.verify("123456") == "no_pin"


def test_report_summary_comes_out_of_the_printer(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    result = main("diag", "report", "--out", str(tmp_path / "r.json"), "--print", "--config", str(cfg))
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["healthy"]
    assert len(list((tmp_path / "prints").glob("*.png"))) == 1, "one summary receipt printed"


def test_report_receipt_on_a_faulty_printer_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    printer = 'kind = "virtual"        # a loopback'
    cfg = write_config(tmp_path, replace={printer: 'kind = "virtual"\ncover_open = true #'})
    result = main("diag", "report", "--out", str(tmp_path / "r.json"), "--print", "--config", str(cfg))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "summary receipt not printed: printer_cover_open" in result.stderr
    assert not json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["healthy"]
