"""The strip's model: a decision for every state, the step of each screen, an estimate that only
goes down as the applicant moves on and never reads "0 minutes" while something is left."""

from __future__ import annotations

import pytest

from kiosk.flow import events as e
from kiosk.flow import progress as p
from kiosk.flow.machine import STEP_START, Flow
from kiosk.flow.progress import Step, TimeLeft, progress
from kiosk.flow.states import State
from kiosk.settings import PolicySection, TimeoutSection
from tests.kiosk.flow import builders as b


def test_every_state_has_an_explicit_decision() -> None:
    assert set(p.STEP_OF) == set(State), "a new state needs a decision in kiosk/flow/progress.py"


def test_every_step_is_some_screens_step() -> None:
    assert {s for s in p.STEP_OF.values() if isinstance(s, Step)} == set(Step)


@pytest.mark.parametrize("state", [State.ATTRACT, State.CONSENT, State.STAFF, State.OUT_OF_SERVICE,
                                   State.DIAG_PIN, State.DIAG, State.RATING])
def test_no_strip_outside_an_application(state: State) -> None:
    assert progress(state) is None


def test_a_retry_belongs_to_the_step_it_retries() -> None:
    assert set(p.RETRY_STEP) == set(p.RETRY_FROM) == set(STEP_START)
    for retry_step, start in STEP_START.items():
        where = progress(State.RETRY, retry_step)
        assert where is not None and where.current is p.STEP_OF[start]
        assert where.time_left == p.time_left(start), "trying again takes the step's time again"
    assert progress(State.RETRY, "") is None


def test_a_rejected_application_counts_from_the_form_again() -> None:
    approved, rejected = progress(State.DECISION), progress(State.DECISION, rejected=True)
    assert approved is not None and rejected is not None and rejected.current is approved.current
    assert rejected.time_left == p.time_left(State.FORM)
    assert rejected.time_left is not None and approved.time_left is not None
    assert rejected.time_left.seconds > approved.time_left.seconds


def test_statuses_before_at_and_after_the_current_step() -> None:
    where = progress(State.FORM)
    assert where is not None and where.index == 2
    assert [where.status(s) for s in p.STEPS] == ["done", "done", "current", "todo", "todo"]


def happy_path_states() -> list[State]:
    """The states a real flow passes through on the happy path (a passport: with the CAN keypad)."""
    flow = Flow(TimeoutSection(), PolicySection(), "zh_CN", b.FakeClock())
    flow.dispatch(e.DevicesReady())
    seen = [flow.state]
    events: list[object] = [e.Touch("start"), e.Touch("accept"), e.CardInserted(b.card_info()),
                            e.Touch("submit_key", "123456"), e.CardRead(b.identity(), object()),
                            e.FaceChecked(True, "match")]
    events += [e.Touch("form_set", item) for item in b.COMPLETE_FORM.items()]
    events += [e.Touch("form_done"), e.Touch("confirm"), e.Decided(b.decision()), e.Touch("continue"),
               e.Printed("job-1")]
    for event in events:
        flow.dispatch(event)
        if flow.state is not seen[-1]:
            seen.append(flow.state)
    assert seen[-1] is State.DONE
    return seen


def test_steps_and_estimate_only_move_forward_on_the_happy_path() -> None:
    shown = [where for where in map(progress, happy_path_states()) if where is not None]
    assert shown[0].current is Step.READ_ID and shown[-1].current is Step.COLLECT
    indexes = [w.index for w in shown]
    assert indexes == sorted(indexes) and set(indexes) == set(range(len(Step)))
    seconds = [w.time_left.seconds if w.time_left else 0.0 for w in shown]
    assert seconds == sorted(seconds, reverse=True)
    minutes = [w.time_left.minutes if w.time_left else -1 for w in shown]
    assert minutes == sorted(minutes, reverse=True)
    assert shown[-1].time_left is None, "nothing left to wait for on the done screen"
    assert all(w.time_left is not None and w.time_left.seconds > 0 for w in shown[:-1])


def test_every_happy_path_state_has_a_duration() -> None:
    states = [s for s in happy_path_states() if p.STEP_OF[s] is not None]
    order = [state for state, _ in p.HAPPY_PATH]
    assert all(s in order for s in states)
    assert [order.index(s) for s in states] == sorted(order.index(s) for s in states)
    assert all(seconds > 0 for state, seconds in p.HAPPY_PATH if state is not State.DONE)


@pytest.mark.parametrize(("seconds", "minutes"), [(1, 0), (59.9, 0), (60, 1), (89, 1), (90, 2), (301, 5)])
def test_minutes_are_rounded_and_under_one_reads_less_than_a_minute(seconds: float, minutes: int) -> None:
    assert TimeLeft(seconds).minutes == minutes
