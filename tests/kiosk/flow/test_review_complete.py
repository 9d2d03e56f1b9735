"""The review never submits an application it could not show whole: a business scope the
reference data do not know is sent back to the form, at "Next" and again at "Confirm"."""

from __future__ import annotations

from drivers.registry.models import ReferenceData, ScopeItem
from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow.states import State
from tests.kiosk.flow import builders as b
from tests.kiosk.flow.test_machine import advance_to, make_flow

REFERENCE = ReferenceData("t", (ScopeItem("H6210", "正餐服务", "Restaurant", "general"),), ("店",), (), (), ())


def on_form(scope: list[str]) -> object:
    flow, _ = make_flow()
    advance_to(flow, State.FORM)
    flow.dispatch(e.ReferenceLoaded(REFERENCE))
    for key, value in {**b.COMPLETE_FORM, "scope_codes": scope}.items():
        flow.dispatch(e.Touch("form_set", (key, value)))
    return flow


def test_a_scope_the_catalogue_does_not_know_stays_on_the_form() -> None:
    flow = on_form(["X9999"])
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.FORM and flow.view.form_problems == ["invalid:scope_codes"]


def test_confirm_goes_back_to_the_form_when_the_scope_became_empty() -> None:
    flow = on_form(["H6210"])
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.REVIEW
    flow.session.form["scope_codes"] = []  # e.g. emptied behind the review's back
    cmds = flow.dispatch(e.Touch("confirm"))
    assert flow.state is State.FORM and "missing:scope_codes" in flow.view.form_problems
    assert not [cmd for cmd in cmds if isinstance(cmd, c.Submit)]


def test_a_known_scope_is_submitted() -> None:
    flow = on_form(["H6210"])
    flow.dispatch(e.Touch("form_done"))
    cmds = flow.dispatch(e.Touch("confirm"))
    assert flow.state is State.SUBMIT and [cmd for cmd in cmds if isinstance(cmd, c.Submit)]
