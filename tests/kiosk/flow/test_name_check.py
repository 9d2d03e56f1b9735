"""The name check in the flow: asked once the applicant pauses, one request at a time, answers
for an older name (or another applicant) dropped, a failed check never blocking the form."""

from __future__ import annotations

from drivers.registry.models import Division, NameCheck, NameFinding, NameQuery, ReferenceData
from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow import form as form_rules
from kiosk.flow.machine import Flow
from kiosk.flow.states import State
from tests.kiosk.flow import builders as b
from tests.kiosk.flow.test_machine import advance_to, make_flow

REFERENCE = ReferenceData(version="t", scope_items=(), organisation_forms=("店", "馆"),
                          industries=(("H6210", "餐饮", "Catering"),),
                          divisions=(Division("371002", "威海市环翠区", "Huancui"),), streets=())
PARTS = {"industry_code": "H6210", "organisation_form": "馆", "division_code": "371002"}
DELAY = form_rules.NAME_CHECK_DELAY_S
OK = NameCheck("威海市环翠区老王餐饮馆", "ok")
TAKEN = NameCheck("威海市环翠区老王餐饮馆", "reject",
                  (NameFinding("name_taken", "reject", "trade_name", "老王", "老王"),))


def on_form() -> tuple[Flow, b.FakeClock]:
    flow, clock = make_flow()
    advance_to(flow, State.FORM)
    flow.dispatch(e.ReferenceLoaded(REFERENCE))
    for key, value in PARTS.items():
        flow.dispatch(e.Touch("form_set", (key, value)))
    return flow, clock


def asked(cmds: list[object]) -> list[c.CheckName]:
    return [x for x in cmds if isinstance(x, c.CheckName)]


def write(flow: Flow, text: str) -> None:
    flow.dispatch(e.Touch("form_set", ("trade_name", text)))


def test_asked_once_the_applicant_pauses_with_the_whole_name() -> None:
    flow, clock = on_form()
    write(flow, "老")
    clock.advance(DELAY / 2)
    assert asked(flow.dispatch(e.Tick())) == []
    write(flow, "老王")  # every change starts the pause again
    clock.advance(DELAY * 0.9)
    assert asked(flow.dispatch(e.Tick())) == [] and flow.view.name_check_state == "pending"
    clock.advance(DELAY * 0.2)
    [cmd] = asked(flow.dispatch(e.Tick()))
    assert cmd.query == NameQuery("371002", "老王", "餐饮", "馆", "H6210")
    assert flow.view.name_check_state == "checking"
    flow.dispatch(e.NameChecked(cmd.seq, OK))
    assert flow.view.name_check == OK and flow.view.name_check_state == "done"
    clock.advance(DELAY * 5)
    assert asked(flow.dispatch(e.Tick())) == []  # nothing changed: not asked again


def test_nothing_is_asked_until_every_part_is_chosen() -> None:
    flow, clock = make_flow()
    advance_to(flow, State.FORM)
    flow.dispatch(e.ReferenceLoaded(REFERENCE))
    write(flow, "老王")
    clock.advance(DELAY * 2)
    assert asked(flow.dispatch(e.Tick())) == [] and flow.view.name_check_state == ""
    assert form_rules.name_preview(flow.session.form, REFERENCE) == "老王"


def test_one_request_at_a_time_and_an_answer_for_an_older_name_is_dropped() -> None:
    flow, clock = on_form()
    write(flow, "老王")
    clock.advance(DELAY)
    [first] = asked(flow.dispatch(e.Tick()))
    write(flow, "老王记")
    clock.advance(DELAY)
    assert asked(flow.dispatch(e.Tick())) == []  # the first is still out
    flow.dispatch(e.NameChecked(first.seq, TAKEN))
    assert flow.view.name_check is None and flow.view.name_check_state == "pending"
    [second] = asked(flow.dispatch(e.Tick()))
    assert second.query.trade_name == "老王记" and second.seq != first.seq
    flow.dispatch(e.NameChecked(second.seq, OK))
    assert flow.view.name_check == OK


def test_a_failed_check_says_so_and_never_blocks() -> None:
    flow, clock = on_form()
    for key, value in b.COMPLETE_FORM.items():
        if key not in PARTS:
            flow.dispatch(e.Touch("form_set", (key, value)))
    clock.advance(DELAY)
    [cmd] = asked(flow.dispatch(e.Tick()))
    flow.dispatch(e.NameCheckFailed(cmd.seq, "service_unreachable"))
    assert flow.state is State.FORM and flow.view.name_check_state == "unavailable"
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.REVIEW


def test_a_slow_check_never_blocks_either() -> None:
    flow, clock = on_form()
    for key, value in b.COMPLETE_FORM.items():
        if key not in PARTS:
            flow.dispatch(e.Touch("form_set", (key, value)))
    clock.advance(DELAY)
    [cmd] = asked(flow.dispatch(e.Tick()))
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.REVIEW
    flow.dispatch(e.NameChecked(cmd.seq, TAKEN))  # arrives late, on another screen: dropped
    assert flow.view.name_check is None


def test_a_name_the_service_refuses_is_named_as_a_problem_before_submitting() -> None:
    flow, clock = on_form()
    for key, value in b.COMPLETE_FORM.items():
        if key not in PARTS:
            flow.dispatch(e.Touch("form_set", (key, value)))
    clock.advance(DELAY)
    [cmd] = asked(flow.dispatch(e.Tick()))
    flow.dispatch(e.NameChecked(cmd.seq, TAKEN))
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.FORM and flow.view.form_problems == ["invalid:trade_name"]


def test_an_answer_for_the_previous_applicant_is_not_shown_to_the_next() -> None:
    flow, clock = on_form()
    write(flow, "老王")
    clock.advance(DELAY)
    [cmd] = asked(flow.dispatch(e.Tick()))
    flow.dispatch(e.Touch("cancel"))
    flow.dispatch(e.Touch("skip"))  # the rating screen of the cancelled case
    advance_to(flow, State.FORM)
    flow.dispatch(e.NameChecked(cmd.seq, TAKEN))
    assert flow.view.name_check is None


def test_coming_back_from_review_checks_the_name_again() -> None:
    flow, clock = on_form()
    for key, value in b.COMPLETE_FORM.items():
        if key not in PARTS:
            flow.dispatch(e.Touch("form_set", (key, value)))
    flow.dispatch(e.Touch("form_done"))
    flow.dispatch(e.Touch("edit"))
    assert flow.state is State.FORM and flow.view.name_check_state == "pending"
    clock.advance(DELAY)
    [cmd] = asked(flow.dispatch(e.Tick()))
    assert cmd.query.trade_name == "张伟"


def test_the_trade_name_is_cut_to_the_field_length() -> None:
    flow, _ = on_form()
    write(flow, "一二三四五六七八九十百千")
    assert flow.session.form["trade_name"] == "一二三四五六七八九十"


def test_back_from_the_staff_screen_the_name_is_checked_again() -> None:
    flow, clock = on_form()
    write(flow, "老王")
    flow.dispatch(e.Touch("staff"))
    assert flow.state is State.STAFF
    flow.dispatch(e.Touch("resume"))
    assert flow.state is State.FORM and flow.view.name_check_state == "pending"
    clock.advance(DELAY)
    assert [cmd.query.trade_name for cmd in asked(flow.dispatch(e.Tick()))] == ["老王"]
