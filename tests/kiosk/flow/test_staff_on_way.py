"""Once staff were called for an applicant, every later screen of that applicant says staff are on
the way; the step the call came from is kept for the staff screen; the next applicant starts afresh."""

from __future__ import annotations

from kiosk.flow import events as e
from kiosk.flow.states import State
from tests.kiosk.flow import builders as b
from tests.kiosk.flow.test_machine import advance_to, make_flow


def test_continuing_alone_after_calling_staff_still_says_staff_are_coming() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.FORM)
    flow.dispatch(e.Touch("staff"))
    assert flow.state is State.STAFF and flow.view.staff_called and flow.view.stopped_at == "form"
    flow.dispatch(e.Touch("resume"))
    assert flow.state is State.FORM and flow.view.staff_called, "the staff button must not offer a new call"
    for key, value in b.COMPLETE_FORM.items():
        flow.dispatch(e.Touch("form_set", (key, value)))
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.REVIEW and flow.view.staff_called


def test_the_next_applicant_has_called_nobody() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.FORM)
    flow.dispatch(e.Touch("staff"))
    flow.dispatch(e.Touch("cancel"))
    if flow.state is State.RATING:
        flow.dispatch(e.Touch("skip"))
    assert flow.state is State.ATTRACT
    flow.dispatch(e.Touch("start"))
    assert flow.state is State.CONSENT and not flow.view.staff_called


def test_a_failed_step_records_where_it_stopped() -> None:
    flow, _ = make_flow(max_attempts=1)
    advance_to(flow, State.CARD_ACCESS)
    flow.dispatch(e.StepFailed("card", "card_access_denied", False))
    assert flow.state is State.STAFF and flow.view.stopped_at == "card_access"
