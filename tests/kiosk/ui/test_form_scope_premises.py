"""The form on the national reference data, in both languages: a scope item found by its pinyin
initials (its permit shown before it is chosen), a premises address picked from the division
list with the road written in the text entry panel, then submitted and approved."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from kiosk.flow.states import State
from registry_service import samples
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness


def _form(ui: Harness, language: str) -> None:
    ui.reset()
    if language != "zh_CN":
        ui.tap("language", language)
    flow = ui.runner.flow
    born = date(1990, 3, 7)
    flow.session.identity = dataclasses.replace(b.identity(), personal_number=samples.resident_id(born))
    ref = flow.reference = ui.runner.reference_cache.load(ui.runner.devices.registry)
    flow.session.form = {**b.COMPLETE_FORM, "industry_code": ref.industries[0][0], "scope_codes": [],
                         "trade_name": {"zh_CN": "王记", "en": "老王"}[language],
                         "division_code": "", "street": "", "house_number": ""}
    flow._go(State.FORM, "test")
    ui.app.render()
    ui.step(3)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_scope_by_initials_and_an_address_from_the_division_list(ui: Harness, language: str) -> None:
    _form(ui, language)
    form = ui.runner.flow.session.form
    ui.tap("scope_letter", "c")
    ui.tap("scope_letter", "y")
    from kiosk.ui.touch import find_button

    found = find_button(ui.app.root, "scope_toggle", "C001")
    assert found is not None and found.text.startswith("餐饮服务")
    permit = "食品经营许可" if language == "zh_CN" else "Food business"
    assert permit.lower() in found.text.lower(), found.text  # marked before it is chosen
    if language == "en":
        assert "Catering" in found.text or "can yin" in found.text.lower()
    ui.tap("scope_toggle", "C001")
    assert form["scope_codes"] == ["C001"]

    for code in ("370000", "371000", "371002"):
        ui.tap("division_at", code)
    assert form["division_code"] == "371002"
    ui.tap("form_street", "鲸园街道")
    ui.tap("edit_road")
    for ch in "xinweilu":
        ui.tap("te_key", ch)
    ui.tap("te_candidate", 0)
    ui.step(2)
    ui.tap("te_done")
    assert form.get("road") and all("\u4e00" <= ch <= "\u9fff" for ch in form["road"]), form.get("road")
    for digit in "12":
        ui.tap("key", digit)
    ui.screenshot(f"form-scope-premises-{language}")
    ui.tap("form_done")
    assert ui.runner.flow.state is State.REVIEW, ui.runner.flow.view.form_problems
    premises = f"鲸园街道{form['road']}12号"
    assert any(premises in t for t in ui.texts())
    ui.screenshot(f"review-national-{language}")
    ui.tap("confirm")
    ui.until(lambda: ui.runner.flow.session.decision is not None, what="the decision")
    decision = ui.runner.flow.session.decision
    assert decision.outcome == "approved", decision.reasons
    assert decision.licence.premises.startswith("威海市环翠区鲸园街道")
    assert decision.licence.scope.startswith("许可项目：餐饮服务（依法须经批准的项目")
