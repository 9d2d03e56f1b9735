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
    ui.settle()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_scope_by_initials_and_an_address_from_the_division_list(ui: Harness, language: str) -> None:
    _form(ui, language)
    form = ui.runner.flow.session.form
    ui.tap("open_picker", "scope")
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
    ui.screenshot(f"form-scope-search-{language}")
    ui.tap("scope_mode", "browse")  # the same item in the industry tree: 住宿和餐饮业 > 餐饮业 > 正餐服务
    for code in ("H", "H62", "H621"):  # H621 has one class, H6210, of the same name: one step
        ui.tap("scope_browse", code)
    assert ui.app.scratch["scope_browse"] == "H6210"
    assert find_button(ui.app.root, "scope_toggle", "SH6210") is not None
    ui.screenshot(f"form-scope-browse-{language}")
    ui.tap("picker_done")

    ui.tap("open_picker", "premises")

    for code in ("370000", "371000", "371002"):
        ui.tap("division_at", code)
    assert form["division_code"] == "371002"
    ui.tap("picker_done")  # 环翠区 has a street list: the page stays until one is chosen
    assert ui.app.scratch.get("picker") == "premises"
    assert {"zh_CN": "请选择街道或乡镇。", "en": "Please choose the street or township."}[language] in ui.texts()
    ui.tap("form_street", "鲸园街道")
    assert "picker" in ui.app.scratch and "premises_hint" not in ui.app.scratch
    ui.screenshot(f"form-premises-{language}")
    ui.tap("edit_road")
    for ch in "renminlu":
        ui.tap("te_key", ch)
    candidates = [(w.value, w.text.split("\n")[0]) for w in ui.app.root.walk()
                  if getattr(w, "action", "") == "te_candidate"]
    ui.tap("te_candidate", next(i for i, text in candidates if text == "人民路"))
    ui.screenshot(f"form-premises-road-{language}")
    ui.tap("te_done")
    assert form.get("road") == "人民路"
    ui.tap("picker_done")
    for digit in "12":
        ui.tap("key", digit)
    summary = find_button(ui.app.root, "open_picker", "premises")
    summary.parent.parent.scroll_to(summary, padding=300, animate=False)  # the form's ScrollView
    ui.step(2)
    ui.screenshot(f"form-national-{language}")
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


@pytest.mark.parametrize(("name", "pinyin", "english"), [
    ("山东省", "shan dong sheng", "Shandong Province"), ("鲸园街道", "jing yuan jie dao", "Jingyuan Subdistrict"),
    ("羊亭镇", "yang ting zhen", "Yangting Town"), ("西藏自治区", "xi zang zi zhi qu", "Xizang Autonomous Region"),
    ("市", "shi", "Shi"), ("石河子", "shi he zi", "Shihezi"),
])
def test_division_names_in_english(name: str, pinyin: str, english: str) -> None:
    from kiosk.ui.screens.form_premises import english_name

    assert english_name(name, pinyin) == english


def test_a_search_key_redraws_the_results_not_the_screen(ui: Harness) -> None:
    from kiosk.ui.touch import find_button

    _form(ui, "zh_CN")
    ui.tap("open_picker", "scope")
    page = ui.app.content.children[0]
    for ch in "lf":
        ui.tap("scope_letter", ch)
    assert ui.app.content.children[0] is page  # the same widgets: only the letters and results changed
    assert find_button(ui.app.root, "scope_toggle", "C020").text.startswith("理发服务")
    ui.tap("scope_letter", "delete")
    assert "l" in ui.texts() and ui.app.scratch["scope_query"] == "l"
