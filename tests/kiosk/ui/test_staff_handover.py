"""The hand-over to staff in the real window: the staff screen tells the member of staff the error
code, the step it stopped at, the kiosk and the time; the staff button keeps saying staff are
coming after the applicant went on alone; the out-of-service screen gives a code to quote."""

from __future__ import annotations

import re

from kiosk.flow import events as e
from kiosk.flow.states import State
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_gallery import show


def staff_label(ui: Harness) -> str:
    from kiosk.ui.touch import find_button  # Kivy's window module only after the harness set it up

    button = find_button(ui.app.footer, "staff")
    assert button is not None
    return button.text


def test_the_staff_screen_shows_code_step_kiosk_and_time(ui: Harness) -> None:
    show(ui, State.FORM, "zh_CN")
    ui.runner.flow.dispatch(e.Touch("staff"))  # from the form, as a finger on the staff bar
    ui.app.render()
    ui.step(2)
    assert ui.runner.flow.state is State.STAFF
    shown = ui.texts()
    kiosk_id = ui.runner.settings.kiosk.id
    assert "工作人员查看" in shown and f"自助机编号：{kiosk_id}" in shown
    assert "代码：requested" in shown and "环节：填写申请 (form)" in shown
    assert any(re.fullmatch(r"时间：\d{4}-\d\d-\d\d \d\d:\d\d", t) for t in shown), shown
    ui.screenshot("staff-handover-zh_CN")
    ui.tap("language", "en")
    assert "Step: Filling in the application (form)" in ui.texts() and f"Kiosk: {kiosk_id}" in ui.texts()
    ui.screenshot("staff-handover-en")
    ui.reset()


def test_going_on_alone_keeps_the_staff_bar_saying_staff_are_coming(ui: Harness) -> None:
    ui.reset()
    ui.tap("start")
    assert staff_label(ui) == "呼叫工作人员"
    ui.tap("staff")
    ui.until(lambda: ui.runner.flow.state is State.STAFF, what="staff screen")
    ui.tap("resume")
    assert ui.runner.flow.state is State.CONSENT
    assert staff_label(ui) == "工作人员正在赶来", "staff were called: the bar must not offer a new call"
    ui.screenshot("staff-coming-after-resume-zh_CN")
    ui.tap("decline")
    ui.until(lambda: ui.runner.flow.state is State.ATTRACT, what="the start")
    ui.tap("start")
    assert staff_label(ui) == "呼叫工作人员", "the next applicant has called nobody"
    ui.reset()


def test_out_of_service_gives_a_code_to_quote(ui: Harness) -> None:
    show(ui, State.OUT_OF_SERVICE, "zh_CN")
    shown = ui.texts()
    assert "请到服务窗口告知以下信息：" in shown and "代码：printer_paper_out" in shown
    assert f"自助机编号：{ui.runner.settings.kiosk.id}" in shown
    ui.screenshot("out-of-service-quote-zh_CN")
    ui.reset()
