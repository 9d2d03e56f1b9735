"""Technicians' mode in the flow: gesture, PIN, wipe first, manual out of service, timeouts."""

from __future__ import annotations

import pytest

from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow.machine import Flow
from kiosk.flow.states import State
from kiosk.settings import PolicySection
from tests.kiosk.flow import builders as b
from tests.kiosk.flow.test_machine import T, advance_to, kinds, make_flow, steps


def enter(flow: object) -> list[object]:
    flow.dispatch(e.Touch("diag_gesture"))
    cmds = flow.dispatch(e.Touch("pin", "246810"))
    assert kinds(cmds) == [c.VerifyPin] and "246810" not in repr(cmds[0])
    return flow.dispatch(e.PinChecked("ok"))


@pytest.mark.parametrize(
    "state", [State.ATTRACT, State.CONSENT, State.CARD_ACCESS, State.FACE_CHECK, State.FORM, State.REVIEW]
)
def test_gesture_wipes_the_applicant_before_the_pin_screen(state: State) -> None:
    flow, _ = make_flow()
    advance_to(flow, state) if state is not State.ATTRACT else None
    cmds = flow.dispatch(e.Touch("diag_gesture"))
    assert flow.state is State.DIAG_PIN and not flow.session.holds_personal_data()
    assert c.Audit("diagnostics_gesture") in cmds
    if state is not State.ATTRACT:
        assert steps(cmds) == ["closed"] and any(isinstance(x, c.SessionWiped) for x in cmds)
    if state is State.FACE_CHECK:
        assert c.CancelFaceCheck in kinds(cmds)


@pytest.mark.parametrize("state", [State.CARD_READ, State.SUBMIT, State.PRINTING])
def test_no_diagnostics_while_an_operation_is_in_flight(state: State) -> None:
    flow, _ = make_flow()
    advance_to(flow, state)
    assert flow.dispatch(e.Touch("diag_gesture")) == [] and flow.state is state


@pytest.mark.parametrize("result", ["wrong", "locked", "no_pin"])
def test_pin_refusals_stay_on_the_keypad(result: str) -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("diag_gesture"))
    flow.dispatch(e.Touch("pin", "000000"))
    flow.dispatch(e.PinChecked(result))
    assert flow.state is State.DIAG_PIN and flow.view.error == f"pin_{result}"


def test_pin_ok_runs_checks_and_pages() -> None:
    flow, _ = make_flow()
    cmds = enter(flow)
    assert flow.state is State.DIAG and kinds(cmds) == [c.RunChecks]
    flow.dispatch(e.ChecksDone(["r1"]))
    assert flow.view.checks == ["r1"]
    flow.dispatch(e.Touch("diag_page", "config"))
    assert flow.view.key_mode == "config"
    cmds = flow.dispatch(e.Touch("diag_page", "device:printer"))
    assert flow.view.key_mode == "device:printer" and c.RunChecks() in cmds
    flow.dispatch(e.Touch("diag_page", "elsewhere"))
    assert flow.view.key_mode == "device:printer"
    assert kinds(flow.dispatch(e.Touch("diag_test_page"))) == [c.DiagAction, c.Audit]
    assert flow.dispatch(e.Touch("diag_test_page", "sheet"))[0] == c.DiagAction("sheet_test_page")
    assert flow.dispatch(e.Touch("diag_reprint", "job-7"))[0] == c.DiagAction("reprint:job-7")
    assert kinds(flow.dispatch(e.Touch("diag_quit"))) == [c.Audit, c.QuitApp]


def test_staff_button_does_nothing_in_diagnostics() -> None:
    flow, _ = make_flow()
    enter(flow)
    assert flow.dispatch(e.Touch("staff")) == [] and flow.state is State.DIAG


def test_manual_out_of_service_survives_healthy_probes() -> None:
    flow, clock = make_flow()
    enter(flow)
    flow.dispatch(e.Touch("diag_out_of_service"))
    flow.dispatch(e.Touch("diag_exit"))
    assert flow.state is State.OUT_OF_SERVICE and flow.view.fault == "manual"
    clock.advance(T.out_of_service_probe + 1)
    flow.dispatch(e.Tick())
    flow.dispatch(e.DevicesProbed(True))
    assert flow.state is State.OUT_OF_SERVICE
    enter(flow)
    flow.dispatch(e.Touch("diag_in_service"))
    flow.dispatch(e.Touch("diag_exit"))
    assert flow.state is State.ATTRACT


