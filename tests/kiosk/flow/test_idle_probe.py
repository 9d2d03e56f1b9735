"""The idle health check: a fault shows on the attract screen, not after an applicant's 3 minutes."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow.machine import Flow
from kiosk.flow.states import State
from kiosk.settings import PolicySection, TimeoutSection
from tests.kiosk.flow import builders as b
from tests.kiosk.flow.test_machine import advance_to

T = TimeoutSection()
CHECK = c.ProbeDevices(recover=False)


def ready_flow(timeouts: TimeoutSection = T) -> tuple[Flow, b.FakeClock, list[object]]:
    clock = b.FakeClock()
    flow = Flow(timeouts, PolicySection(), "zh_CN", clock)
    return flow, clock, flow.dispatch(e.DevicesReady())


def test_devices_are_checked_as_soon_as_they_are_up() -> None:
    _flow, _clock, cmds = ready_flow()
    assert cmds == [CHECK]


def test_then_every_interval_while_idle_and_not_on_every_tick() -> None:
    flow, clock, _ = ready_flow()
    seen = []
    for _ in range(int(3 * T.attract_probe)):
        clock.advance(1)
        seen += flow.dispatch(e.Tick())
    assert seen == [CHECK] * 3 and flow.state is State.ATTRACT


def test_no_check_before_the_devices_are_up() -> None:
    clock = b.FakeClock()
    flow = Flow(T, PolicySection(), "zh_CN", clock)
    clock.advance(10 * T.attract_probe)
    assert flow.dispatch(e.Tick()) == []


def test_zero_turns_it_off() -> None:
    flow, clock, cmds = ready_flow(dataclasses.replace(T, attract_probe=0))
    clock.advance(10 * T.attract_probe)
    assert cmds == [] and flow.dispatch(e.Tick()) == []


def test_a_healthy_check_changes_nothing() -> None:
    flow, _clock, _ = ready_flow()
    assert flow.dispatch(e.DevicesProbed(True)) == [] and flow.state is State.ATTRACT


def test_a_fault_goes_out_of_service_and_the_out_of_service_probe_recovers() -> None:
    flow, clock, _ = ready_flow()
    cmds = flow.dispatch(e.DevicesProbed(False, "printer_paper_out"))
    assert flow.state is State.OUT_OF_SERVICE and flow.view.fault == "printer_paper_out"
    assert c.AlertTechnician("printer_paper_out") in cmds
    assert not [x for x in cmds if isinstance(x, c.Record)]  # no applicant, nothing to journal
    clock.advance(T.out_of_service_probe)
    assert flow.dispatch(e.Tick()) == [c.ProbeDevices(recover=True)]
    flow.dispatch(e.DevicesProbed(True))
    assert flow.state is State.ATTRACT


@pytest.mark.parametrize(
    "state",
    [State.CONSENT, State.CARD_WAIT, State.CARD_ACCESS, State.CARD_READ, State.FACE_CHECK,
     State.FORM, State.REVIEW, State.SUBMIT, State.DECISION, State.PRINTING],
)
def test_a_late_result_after_an_applicant_started_is_ignored(state: State) -> None:
    """The check was sent from the attract screen; the applicant touched start meanwhile. Their
    session's own steps meet the fault if it is real; it is not cut short here."""
    flow, _clock, _ = ready_flow()
    advance_to(flow, state)
    assert flow.dispatch(e.DevicesProbed(False, "printer_paper_out")) == []
    assert flow.state is state and not flow.session.wiped
