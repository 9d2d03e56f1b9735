"""The idle countdown in the real window says what is lost when it runs out, and how to go on."""

from __future__ import annotations

import pytest

from kiosk.flow.states import TIMEOUT_FIELD, State
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_gallery import show

SAYS = {
    (State.FORM, "zh_CN"): ("如需继续，请点击下方按钮", "秒后您填写的信息将被清除"),
    (State.FORM, "en"): ("To continue, tap the button below", "the information you entered will be cleared"),
    (State.RATING, "zh_CN"): ("如需继续，请点击下方按钮", "秒后将返回首页"),
    (State.RATING, "en"): ("To continue, tap the button below", "goes back to the start"),
}


@pytest.mark.parametrize(("state", "language"), list(SAYS), ids=str)
def test_the_countdown_says_the_data_will_be_cleared_and_how_to_continue(ui: Harness, state: State,
                                                                          language: str) -> None:
    show(ui, state, language)
    flow, clock = ui.runner.flow, b.FakeClock()  # frozen 9 s before the idle timeout
    flow.clock = clock
    flow.last_activity = flow.entered_at = clock() - getattr(flow.timeouts, TIMEOUT_FIELD[state]) + 9
    ui.until(lambda: bool(ui.app.overlay.children), what="the countdown card")
    shown = " ".join(ui.texts())
    assert all(words in shown for words in SAYS[state, language]), shown
    assert "9" in shown and "close" not in shown and "关闭" not in shown
    from kiosk.ui.touch import find_button

    go_on = find_button(ui.app.overlay, "more_time")
    assert go_on is not None and go_on.text == ("继续办理" if language == "zh_CN" else "Continue")
    ui.screenshot(f"idle-warning-{state.value}-{language}")
    ui.reset()
