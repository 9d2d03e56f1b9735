"""The applicant writes their own 字号 in the real window: pinyin keys and a candidate, one
character by finger on the pad, the whole name previewed and checked by the embedded service
while they write, then submitted and registered under that name; in both languages."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Iterator

import pytest

from kiosk.applicant_script import form_picks
from kiosk.flow import events
from kiosk.flow import form as form_rules
from kiosk.flow.states import State
from kiosk.ui.messages import REASONS
from registry_service import samples
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_text_entry import DOCS_IMG, STROKES

pytestmark = pytest.mark.ui
# Where the applicant registers, per language: the two runs share the harness's one database.
DIVISION = {"zh_CN": 0, "en": 1}


@pytest.fixture
def on_form(ui: Harness) -> Iterator[Harness]:
    from registry_service.naming import checker

    checker()  # what the in-process service does 5 s after it starts: a check must not wait for it
    ui.reset()
    yield ui
    ui.reset()


def enter_form(ui: Harness, language: str) -> None:
    """Past the card and the face check (the autopilot's business), on the form, as the applicant
    picks the rest of it."""
    ui.tap("start")
    if language != ui.runner.flow.view.language:
        ui.tap("language", language)
    flow = ui.runner.flow
    ref = ui.runner.devices.registry.reference_data()
    ident = b.identity()  # with an ID number whose check digit the authority accepts
    flow.session.identity = dataclasses.replace(ident, personal_number=samples.resident_id(ident.birth_date))
    flow.session.form = form_rules.prefill(flow.session.identity)
    flow._go(State.FORM, "test")
    ui.runner.post(events.ReferenceLoaded(ref))
    ui.until(lambda: flow.view.reference is not None, what="reference data")
    division = ref.divisions[DIVISION[language]].code
    for field, value in form_picks(ref):
        if field == "division_code":
            value = division
        if field == "street":
            value = next(s for d, s in ref.streets if d == division)
        if field == "house_number":
            for digit in value:
                ui.tap("key", digit)
            continue
        ui.tap("form_set", (field, value))


def open_editor(ui: Harness) -> None:
    from kiosk.ui.touch import find_button

    ui.tap("name_edit")
    ui.until(lambda: find_button(ui.app.root, "te_key") is not None, timeout=60, what="the keyboard")


def pick(ui: Harness, text: str) -> None:
    from kiosk.ui.touch import tap_widget
    from kiosk.ui.widgets import KioskButton

    for _ in range(10):
        ui.step(2)
        shown = [w for w in ui.app.root.walk() if isinstance(w, KioskButton) and w.action == "te_candidate"]
        match = next((w for w in shown if w.text.split("\n")[0] == text), None)
        if match is not None and tap_widget(match):
            ui.pump()
            return
    raise AssertionError(f"{text} not among {[w.text for w in shown]}")


def draw(ui: Harness, char: str) -> None:
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.ui.textentry.pad import HandwritingPad
    from kiosk.ui.touch import SyntheticTouch

    doc = json.loads(STROKES.read_text(encoding="utf-8"))
    pad = next(w for w in ui.app.root.walk() if isinstance(w, HandwritingPad))
    box = doc["box"]
    for n, stroke in enumerate(doc["characters"][char]):
        pts = [pad.to_window(pad.x + x / box * pad.width, pad.top - y / box * pad.height) for x, y in stroke]
        touch = SyntheticTouch("synthetic", 70_000 + n, [pts[0][0] / Window.width, pts[0][1] / Window.height])
        EventLoop.post_dispatch_input("begin", touch)
        for x, y in pts[1:]:
            touch.move([x / Window.width, y / Window.height])
            EventLoop.post_dispatch_input("update", touch)
        EventLoop.post_dispatch_input("end", touch)
        ui.step(1)
    ui.pump()


def shot(ui: Harness, name: str) -> None:
    path = ui.screenshot(name)
    if os.environ.get("UPDATE_DOC_IMAGES"):  # docs/text-entry.md shows these
        shutil.copyfile(path, DOCS_IMG / f"{name}.png")


def nothing_under_the_staff_bar(ui: Harness) -> None:
    from kiosk.ui.widgets import KioskButton, Text

    footer_top = ui.app.footer.top
    low = [(w.text[:20], round(w.y)) for w in ui.app.content.walk(restrict=True)
           if isinstance(w, KioskButton | Text) and w.text and w.to_window(w.x, w.y)[1] < footer_top - 1]
    assert not low, f"hidden under the staff bar: {low}"
    editor = ui.app.content.children[0]
    if hasattr(editor, "card"):  # the name card and the keyboard or pad below it do not overlap
        ui.step(2)
        assert editor.card.y >= editor.panel.children[-1].top - 1, (editor.card.y, editor.panel.children[-1].top)


def checked(ui: Harness) -> None:
    flow = ui.runner.flow
    ui.until(lambda: flow.view.name_check_state in ("done", "unavailable"), what="the name check")
    assert flow.view.name_check_state == "done"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_written_name_is_previewed_checked_and_registered(on_form: Harness, language: str) -> None:
    ui = on_form
    enter_form(ui, language)
    flow = ui.runner.flow
    open_editor(ui)
    ui.tap("te_clear")  # a quick pick was preset
    for key in "lao":
        ui.tap("te_key", key)
    shot(ui, f"name-entry-pinyin-{language}")
    nothing_under_the_staff_bar(ui)
    pick(ui, "老")
    ui.tap("te_mode", "handwriting")
    draw(ui, "王")
    shot(ui, f"name-entry-handwriting-{language}")
    nothing_under_the_staff_bar(ui)
    pick(ui, "王")
    assert flow.session.form["trade_name"] == "老王"
    checked(ui)
    full = flow.view.name_check.full_name
    division = ui.runner.devices.registry.reference_data().divisions[DIVISION[language]].name_zh
    assert full.startswith(division + "老王") and full in ui.texts()
    fine = {"zh_CN": "名称检查未发现问题。", "en": "No problems found with this name."}[language]
    assert fine in ui.texts()
    shot(ui, f"name-entry-checked-{language}")
    ui.tap("te_done")
    assert ui.app.scratch.get("name_editor") is False and full in ui.texts()
    ui.tap("form_done")
    assert flow.state is State.REVIEW, flow.view.form_problems
    ui.tap("confirm")
    ui.until(lambda: flow.state is State.DECISION, what="the decision")
    decision = flow.session.decision
    assert decision.outcome == "approved" and decision.licence.name == full, decision.reasons


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_name_the_rules_question_says_why_in_the_applicants_language(on_form: Harness, language: str) -> None:
    from kiosk.i18n import Translator

    ui = on_form
    enter_form(ui, language)
    open_editor(ui)
    ui.tap("te_clear")
    for key in "meiguo":
        ui.tap("te_key", key)
    pick(ui, "美国")
    checked(ui)
    tr = Translator(language)
    assert [f.code for f in ui.runner.flow.view.name_check.findings] == ["name_foreign_state"]
    assert any(tr(REASONS["name_foreign_state"]) in t and tr("Needs a check by staff") in t for t in ui.texts())
    shot(ui, f"name-entry-finding-{language}")
    nothing_under_the_staff_bar(ui)
    ui.tap("te_done")
    assert any(tr(REASONS["name_foreign_state"]) in t for t in ui.texts())  # the form's card says it too


def test_the_quick_picks_stay(on_form: Harness) -> None:
    ui = on_form
    enter_form(ui, "zh_CN")
    ui.tap("form_set", ("trade_name", "老张"))
    assert ui.runner.flow.session.form["trade_name"] == "老张"
    checked(ui)
    assert ui.runner.flow.view.name_check.full_name.endswith("老张拉面馆")  # the demo's noodle shop


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_industry_term_is_written_like_the_trade_name_and_names_the_licence(on_form: Harness,
                                                                              language: str) -> None:
    """老赵 + the applicant's 面食 (typed, the standard 餐饮 cleared) + 馆: previewed with the term
    marked, checked, picked back to the standard term and again, and registered so."""
    from kiosk.ui.touch import find_button

    ui = on_form
    enter_form(ui, language)
    flow = ui.runner.flow
    ui.runner.touch("form_set", ("trade_name", "老赵"))  # written as the test above does
    ui.tap("form_set", ("industry_term", ""))  # the standard term's quick pick
    assert form_rules.industry_term(flow.session.form, flow.view.reference) == "餐饮"
    ui.tap("term_edit")
    ui.until(lambda: find_button(ui.app.root, "te_key") is not None, timeout=60, what="the keyboard")
    assert ui.app.scratch.get("name_editor") == "industry_term"
    ui.tap("te_clear")
    for key in "mianshi":
        ui.tap("te_key", key)
    pick(ui, "面食")
    assert flow.session.form["industry_term"] == "面食" and flow.session.form["trade_name"] == "老赵"
    checked(ui)
    full = flow.view.name_check.full_name
    assert full.endswith("老赵面食馆") and flow.view.name_check.findings == ()
    assert any("[u]" in t and "面食" in t for t in ui.texts())  # the part being written is marked
    shot(ui, f"industry-term-entry-{language}")
    nothing_under_the_staff_bar(ui)
    ui.tap("te_done")
    assert ui.app.scratch.get("name_editor") is False and full in ui.texts()
    shot(ui, f"industry-term-form-{language}")
    ui.tap("form_done")
    assert flow.state is State.REVIEW, flow.view.form_problems
    assert full in ui.texts()
    ui.tap("confirm")
    ui.until(lambda: flow.state is State.DECISION, what="the decision")
    decision = flow.session.decision
    assert decision.outcome == "approved" and decision.licence.name == full, decision.reasons


def test_writing_on_the_pad_keeps_the_form_open(on_form: Harness) -> None:
    """Strokes change no field, but they are the applicant at work: the idle timeout restarts."""
    ui = on_form
    enter_form(ui, "zh_CN")
    open_editor(ui)
    ui.tap("te_mode", "handwriting")
    flow = ui.runner.flow
    flow.last_activity -= 100
    before = flow.last_activity
    draw(ui, "王")
    ui.until(lambda: flow.last_activity > before + 50, what="the strokes counted as activity")
