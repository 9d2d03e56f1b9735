"""The technicians' duties the runner delegates to: which commands run where, and what they return."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import settings as settings_mod
from kiosk.diag.checks import FAULT
from kiosk.diag.duties import TechnicianDuties
from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.launch import open_journal
from kiosk.metrics import Metrics
from tests.conftest import write_config
from tests.kiosk import runner_fakes as f


def duties(tmp_path: Path, devices: object = None) -> TechnicianDuties:
    cfg = settings_mod.load(write_config(tmp_path))
    return TechnicianDuties(cfg, open_journal(cfg), Metrics(), lambda: devices)


def test_an_audit_line_is_written_at_once_and_the_rest_go_to_a_worker(tmp_path: Path) -> None:
    d = duties(tmp_path)
    assert d.job(c.Audit("diagnostics_gesture")) is None
    assert [a["event"] for a in d.audit.tail()] == ["diagnostics_gesture"]
    steps = {type(cmd): d.job(cmd)[0] for cmd in (c.VerifyPin("1"), c.RunChecks(), c.DiagAction("test_page"))}
    assert steps == {c.VerifyPin: "pin", c.RunChecks: "checks", c.DiagAction: "diag_action"}
    with pytest.raises(TypeError):
        d.job(c.QuitApp())


def test_no_pin_configured_is_refused_through_the_job(tmp_path: Path) -> None:
    _step, work = duties(tmp_path).job(c.VerifyPin("246810"))
    assert work() == e.PinChecked("no_pin")


def test_checks_before_the_devices_are_built_say_not_started(tmp_path: Path) -> None:
    done = duties(tmp_path).run_checks()
    assert [(r.device, r.status, r.reason) for r in done.results[:4]] == [
        (dev, FAULT, "not_started") for dev in ("reader", "camera", "printer", "api")]
    assert done.results[4].device == "storage"


def test_checks_cover_every_device_once_they_are_up(tmp_path: Path) -> None:
    done = duties(tmp_path, f.devices()).run_checks()
    assert [r.device for r in done.results] == ["reader", "camera", "printer", "api", "storage"]


def test_a_failed_device_action_shows_its_code_with_the_checks(tmp_path: Path) -> None:
    """The flow ignores a failed step on the diagnostics screen: the outcome must come back with
    the refreshed checks, or the technician's test page seems to do nothing."""
    from drivers.errors import PrinterPaperOut

    devs = f.devices()

    def out_of_paper(*_: object) -> None:
        raise PrinterPaperOut("no paper")

    devs.print_service.print_image = out_of_paper
    devs.print_service.reprint = lambda job, by="": None
    d = duties(tmp_path, devs)
    printer = next(r for r in d.diag_action("test_page").results if r.device == "printer")
    assert printer.details["last_action"] == "test_page: printer_paper_out"
    printer = next(r for r in d.diag_action("reprint:job-1").results if r.device == "printer")
    assert printer.details["last_action"] == "reprint:job-1: ok"


def test_the_sheet_printers_test_page_goes_to_the_sheet_printer(tmp_path: Path) -> None:
    devs = f.devices()
    printed: list[str] = []
    devs.print_service.print_image = lambda *_a, **_k: printed.append("thermal")
    devs.print_service.print_sheet_test = lambda *_a, **_k: printed.append("sheet") or "job"
    d = duties(tmp_path, devs)
    d.diag_action("sheet_test_page")
    d.diag_action("test_page")
    assert printed == ["sheet", "thermal"]


def test_a_device_action_before_the_devices_are_up_only_checks(tmp_path: Path) -> None:
    done = duties(tmp_path).diag_action("test_page")
    assert done.results[0].reason == "not_started"
