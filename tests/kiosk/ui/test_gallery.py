"""Every screen, in every language, rendered in the real window: no glyph missing from the font.

The autopilot passes the screens a journey passes; this gallery also covers the failure and
technician screens and the transient ones a fast simulator leaves before a screenshot is taken.
"""

from __future__ import annotations

import functools

import pytest
from fontTools.ttLib import TTFont

from kiosk.flow.states import State
from kiosk.fonts import cjk_font_path
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness

VIEWS: dict[State, dict] = {
    State.CARD_ACCESS: {"key_mode": "can", "error": "can_format"},
    State.FACE_CHECK: {"challenge": "turn_left"},
    State.DECISION: {},
    State.DONE: {"guidance": "T-20261127-0001"},
    State.RETRY: {"error": "card_access_denied", "retry_step": "card"},
    State.STAFF: {"error": "card_not_authentic"},
    State.OUT_OF_SERVICE: {"fault": "printer_paper_out", "pending_txn": True, "document_held": True},
    State.DIAG_PIN: {"error": "pin_wrong"},
    State.DIAG: {"key_mode": "overview"},
}


@functools.cache
def covered() -> frozenset[int]:
    return frozenset(TTFont(str(cjk_font_path("Regular")))["cmap"].getBestCmap())


def show(ui: Harness, state: State, language: str) -> None:
    ui.reset()
    flow = ui.runner.flow
    flow.session.identity = b.identity()
    flow.session.form = dict(b.COMPLETE_FORM)
    flow.reference = ui.runner.devices.registry.reference_data()
    flow.session.decision = b.decision("manual_review" if state is State.DONE else "rejected")
    flow._go(state, "gallery", **VIEWS.get(state, {}))
    flow.view.language = flow.session.language = language
    if state is State.DIAG:
        from kiosk.diag import checks

        flow.view.checks = checks.run_all(ui.runner.devices, ui.runner.journal, ui.runner.settings.var_dir)
    ui.app.render()
    ui.settle()
    assert ui.runner.flow.state is state, f"left {state} for {ui.runner.flow.state} before the screenshot"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("state", list(State), ids=str)
def test_screen_renders_with_every_glyph(ui: Harness, state: State, language: str) -> None:
    show(ui, state, language)
    texts = ui.texts()
    assert texts, f"{state} shows nothing"
    missing = {ch for text in texts for ch in text if not ch.isspace() and ord(ch) not in covered()}
    assert not missing, f"{state}/{language}: no glyph for {sorted(missing)}"
    chinese = any("\u4e00" <= ch <= "\u9fff" for text in texts for ch in text)
    if language == "zh_CN":
        assert chinese, f"{state} has no Chinese text"
    else:
        assert "English" not in texts, "the language button offers the other language"
    ui.screenshot(f"gallery-{state.value}-{language}")
    ui.reset()