@pytest.mark.parametrize(("state", "limit"), [(State.DIAG_PIN, T.diag_pin), (State.DIAG, T.diag)])
def test_diagnostics_time_out(state: State, limit: float) -> None:
    flow, clock = make_flow()
    flow.dispatch(e.Touch("diag_gesture"))
    if state is State.DIAG:
        flow.dispatch(e.PinChecked("ok"))
    clock.advance(limit + 0.1)
    cmds = flow.dispatch(e.Tick())
    assert flow.state is State.ATTRACT and c.Audit("diagnostics_timeout") in cmds


def test_leaving_the_pin_screen() -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("diag_gesture"))
    flow.dispatch(e.Touch("diag_exit"))
    assert flow.state is State.ATTRACT


def test_one_pin_is_checked_at_a_time_and_the_keypad_cannot_queue_guesses() -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("diag_gesture"))
    assert kinds(flow.dispatch(e.Touch("pin", "000000"))) == [c.VerifyPin]
    for guess in range(19):
        assert flow.dispatch(e.Touch("pin", f"{guess:06d}")) == [], "refused while a check runs"
    flow.dispatch(e.PinChecked("wrong"))
    assert flow.view.error == "pin_wrong"
    assert kinds(flow.dispatch(e.Touch("pin", "111111"))) == [c.VerifyPin], "the next guess after the answer"


def test_a_pin_answer_nobody_asked_for_opens_nothing() -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("diag_gesture"))
    assert flow.dispatch(e.PinChecked("ok")) == [] and flow.state is State.DIAG_PIN


def test_an_answer_for_an_earlier_visit_does_not_open_the_next() -> None:
    """A check still running when the technician left the PIN screen. (Had the next visit sent a
    PIN of its own, the runner would drop the earlier answer as superseded.)"""
    flow, _ = make_flow()
    flow.dispatch(e.Touch("diag_gesture"))
    flow.dispatch(e.Touch("pin", "246810"))
    flow.dispatch(e.Touch("diag_exit"))
    flow.dispatch(e.Touch("diag_gesture"))
    flow.dispatch(e.PinChecked("ok"))
    assert flow.state is State.DIAG_PIN


def test_a_pin_check_that_fails_says_so_and_frees_the_keypad() -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("diag_gesture"))
    flow.dispatch(e.Touch("pin", "246810"))
    assert flow.dispatch(e.StepFailed("pin", "internal_error:OSError", True)) == []
    assert flow.state is State.DIAG_PIN and flow.view.error == "pin_check_failed"
    assert kinds(flow.dispatch(e.Touch("pin", "246810"))) == [c.VerifyPin]


@pytest.mark.parametrize("leave", ["pin_back", "exit", "timeout"])
def test_leaving_diagnostics_of_a_broken_kiosk_goes_back_out_of_service_and_probes(leave: str) -> None:
    """A look at the diagnostics does not repair a printer: only a healthy probe ends the fault."""
    flow, clock = make_flow()
    flow.dispatch(e.DevicesProbed(False, "printer_paper_out"))
    assert flow.state is State.OUT_OF_SERVICE
    if leave == "pin_back":
        flow.dispatch(e.Touch("diag_gesture"))
        cmds = flow.dispatch(e.Touch("diag_exit"))
    elif leave == "exit":
        enter(flow)
        cmds = flow.dispatch(e.Touch("diag_exit"))
    else:
        enter(flow)
        clock.advance(T.diag + 1)
        cmds = flow.dispatch(e.Tick())
    assert flow.state is State.OUT_OF_SERVICE and flow.view.fault == "printer_paper_out"
    assert c.ProbeDevices() in cmds, "probed at once, not after another interval"
    flow.dispatch(e.DevicesProbed(True))
    assert flow.state is State.ATTRACT


def test_a_start_up_that_fails_during_diagnostics_is_not_forgotten() -> None:
    """Before, the failure was ignored on the diagnostics screen and leaving it showed an attract
    screen that said 'preparing' forever: not ready, so never probed."""
    clock = b.FakeClock()
    flow = Flow(T, PolicySection(), "zh_CN", clock)
    flow.dispatch(e.Touch("diag_gesture"))
    assert flow.dispatch(e.StepFailed("startup", "camera_lost", True)) == [c.AlertTechnician("camera_lost")]
    cmds = flow.dispatch(e.Touch("diag_exit"))
    assert flow.state is State.OUT_OF_SERVICE and flow.view.fault == "camera_lost" and c.ProbeDevices() in cmds
    flow.dispatch(e.DevicesProbed(True))
    assert flow.state is State.ATTRACT and flow.view.ready


def test_leaving_diagnostics_of_a_healthy_kiosk_returns_to_attract() -> None:
    flow, _ = make_flow()
    enter(flow)
    assert flow.dispatch(e.Touch("diag_exit")) == [c.Audit("diagnostics_left")]
    assert flow.state is State.ATTRACT
