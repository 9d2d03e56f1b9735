"""The name's 行业 part in the applicant's words: kept in the session form, previewed, checked,
submitted; the standard term when they give none; gone with the industry it worded and with the
applicant."""

from __future__ import annotations

import pytest

from drivers.registry.models import NameCheck, NameFinding, NameQuery
from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow import form as form_rules
from kiosk.flow.states import State
from registry_service.naming import checker
from registry_service.naming.engine import NameParts
from registry_service.reference import catalogue
from tests.kiosk.flow import builders as b
from tests.kiosk.flow.test_machine import advance_to
from tests.kiosk.flow.test_name_check import DELAY, REFERENCE, asked, on_form, write

LAMIAN = NameQuery("371002", "老王", "拉面", "馆", "H6210")


def set_term(flow, term: str) -> None:  # type: ignore[no-untyped-def]
    flow.dispatch(e.Touch("form_set", ("industry_term", term)))


def test_the_applicants_term_is_previewed_and_checked() -> None:
    flow, clock = on_form()
    write(flow, "老王")
    set_term(flow, "拉面")
    assert form_rules.name_preview(flow.session.form, REFERENCE) == "威海市环翠区老王拉面馆"
    clock.advance(DELAY * 1.1)
    [cmd] = asked(flow.dispatch(e.Tick()))
    assert cmd.query == LAMIAN


def test_a_new_term_asks_again_and_no_term_is_the_standard_one() -> None:
    flow, clock = on_form()
    write(flow, "老王")
    clock.advance(DELAY * 1.1)
    [first] = asked(flow.dispatch(e.Tick()))
    assert first.query.industry_term == "餐饮"
    flow.dispatch(e.NameChecked(first.seq, NameCheck("威海市环翠区老王餐饮馆", "ok")))
    set_term(flow, "拉面")
    assert flow.view.name_check_state == "pending"  # the change of term is a change of name
    clock.advance(DELAY * 1.1)
    [second] = asked(flow.dispatch(e.Tick()))
    assert second.query == LAMIAN
    set_term(flow, "")
    assert form_rules.industry_term(flow.session.form, REFERENCE) == "餐饮"


def test_a_term_is_cut_to_what_the_rules_take() -> None:
    flow, _ = on_form()
    set_term(flow, "家常手工拉面条子")
    assert flow.session.form["industry_term"] == "家常手工拉面"


def test_another_industry_drops_the_term_of_the_old_one() -> None:
    flow, _ = on_form()
    set_term(flow, "拉面")
    flow.dispatch(e.Touch("form_set", ("industry_code", "H6210")))  # the same: kept
    assert flow.session.form["industry_term"] == "拉面"
    flow.dispatch(e.Touch("form_set", ("industry_code", "O8070")))
    assert "industry_term" not in flow.session.form


def test_a_term_the_rules_refuse_points_at_the_term() -> None:
    flow, clock = on_form()
    for key, value in b.COMPLETE_FORM.items():
        if key not in ("industry_code", "organisation_form", "division_code"):
            flow.dispatch(e.Touch("form_set", (key, value)))
    set_term(flow, "lamian")
    clock.advance(DELAY * 1.1)
    [cmd] = asked(flow.dispatch(e.Tick()))
    flow.dispatch(e.NameChecked(cmd.seq, NameCheck("", "reject", (
        NameFinding("name_latin_letters", "reject", "industry_term", "l"),))))
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.FORM and flow.view.form_problems == ["invalid:industry_term"]


def test_the_term_is_submitted() -> None:
    flow, _ = on_form()
    for key, value in b.COMPLETE_FORM.items():
        if key not in ("industry_code", "organisation_form", "division_code"):
            flow.dispatch(e.Touch("form_set", (key, value)))
    set_term(flow, "拉面")
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.REVIEW
    [submit] = [x for x in flow.dispatch(e.Touch("confirm")) if isinstance(x, c.Submit)]
    assert submit.application.industry_term == "拉面" and submit.application.industry_code == "H6210"


def test_the_next_applicant_starts_with_the_standard_term() -> None:
    flow, _ = on_form()
    write(flow, "老王")
    set_term(flow, "拉面")
    flow.dispatch(e.Touch("cancel"))
    if flow.state is State.RATING:
        flow.dispatch(e.Touch("skip"))
    assert flow.state is State.ATTRACT
    advance_to(flow, State.FORM)
    flow.dispatch(e.ReferenceLoaded(REFERENCE))
    assert "industry_term" not in flow.session.form


@pytest.mark.parametrize(("form", "sent"), [
    ({"industry_term": "拉面"}, "拉面"),
    ({"industry_term": "餐饮"}, ""),  # the standard term, worded out: the request a 1.0 service takes
    ({}, ""),
    ({"industry_term": "拉面", "trade_name": ""}, ""),  # an unnamed business has no name to word
])
def test_only_a_wording_of_a_named_business_is_sent(form: dict[str, object], sent: str) -> None:
    whole = {**b.COMPLETE_FORM, "industry_code": "H6210", **form}
    assert form_rules.to_application(b.identity(), whole, REFERENCE).industry_term == sent


def test_the_suggestions_start_with_the_standard_term() -> None:
    assert form_rules.industry_term_suggestions({}, REFERENCE) == []
    picks = form_rules.industry_term_suggestions({"industry_code": "H6210"}, REFERENCE)
    assert picks[0] == "餐饮" and "拉面" in picks and len(picks) == len(set(picks))


def test_every_suggested_wording_passes_the_name_rules_of_its_industry() -> None:
    """A quick pick never brings a finding; none ends in an organisation form (面馆 + 馆)."""
    from kiosk.flow.industry_terms import WORDINGS
    from registry_service.naming.words import FORMS

    industries = catalogue().industries
    for code, wordings in WORDINGS.items():
        assert code in industries, code
        for term in wordings:
            found = checker().check(NameParts("371002", "老王", term, "店", code))
            assert found.codes() == [] and not term.endswith(FORMS), (code, term, found.codes())
