"""The access-number screen without scrolling: every key of the keypad, the other way in and the way
out are in view at once in normal mode, in both languages (an applicant who does not know that the
page scrolls would otherwise never find 0 or Delete)."""

from __future__ import annotations

import pytest

from kiosk.flow.states import State
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_elderly_mode import show


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_key_and_way_out_is_in_view_without_scrolling(ui: Harness, language: str) -> None:
    from kiosk.ui.touch import visible  # imports Kivy's window: only once the fixture has sized it
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
