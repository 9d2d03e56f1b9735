"""Red is kept for errors and the staff bar: an instruction (a head-turn challenge, what to do
after a failed step, "compare your name with the card") is never drawn in red."""

from __future__ import annotations

import pytest

from kiosk.flow.states import State
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_gallery import show

INSTRUCTIONS = {
    State.FACE_CHECK: ({"challenge": "turn_left"}, "向左"),
    State.RETRY: ({"error": "card_access_denied", "retry_step": "card"}, "6位数字"),
    State.REVIEW: ({"confirm_name": True}, "核对"),
}


@pytest.mark.parametrize("state", list(INSTRUCTIONS), ids=str)
def test_instructions_are_not_red(ui: Harness, state: State) -> None:
    from kivy.uix.button import Button
    from kivy.uix.label import Label

    from kiosk.ui import theme

    view, words = INSTRUCTIONS[state]
    show(ui, state, "zh_CN")
    for key, value in view.items():
        setattr(ui.runner.flow.view, key, value)
    ui.app.render()
    ui.step(2)
    labels = [w for w in ui.app.content.walk(restrict=True)
              if isinstance(w, Label) and not isinstance(w, Button) and words in w.text]
    assert labels, [w.text for w in ui.app.content.walk(restrict=True) if isinstance(w, Label)]
    assert all(tuple(w.color) != tuple(theme.ACCENT) for w in labels), [w.text for w in labels]
    ui.reset()
