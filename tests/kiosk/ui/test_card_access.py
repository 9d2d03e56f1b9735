"""The access-number step in the real window: plain words, a picture of where the number is,
worded editing keys, no error before anything is typed, the tries left, a read button that is
visibly and really disabled until the number is complete; every key and both ways out in view
without scrolling."""

from __future__ import annotations

import pytest

from kiosk.flow import events as e
from kiosk.flow.states import State
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_elderly_mode import show


def find_button(root: object, action: str, value: object = None) -> object:
    from kiosk.ui.touch import find_button  # Kivy's window module only after the harness set it up

    return find_button(root, action, value)


def to_can(ui: Harness) -> None:
    ui.reset()
    ui.runner.post(e.Touch("start"))
    ui.runner.post(e.Touch("accept"))
    ui.runner.post(e.CardInserted(b.card_info()))
    ui.until(lambda: ui.runner.flow.state is State.CARD_ACCESS, what="the access-number keypad")


def test_the_number_is_asked_for_in_plain_words_with_a_picture_and_worded_keys(ui: Harness) -> None:
    from kiosk.ui.document_pictures import AccessNumberPicture

    to_can(ui)
    texts = ui.texts()
    assert "请输入证件上的6位数字" in texts
    assert not [t for t in texts if "访问码" in t or "CAN" in t], "no jargon"
    assert any(isinstance(w, AccessNumberPicture) for w in ui.app.root.walk()), "where the number is printed"
    assert find_button(ui.app.root, "key", "C").text == "清除"
    assert find_button(ui.app.root, "key", "<").text == "← 退格"
    assert "还可尝试 3 次" in texts
    ui.screenshot("card-access-zh_CN")
    ui.tap("language", "en")
    assert "Your card's 6-digit number" in ui.texts()
    assert find_button(ui.app.root, "key", "C").text == "Clear"
    assert find_button(ui.app.root, "key", "<").text == "← Delete"
    assert "Tries left: 3" in ui.texts()
    ui.screenshot("card-access-en")
    ui.tap("cancel")


def test_no_error_before_anything_is_typed(ui: Harness) -> None:
    to_can(ui)
    ui.runner.flow.view.error = "can_format"  # e.g. left from an earlier attempt on this screen
    ui.app.render()
    ui.step(2)
    assert not any("6位数字。" in t for t in ui.texts())
    ui.tap("key", "1")
    ui.runner.post(e.Touch("submit_key", "1"))
    ui.until(lambda: any("请输入全部6位数字。" in t for t in ui.texts()), what="the error, once typed")
    ui.tap("cancel")


def test_the_read_button_is_disabled_in_words_until_six_digits(ui: Harness) -> None:
    to_can(ui)
    for digit in "12345":
        ui.tap("key", digit)
    read = find_button(ui.app.root, "submit_key")
    assert read is not None and read.disabled and "请先输入全部6位数字" in read.text
    from kiosk.ui.touch import tap_widget

    assert tap_widget(read)
    ui.step(2)
    assert ui.runner.flow.state is State.CARD_ACCESS and ui.runner.flow.view.error == "", "a disabled tap does nothing"
    ui.screenshot("card-access-disabled-zh_CN")
    ui.tap("key", "6")
    read = find_button(ui.app.root, "submit_key", "123456")
    assert read is not None and not read.disabled and read.text == "读取证件"
    ui.tap("cancel")


def test_a_failed_try_counts_down_the_tries_left(ui: Harness) -> None:
    to_can(ui)
    ui.runner.post(e.StepFailed("card", "card_access_denied", False))
    ui.until(lambda: ui.runner.flow.state is State.RETRY, what="the retry screen")
    ui.tap("retry")
    ui.runner.post(e.CardInserted(b.card_info()))
    ui.until(lambda: ui.runner.flow.state is State.CARD_ACCESS, what="the keypad again")
    assert ui.runner.flow.view.tries_left == 2 and "还可尝试 2 次" in ui.texts()
    ui.tap("cancel")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_key_and_way_out_is_in_view_without_scrolling(ui: Harness, language: str) -> None:
    """Every key, the other way in and the way out in view at once in normal mode: an applicant who
    does not know that the page scrolls would otherwise never find 0 or Delete."""
    from kiosk.ui.touch import visible  # Kivy's window module only after the harness set it up
    from kiosk.ui.widgets import KioskButton

    show(ui, State.CARD_ACCESS, language, elderly=False)
    buttons = [w for w in ui.app.content.walk() if isinstance(w, KioskButton)]
    keys = [w for w in buttons if w.action == "key"]
    assert sorted(str(w.value) for w in keys) == sorted("0123456789C<")
    others = {w.action for w in buttons if w.action in ("key_mode", "cancel", "submit_key")}
    assert others == {"key_mode", "cancel", "submit_key"}
    hidden = [w.text for w in buttons if not visible(w)]
    assert not hidden, f"below the fold: {hidden}"
    ui.screenshot(f"card-access-fits-{language}")
