"""Chosen options carry a check mark besides their colour; consent boxes are marks, not `[x]`."""

from __future__ import annotations

from kiosk.flow.states import State
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_gallery import show


def buttons(ui: Harness) -> list:
    from kiosk.ui.widgets import KioskButton  # Kivy's window module only after the harness set it up

    return [w for w in ui.app.content.walk(restrict=True) if isinstance(w, KioskButton)]


def test_chosen_options_on_the_form_carry_a_check_mark(ui: Harness) -> None:
    show(ui, State.FORM, "zh_CN")
    chosen = [b for b in buttons(ui) if b.selected]
    assert chosen, "the complete form has chosen options"
    assert all(b.text.startswith("✓") for b in chosen), [b.text for b in chosen]
    assert not [b.text for b in buttons(ui) if b.selected is False and b.text.startswith("✓")]
    ui.screenshot("form-marks-zh_CN")
    ui.reset()


def test_consent_boxes_are_marks_not_brackets(ui: Harness) -> None:
    ui.reset()
    ui.tap("start")
    toggles = [b for b in buttons(ui) if b.action == "consent_toggle"]
    assert toggles and all(b.text.startswith("□") for b in toggles)
    ui.tap("consent_toggle", "id")
    texts = {b.value: b.text for b in buttons(ui) if b.action == "consent_toggle"}
    assert texts["id"].startswith("✓") and texts["face"].startswith("□")
    assert not [t for t in ui.texts() if "[x]" in t or "[ ]" in t or "[  ]" in t]
    ui.screenshot("consent-marks-zh_CN")
    ui.tap("decline")
