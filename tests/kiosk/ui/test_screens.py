"""The real window, offscreen: language switch, staff button, idle countdown, faults, lockdown."""

from __future__ import annotations

from kiosk.flow import events as e
from kiosk.flow.states import State
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness


def test_attract_screen_switches_language_at_run_time(ui: Harness) -> None:
    ui.reset()
    assert "个体工商户营业执照" in ui.texts()
    ui.screenshot("attract-zh_CN")
    ui.tap("language", "en")
    assert "Individual business licence" in ui.texts() and "个体工商户营业执照" not in ui.texts()
    ui.screenshot("attract-en")
    ui.tap("language", "zh_CN")
    assert "个体工商户营业执照" in ui.texts()


def test_staff_button_on_every_applicant_screen(ui: Harness) -> None:
    ui.reset()
    from kiosk.ui.touch import find_button

    assert find_button(ui.app.root, "staff") is None, "nobody to help on the attract screen"
    ui.tap("start")
    assert ui.runner.flow.state is State.CONSENT
    ui.tap("staff")
    ui.until(lambda: ui.runner.flow.state is State.STAFF, what="staff screen")
    assert ("staff", "requested") in ui.runner.alerts
    assert "已呼叫工作人员，请稍候。" in ui.texts()
    ui.screenshot("staff-zh_CN")
    ui.tap("resume")
    assert ui.runner.flow.state is State.CONSENT


def test_consent_requires_both_points(ui: Harness) -> None:
    from kiosk.ui.touch import find_button

    ui.reset()
    ui.tap("start")
    assert find_button(ui.app.root, "accept") is None
    ui.tap("consent_toggle", "id")
    assert find_button(ui.app.root, "accept") is None
    ui.tap("consent_toggle", "face")
    ui.screenshot("consent-agreed")
    ui.tap("accept")
    ui.until(lambda: ui.runner.flow.state in (State.CARD_WAIT, State.CARD_ACCESS), what="card screen")


def test_idle_countdown_then_timeout_wipes_the_session(ui: Harness) -> None:
    ui.reset(card_access=4, card_wait=4, idle_warning=3)
    ui.tap("start")
    ui.tap("consent_toggle", "id")
    ui.tap("consent_toggle", "face")
    ui.tap("accept")
    ui.until(lambda: ui.runner.flow.view.countdown is not None, what="countdown")
    assert any("需要更多时间吗" in t for t in ui.texts())
    ui.screenshot("idle-countdown")
    ui.tap("more_time")
    assert ui.runner.flow.view.countdown is None
    ui.until(lambda: ui.runner.flow.state is State.ATTRACT, timeout=10, what="idle timeout")
    assert not ui.runner.flow.session.holds_personal_data()
    assert "个体工商户营业执照" in ui.texts()


def test_typed_can_is_kept_only_on_its_screen(ui: Harness) -> None:
    ui.reset()
    ui.runner.post(e.Touch("start"))
    ui.runner.post(e.Touch("accept"))
    ui.runner.post(e.CardInserted(b.card_info()))
    ui.until(lambda: ui.runner.flow.state is State.CARD_ACCESS, what="CAN keypad")
    for digit in "123":
        ui.tap("key", digit)
    assert any("1 2 3 _ _ _" in t for t in ui.texts())
    ui.tap("submit_key", "123")
    assert ui.runner.flow.view.error == "can_format" and any("6位数字" in t for t in ui.texts())
    ui.tap("cancel")
    assert ui.runner.flow.state is State.ATTRACT and ui.app.scratch == {}


def test_device_fault_shows_out_of_service_without_personal_data(ui: Harness) -> None:
    ui.reset()
    ui.runner.post(e.Touch("start"))
    ui.runner.post(e.Touch("accept"))
    ui.runner.post(e.StepFailed("card", "reader_unavailable", True))
    ui.until(lambda: ui.runner.flow.state is State.OUT_OF_SERVICE, what="out of service")
    assert "暂停服务" in ui.texts() and ("technician", "reader_unavailable") in ui.runner.alerts
    assert any("读卡器不可用" in t for t in ui.texts())
    ui.screenshot("out-of-service-zh_CN")
    from kiosk.ui.touch import find_button

    assert find_button(ui.app.root, "start") is None and find_button(ui.app.root, "staff") is None


def test_kiosk_lockdown(ui: Harness) -> None:
    from kivy.config import Config
    from kivy.core.window import Window

    assert Config.get("kivy", "exit_on_escape") == "0"
    assert Config.get("graphics", "show_cursor") == "0"
    assert Window.dispatch("on_request_close") is True, "closing the window is refused"
