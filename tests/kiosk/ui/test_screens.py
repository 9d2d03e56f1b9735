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
    clock = b.FakeClock()  # the flow's time moves only when the test says so
    ui.reset(clock, card_access=4, card_wait=4, idle_warning=3)
    ui.tap("start")
    ui.tap("consent_toggle", "id")
    ui.tap("consent_toggle", "face")
    ui.tap("accept")
    ui.reader("passport").insert_card()  # type: ignore[attr-defined]
    ui.until(lambda: ui.runner.flow.state is State.CARD_ACCESS, what="the card found")
    clock.advance(1.5)  # 2.5 s left: the countdown shows for the last 3
    ui.until(lambda: ui.runner.flow.view.countdown is not None, what="countdown")
    assert any("您填写的信息将被清除" in t for t in ui.texts())
    ui.screenshot("idle-countdown")
    ui.tap("more_time")
    assert ui.runner.flow.view.countdown is None
    clock.advance(3.9)
    ui.step(2)
    assert ui.runner.flow.state is State.CARD_ACCESS  # "more time" restarted the 4 s
    clock.advance(0.2)
    ui.until(lambda: ui.runner.flow.state is State.ATTRACT, what="idle timeout")
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
    ui.runner.post(e.Touch("submit_key", "123"))  # the button itself is disabled until 6 digits
    ui.until(lambda: ui.runner.flow.view.error == "can_format", what="the format error")
    ui.step(2)
    assert any("6位数字" in t for t in ui.texts())
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


def _on_form(ui: Harness) -> None:
    ui.reset()
    flow = ui.runner.flow
    flow.session.identity = b.identity()
    ref = flow.reference = ui.runner.devices.registry.reference_data()
    # codes from the service's own catalogue, so the review shows real names
    flow.session.form = {**b.COMPLETE_FORM, "industry_code": ref.industries[0][0],
                         "scope_codes": [ref.scope_items[0].code]}
    flow._go(State.FORM, "test")
    ui.app.render()
    ui.settle()


def test_optional_mobile_number_on_its_own_keypad(ui: Harness) -> None:
    _on_form(ui)
    for digit in "138":
        ui.tap("phone_key", digit)
    form = ui.runner.flow.session.form
    assert form["phone"] == "138" and form["house_number"] == "1"  # the keypads do not mix
    ui.tap("form_done")
    assert ui.runner.flow.state is State.FORM and ui.runner.flow.view.form_problems == ["invalid:phone"]
    assert any("请检查：手机号码（选填）" in t for t in ui.texts())
    for digit in "001380099":  # one too many: the field stops at 11 digits
        ui.tap("phone_key", digit)
    assert form["phone"] == "13800138009" and "138 0013 8009" in ui.texts()
    ui.tap("phone_key", "<")
    ui.tap("phone_key", "9")
    ui.tap("form_done")
    assert ui.runner.flow.state is State.REVIEW
    assert "手机号码" in ui.texts() and "138 0013 8009" in ui.texts()
    ui.screenshot("review-with-phone-zh_CN")


def test_no_mobile_number_is_fine_and_not_shown(ui: Harness) -> None:
    _on_form(ui)
    ui.tap("form_done")
    assert ui.runner.flow.state is State.REVIEW and "手机号码" not in ui.texts()


def test_an_unusable_chip_portrait_sends_for_staff_in_the_applicants_language(ui: Harness) -> None:
    from kiosk.ui.touch import find_button

    ui.reset()
    ui.tap("start")
    ui.tap("language", "en")
    ui.runner.flow._go(State.CARD_READ, "test")  # the read itself is the runner tests' business
    ui.runner.post(e.StepFailed("card", "portrait_no_face", False))
    ui.until(lambda: ui.runner.flow.state is State.STAFF, what="staff screen")
    texts = " ".join(ui.texts())
    assert "found no face in the photo stored on the chip" in texts and "member of staff has been called" in texts
    assert find_button(ui.app.root, "resume") is None, "no trying again alone: the portrait will not change"
    ui.screenshot("staff-portrait-en")
    ui.tap("language", "zh_CN")
    assert any("芯片中存储的照片里未检测到人脸" in t for t in ui.texts())
    ui.screenshot("staff-portrait-zh_CN")
    ui.tap("cancel")
    assert ui.runner.flow.state is State.RATING, "the card was read: the case is rated"
    ui.tap("skip")
    assert ui.runner.flow.state is State.ATTRACT


