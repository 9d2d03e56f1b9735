"""The service rating (好差评) after a case: which endings offer it, skip, timeout, the reasons of a
bad rating, the case number, and the wipe before it shows."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable

import pytest

from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow.machine import Flow
from kiosk.flow.rating import NOT_GIVEN
from kiosk.flow.states import State
from tests.kiosk.flow import builders as b
from tests.kiosk.flow.test_machine import T, advance_to, make_flow

APP_ID = str(uuid.uuid4())


def decided(outcome: str) -> e.Decided:
    return e.Decided(dataclasses.replace(b.decision(outcome), application_id=APP_ID))


def of(cmds: list[object], kind: type) -> list[object]:
    return [x for x in cmds if isinstance(x, kind)]


def to_decision(flow: Flow, outcome: str) -> None:
    advance_to(flow, State.SUBMIT)
    flow.dispatch(decided(outcome))


def issued(flow: Flow) -> list[object]:
    to_decision(flow, "approved")
    flow.dispatch(e.Touch("continue"))
    flow.dispatch(e.Printed("job"))
    return flow.dispatch(e.Touch("finish"))


def referred(flow: Flow) -> list[object]:
    to_decision(flow, "manual_review")
    flow.dispatch(e.Touch("continue"))
    flow.dispatch(e.Printed("job"))
    return flow.dispatch(e.Touch("finish"))


def refused(flow: Flow) -> list[object]:
    to_decision(flow, "rejected")
    return flow.dispatch(e.Touch("cancel"))


def refused_then_given_up(flow: Flow) -> list[object]:
    to_decision(flow, "rejected")
    flow.dispatch(e.Touch("edit"))
    return flow.dispatch(e.Touch("cancel"))


def staff_took_over(flow: Flow) -> list[object]:
    advance_to(flow, State.FORM)
    flow.dispatch(e.Touch("staff"))
    return flow.dispatch(e.Touch("cancel"))


def staff_after_a_print_problem(flow: Flow) -> list[object]:
    to_decision(flow, "approved")
    flow.dispatch(e.Touch("continue"))
    flow.dispatch(e.StepFailed("print", "printer_layout_error", False))
    return flow.dispatch(e.Touch("cancel"))


def abandoned_at_the_face_check(flow: Flow) -> list[object]:
    advance_to(flow, State.FACE_CHECK)
    return flow.dispatch(e.Touch("cancel"))


def abandoned_after_a_failed_read(flow: Flow) -> list[object]:
    advance_to(flow, State.CARD_READ)
    flow.dispatch(e.StepFailed("card", "card_removed", False))
    return flow.dispatch(e.Touch("cancel"))


# (how the case ends, its ending, whether the case number is the application id)
RATED: list[tuple[Callable[[Flow], list[object]], str, bool]] = [
    (issued, "issued", True),
    (referred, "referred", True),
    (refused, "refused", True),
    (refused_then_given_up, "refused", True),
    (staff_took_over, "staff", False),
    (staff_after_a_print_problem, "staff", True),
    (abandoned_at_the_face_check, "abandoned", False),
    (abandoned_after_a_failed_read, "abandoned", False),
]


@pytest.mark.parametrize(("end", "ending", "submitted"), RATED, ids=[r[0].__name__ for r in RATED])
def test_every_ending_after_a_real_step_is_rated_once_under_its_case_number(
        end: Callable[[Flow], list[object]], ending: str, submitted: bool) -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("start"))
    flow.dispatch(e.Touch("decline"))  # a visit without a real step before: nothing carries over
    end(flow)
    assert flow.state is State.RATING
    cmds = flow.dispatch(e.Touch("rate", "very_satisfied"))
    [sent] = of(cmds, c.SendRating)
    assert (sent.ending, sent.level, sent.reasons) == (ending, "very_satisfied", ())
    if submitted:
        assert (sent.case_kind, sent.case_id) == ("application", APP_ID)
    else:
        assert sent.case_kind == "kiosk_transaction" and len(sent.case_id) == 32
    assert flow.state is State.RATING and flow.view.rating_thanks
    assert flow.dispatch(e.Touch("rate", "satisfied")) == [], "one rating per case"


def test_a_kiosk_transaction_case_is_the_transaction_of_the_journal() -> None:
    flow, _ = make_flow()
    [started] = of(flow.dispatch(e.Touch("start")), c.Record)
    flow.dispatch(e.Touch("accept"))
    flow.dispatch(e.CardInserted(b.card_info()))
    flow.dispatch(e.Touch("submit_key", "123456"))
    flow.dispatch(e.CardRead(b.identity(), object()))
    flow.dispatch(e.Touch("cancel"))
    [sent] = of(flow.dispatch(e.Touch("rate", "satisfied")), c.SendRating)
    assert sent.case_id == started.txn_id


@pytest.mark.parametrize("end", [
    lambda f: (f.dispatch(e.Touch("start")), f.dispatch(e.Touch("decline"))),
    lambda f: (advance_to(f, State.CARD_WAIT), f.dispatch(e.Touch("cancel"))),
    lambda f: (advance_to(f, State.CARD_ACCESS), f.dispatch(e.Touch("cancel"))),
    lambda f: (advance_to(f, State.CONSENT), f.dispatch(e.Touch("staff")), f.dispatch(e.Touch("cancel"))),
], ids=["consent_declined", "left_at_the_card_prompt", "left_at_the_can_keypad", "staff_before_the_card"])
def test_no_rating_before_a_real_step(end: Callable[[Flow], object]) -> None:
    flow, _ = make_flow()
    end(flow)
    assert flow.state is State.ATTRACT and flow.case is None


def test_the_session_is_wiped_before_the_rating_shows() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.REVIEW)
    identity = flow.session.identity
    cmds = flow.dispatch(e.Touch("cancel"))
    assert flow.state is State.RATING
    assert of(cmds, c.SessionWiped), "the screen's widgets are cleared with the session"
    assert not flow.session.holds_personal_data() and flow.session.wiped and flow.session.form == {}
    assert identity is not None and identity.name_national == "" and set(identity.portrait) <= {0}
    shown = repr(vars(flow.view)) + repr(flow.case)
    for personal in ("张伟", "110105199003071234", "E12345678", "科技园路"):
        assert personal not in shown


def test_after_a_licence_the_rating_follows_the_done_screen_already_wiped() -> None:
    flow, clock = make_flow()
    to_decision(flow, "approved")
    flow.dispatch(e.Touch("continue"))
    flow.dispatch(e.Printed("job"))
    assert flow.state is State.DONE and not flow.session.holds_personal_data()
    clock.advance(T.done + 0.1)
    flow.dispatch(e.Tick())
    assert flow.state is State.RATING and not flow.session.holds_personal_data()


def test_skip_counts_as_no_rating() -> None:
    flow, _ = make_flow()
    abandoned_at_the_face_check(flow)
    cmds = flow.dispatch(e.Touch("skip"))
    assert cmds == [c.RatingNotGiven("skipped")] and flow.state is State.ATTRACT and flow.case is None


def test_the_timeout_counts_as_no_rating_after_a_countdown() -> None:
    flow, clock = make_flow()
    abandoned_at_the_face_check(flow)
    clock.advance(T.rating - T.idle_warning + 1)
    assert flow.dispatch(e.Tick()) == [] and flow.view.countdown is not None
    clock.advance(T.idle_warning)
    assert flow.dispatch(e.Tick()) == [c.RatingNotGiven("timeout")] and flow.state is State.ATTRACT


def test_a_bad_rating_asks_for_a_reason_before_it_is_sent() -> None:
    flow, clock = make_flow()
    refused(flow)
    assert flow.dispatch(e.Touch("rate", "dissatisfied")) == []
    assert flow.state is State.RATING and flow.view.rating_level == "dissatisfied"
    assert flow.dispatch(e.Touch("rate_send")) == [], "not without a reason"
    flow.dispatch(e.Touch("rate_reason", "staff_help"))
    flow.dispatch(e.Touch("rate_reason", "too_slow"))
    flow.dispatch(e.Touch("rate_reason", "other"))
    flow.dispatch(e.Touch("rate_reason", "other"))  # a second tap takes it back
    assert flow.view.rating_reasons == ("too_slow", "staff_help"), "in the pick list's order"
    [sent] = of(flow.dispatch(e.Touch("rate_send")), c.SendRating)
    assert (sent.level, sent.reasons, sent.ending) == ("dissatisfied", ("too_slow", "staff_help"), "refused")
    assert flow.view.rating_thanks
    clock.advance(T.rating_thanks - 0.1)
    assert flow.dispatch(e.Tick()) == [] and flow.state is State.RATING
    clock.advance(0.2)
    assert flow.dispatch(e.Tick()) == [] and flow.state is State.ATTRACT, "a given rating is no 'not given'"


def test_the_level_can_be_changed_before_sending() -> None:
    flow, _ = make_flow()
    refused(flow)
    flow.dispatch(e.Touch("rate", "very_dissatisfied"))
    flow.dispatch(e.Touch("rate_reason", "not_completed"))
    flow.dispatch(e.Touch("rate_change"))
    assert (flow.view.rating_level, flow.view.rating_reasons) == ("", ())
    [sent] = of(flow.dispatch(e.Touch("rate", "basically_satisfied")), c.SendRating)
    assert sent.level == "basically_satisfied" and sent.reasons == ()


def test_skip_is_there_while_reasons_are_asked_for() -> None:
    flow, _ = make_flow()
    refused(flow)
    flow.dispatch(e.Touch("rate", "very_dissatisfied"))
    assert flow.dispatch(e.Touch("skip")) == [c.RatingNotGiven("skipped")] and flow.state is State.ATTRACT


@pytest.mark.parametrize("touch", [e.Touch("rate", "good"), e.Touch("rate", 5), e.Touch("rate_reason", "too_slow"),
                                   e.Touch("rate_send"), e.Touch("start"), e.Touch("continue")])
def test_other_touches_change_nothing(touch: e.Touch) -> None:
    flow, _ = make_flow()
    refused(flow)
    assert flow.dispatch(touch) == [] and flow.state is State.RATING and flow.view.rating_level == ""


def test_an_unknown_reason_is_ignored() -> None:
    flow, _ = make_flow()
    refused(flow)
    flow.dispatch(e.Touch("rate", "dissatisfied"))
    flow.dispatch(e.Touch("rate_reason", "rude"))
    assert flow.view.rating_reasons == ()


def test_thanks_ends_at_a_touch() -> None:
    flow, _ = make_flow()
    refused(flow)
    flow.dispatch(e.Touch("rate", "satisfied"))
    assert flow.dispatch(e.Touch("finish")) == [] and flow.state is State.ATTRACT


def test_staff_on_the_rating_screen_comes_and_the_rating_stays() -> None:
    flow, _ = make_flow()
    staff_took_over(flow)
    assert flow.dispatch(e.Touch("staff")) == [c.AlertStaff("requested")]
    assert flow.state is State.RATING and flow.view.staff_called
    assert of(flow.dispatch(e.Touch("rate", "satisfied")), c.SendRating)


def test_the_rating_speaks_the_applicants_language_and_the_attract_screen_resets_it() -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("language", "en"))
    issued(flow)
    assert flow.state is State.RATING and flow.view.language == "en"
    flow.dispatch(e.Touch("skip"))
    assert flow.view.language == "zh_CN" and flow.session.language == "zh_CN"


def test_an_idle_timeout_means_the_applicant_left_no_rating_screen() -> None:
    flow, clock = make_flow()
    advance_to(flow, State.FORM)
    clock.advance(T.form + 0.1)
    cmds = flow.dispatch(e.Tick())
    assert flow.state is State.ATTRACT and c.RatingNotGiven("absent") in cmds


def test_a_fault_ends_the_case_without_a_rating() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.SUBMIT)
    cmds = flow.dispatch(e.StepFailed("submit", "service_unreachable", True))
    assert flow.state is State.OUT_OF_SERVICE and c.RatingNotGiven("fault") in cmds


@pytest.mark.parametrize("where", [State.FORM, State.RATING])
def test_the_technicians_gesture_ends_the_case_without_a_rating(where: State) -> None:
    flow, _ = make_flow()
    if where is State.RATING:
        refused(flow)
    else:
        advance_to(flow, where)
    cmds = flow.dispatch(e.Touch("diag_gesture"))
    assert flow.state is State.DIAG_PIN and c.RatingNotGiven("technician") in cmds and flow.case is None


def test_a_kiosk_without_ratings_goes_straight_to_the_attract_screen() -> None:
    flow, _ = make_flow(rating=False)
    cmds = issued(flow)
    assert flow.state is State.ATTRACT and not of(cmds, c.RatingNotGiven)
    flow2, clock = make_flow(rating=False)
    advance_to(flow2, State.FORM)
    clock.advance(T.form + 0.1)
    assert not of(flow2.dispatch(e.Tick()), c.RatingNotGiven)


def test_every_reason_for_no_rating_is_a_known_code() -> None:
    import ast
    from pathlib import Path

    import kiosk.flow.machine as machine

    tree = ast.parse(Path(machine.__file__).read_text(encoding="utf-8"))
    whys = {node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("_drop_case", "_end_rating")
            and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value}
    assert whys == set(NOT_GIVEN)
