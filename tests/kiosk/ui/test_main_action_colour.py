"""The way forward looks the same on every applicant screen: a green button."""

from __future__ import annotations

import pytest

from kiosk.flow.states import State
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_gallery import show

MAIN = {
    State.ATTRACT: ({}, "start"),
    State.RETRY: ({"error": "card_access_denied", "retry_step": "card"}, "retry"),
    State.STAFF: ({"error": "requested"}, "resume"),
    State.FORM: ({}, "form_done"),
    State.REVIEW: ({}, "confirm"),
    State.DECISION: ({}, "edit"),  # the gallery's refused application
    State.DONE: ({}, "finish"),
}


@pytest.mark.parametrize("state", list(MAIN), ids=str)
def test_the_main_action_is_green(ui: Harness, state: State) -> None:
    from kiosk.ui import theme
    from kiosk.ui.touch import find_button

    view, action = MAIN[state]
    show(ui, state, "zh_CN")
    for key, value in view.items():
        setattr(ui.runner.flow.view, key, value)
    ui.app.render()
    ui.step(2)
    button = find_button(ui.app.content, action)
    assert button is not None and tuple(button._base_color) == tuple(theme.OK), (action, button and button.text)
    ui.reset()