def test_the_card_screen_pictures_both_documents_and_fades_one_whose_reader_is_down(ui: Harness) -> None:
    ui.reset()
    ui.tap("start")
    ui.tap("consent_toggle", "id")
    ui.tap("consent_toggle", "face")
    ui.tap("accept")
    ui.until(lambda: ui.runner.flow.state is State.CARD_WAIT, what="card screen")
    from kiosk.ui.document_pictures import PassportPicture, ResidentCardPicture

    pictures = [w for w in ui.app.root.walk() if isinstance(w, ResidentCardPicture | PassportPicture)]
    assert [type(p) for p in pictures] == [ResidentCardPicture, PassportPicture] and not any(p.faded for p in pictures)
    assert "居民身份证" in ui.texts() and "护照或其他带芯片的证件" in ui.texts()
    ui.screenshot("card-wait-zh_CN")
    ui.tap("language", "en")
    assert "Resident ID card (居民身份证)" in ui.texts() and "Passport or electronic ID card" in ui.texts()
    ui.screenshot("card-wait-en")
    ui.runner.post(e.ReadersChanged(("resident_card",), "reader_unavailable"))
    ui.until(lambda: any("out of order" in t for t in ui.texts()), what="the passport reader shown as down")
    faded = [w.faded for w in ui.app.root.walk() if isinstance(w, ResidentCardPicture | PassportPicture)]
    assert faded == [False, True] and ("technician", "reader_unavailable") in ui.runner.alerts
    ui.screenshot("card-wait-passport-reader-down-en")
    ui.tap("language", "zh_CN")
    ui.screenshot("card-wait-passport-reader-down-zh_CN")
    ui.runner.post(e.ReadersChanged(("resident_card", "passport")))
    ui.until(lambda: not any("暂停使用" in t for t in ui.texts()), what="the passport reader back")
    ui.tap("cancel")


def test_an_expired_resident_card_is_refused_with_its_reason_then_a_valid_one_is_read_without_a_number(
        ui: Harness) -> None:
    from drivers.residentid.sim import cards

    reader = ui.reader("resident_card")
    sim = reader.simulator  # type: ignore[attr-defined]
    ui.reset()
    ui.tap("start")
    ui.tap("consent_toggle", "id")
    ui.tap("consent_toggle", "face")
    ui.tap("accept")
    ui.until(lambda: ui.runner.flow.state is State.CARD_WAIT, what="card screen")
    sim.place_card(cards.make("expired"))
    ui.until(lambda: ui.runner.flow.state is State.RETRY, what="the expired card refused")
    assert ui.runner.flow.view.error == "resident_card_expired"
    texts = " ".join(ui.texts())
    assert "该证件无法使用" in texts and "改用其他证件" in texts
    ui.screenshot("retry-expired-zh_CN")
    ui.tap("language", "en")
    texts = " ".join(ui.texts())
    assert "This document cannot be used" in texts and "has expired" in texts and "Use another document" in texts
    ui.screenshot("retry-expired-en")
    sim.lift_card()
    ui.tap("retry")
    ui.until(lambda: ui.runner.flow.state is State.CARD_WAIT, what="card screen again")
    sim.place_card(reader.card)  # type: ignore[attr-defined]  # the configured card: the camera's applicant
    ui.until(lambda: ui.runner.flow.state is State.FACE_CHECK, timeout=30, what="the valid card read")
    assert State.CARD_ACCESS not in [to for _, to, _ in ui.runner.flow.history], "no access number asked for"
    assert any("You can take it off the reader now" in t for t in ui.texts())
    ui.screenshot("face-check-card-read-en")
    ui.tap("cancel")
    ui.until(lambda: ui.runner.flow.state is State.RATING, what="the cancelled case's rating")
    ui.tap("skip")
    ui.until(lambda: ui.runner.flow.state is State.ATTRACT, what="back to the start")
