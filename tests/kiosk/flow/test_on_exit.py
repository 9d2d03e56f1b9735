"""Leaving a state stops what it started, whichever way it is left: one table, applied on every
transition (the state diagram in docs/flow.md)."""

from __future__ import annotations

import pytest

from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow.machine import ON_EXIT, Flow
from kiosk.flow.states import State
from tests.kiosk.flow import builders as b
from tests.kiosk.flow.test_machine import T, advance_to, make_flow

# Every way out of the states that start something, as (how to get there, what happens there).
EXITS = {
    State.CARD_WAIT: [e.CardInserted(b.card_info()), e.Touch("cancel"), e.Touch("staff"), e.Touch("diag_gesture"),
                      e.StepFailed("card", "card_removed", False), e.StepFailed("card", "reader_unavailable", True),
                      "timeout"],
    State.FACE_CHECK: [e.FaceChecked(True, "match"), e.FaceChecked(False, "mismatch"), e.Touch("cancel"),
                       e.Touch("staff"), e.Touch("diag_gesture"), e.StepFailed("face", "camera_lost", True),
                       e.StepFailed("face", "face_models_unavailable", True), "timeout"],
}


def test_the_table_names_what_each_state_starts() -> None:
    assert ON_EXIT[State.CARD_WAIT] == (c.CancelCardWait(),)
    assert ON_EXIT[State.FACE_CHECK] == (c.CancelFaceCheck(),)
    assert set(ON_EXIT) <= set(State)


@pytest.mark.parametrize(("state", "event"), [(s, ev) for s, evs in EXITS.items() for ev in evs],
                         ids=lambda v: getattr(v, "value", None) or type(v).__name__)
def test_every_way_out_emits_the_exit_commands_first(state: State, event: object) -> None:
    flow, clock = make_flow()
    advance_to(flow, state)
    if event == "timeout":
        clock.advance(getattr(T, state.value) + 1)
        cmds = flow.dispatch(e.Tick())
    else:
        cmds = flow.dispatch(event)
    assert flow.state is not state
    exits = list(ON_EXIT[state])
    assert cmds[:len(exits)] == exits and all(cmds.count(x) == 1 for x in exits), cmds


def test_staying_in_a_state_emits_no_exit_commands() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.FACE_CHECK)
    for event in (e.FaceGuidance("blink", "blink"), e.Touch("language", "en"), e.Touch("more_time")):
        assert flow.dispatch(event) == [] and flow.state is State.FACE_CHECK


def test_states_that_start_nothing_cancel_nothing() -> None:
    flow: Flow
    flow, _ = make_flow()
    advance_to(flow, State.FORM)
    cmds = flow.dispatch(e.Touch("cancel"))
    assert not [x for x in cmds if isinstance(x, c.CancelCardWait | c.CancelFaceCheck)]
