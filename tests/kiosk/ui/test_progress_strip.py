"""The steps strip in the real window: there on the applicant's screens, the right step current,
its names side by side without overlapping, readable, and the screen below it shrunk to fit."""

from __future__ import annotations

import os
import shutil

import pytest

from kiosk.flow.progress import Step
from kiosk.flow.states import State
from kiosk.i18n import Translator
from kiosk.ui import theme
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness
from tests.kiosk.ui.test_text_entry import DOCS_IMG

IN_DOCS = (State.FACE_CHECK, State.FORM)  # docs/flow.md shows these, written with UPDATE_DOC_IMAGES=1
# screens short enough to show whole under the strip (the form and the review scroll, as before)
WHOLE = (State.CARD_WAIT, State.CARD_ACCESS, State.FACE_CHECK, State.SUBMIT, State.RETRY, State.PRINTING)


def contrast(fg: tuple, bg: tuple) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (alpha ignored: every colour here is opaque)."""

    def luminance(rgba: tuple) -> float:
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3]]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def show(ui: Harness, state: State, language: str, **view: object) -> None:
    """``state``'s screen in ``language``, with an applicant's card read and a complete form."""
    ui.reset()
    ui.tap("start")
    if language != ui.runner.flow.view.language:
        ui.tap("language", language)
    flow = ui.runner.flow
    flow.session.identity = b.identity()
    ref = flow.reference = ui.runner.devices.registry.reference_data()
    flow.session.form = {**b.COMPLETE_FORM, "industry_code": ref.industries[0][0],
                         "scope_codes": [ref.scope_items[0].code]}
    flow._go(state, "test", **view)
    ui.app.render()
    ui.settle()


def strip(ui: Harness) -> object | None:
    from kiosk.ui.progress_strip import ProgressStrip

    found = [w for w in ui.app.root.walk() if isinstance(w, ProgressStrip)]
    assert len(found) <= 1
    return found[0] if found else None


def boxes_apart(a: object, b_: object) -> bool:
    return a.right <= b_.x or b_.right <= a.x or a.top <= b_.y or b_.top <= a.y  # type: ignore[attr-defined]


CASES = [
    (State.CARD_WAIT, {}, Step.READ_ID),
    (State.CARD_ACCESS, {"key_mode": "can"}, Step.READ_ID),
    (State.FACE_CHECK, {"guidance": "face_camera"}, Step.FACE_CHECK),
    (State.FORM, {}, Step.FILL_IN),
    (State.REVIEW, {}, Step.CONFIRM),
    (State.SUBMIT, {}, Step.CONFIRM),
    (State.RETRY, {"retry_step": "face", "error": "face_timeout"}, Step.FACE_CHECK),
    (State.PRINTING, {}, Step.COLLECT),
]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize(("state", "view", "step"), CASES, ids=[c[0].value for c in CASES])
def test_strip_shows_the_current_step_readably(ui: Harness, language: str, state: State, view: dict,
                                               step: Step) -> None:
    from kiosk.ui.progress_strip import FONT, STEP_LABELS
    from kiosk.ui.theme import px

    show(ui, state, language, **view)
    path = ui.screenshot(f"progress-{state.value}-{language}")
    if os.environ.get("UPDATE_DOC_IMAGES") and state in IN_DOCS:
        shutil.copyfile(path, DOCS_IMG / path.name)
    bar = strip(ui)
    assert bar is not None and bar.parent is ui.app.progress_box
    tr = Translator(language)
    assert bar.current.step is step and bar.current.label.bold
    assert [c.label.text for c in bar.cells] == [tr(STEP_LABELS[s]) for s in Step]
    statuses = [c.status for c in bar.cells]
    assert statuses == ["done"] * bar.progress.index + ["current"] + ["todo"] * (4 - bar.progress.index)
    assert [c.marker.text for c in bar.cells if c.status == "done"] == ["✓"] * bar.progress.index
    assert not any(c.label.bold for c in bar.cells if c is not bar.current)
    # between the header and the screen, which gave up the strip's height
    where = (ui.app.header.y, ui.app.header.height, ui.app.progress_box.y, ui.app.progress_box.height, bar.y,
             bar.height, ui.app.content.top)
    assert bar.top == pytest.approx(ui.app.header.y) and bar.y == pytest.approx(ui.app.content.top), where
    assert bar.height > px(FONT) * 2
    # every name whole inside its own box, the boxes apart, on the window
    widgets = [w for c in bar.cells for w in (c.marker, c.label)] + [bar.time_label]
    for i, w in enumerate(widgets):
        assert w.font_size >= px(FONT) - 0.01
        assert w.x >= 0 and w.right <= ui.app.root.width
        for other in widgets[i + 1:]:
            assert boxes_apart(w, other), (w.text, other.text)
    for cell in bar.cells:
        assert cell.label.texture_size[0] <= cell.label.width + 1 and cell.label.height >= cell.label.texture_size[1]
        assert cell.label.y >= bar.y and cell.label.top <= bar.top
    assert ("分钟" if language == "zh_CN" else "min") in bar.time_label.text
    if state in WHOLE:
        nothing_below_the_fold(ui)


def nothing_below_the_fold(ui: Harness) -> None:
    """Every text and button of the screen between the strip and the staff bar, unscrolled."""
    from kiosk.ui.widgets import KioskButton, Text

    content = ui.app.content
    for w in content.walk(restrict=True):
        if isinstance(w, KioskButton | Text) and w.text:
            bottom, top = w.to_window(w.x, w.y)[1], w.to_window(w.x, w.top)[1]
            assert bottom >= content.y - 1 and top <= content.top + 1, (w.text[:30], bottom, top, content.y)


@pytest.mark.parametrize("state", [State.ATTRACT, State.CONSENT, State.STAFF, State.OUT_OF_SERVICE])
def test_no_strip_outside_the_steps(ui: Harness, state: State) -> None:
    show(ui, state, "zh_CN")
    assert strip(ui) is None and ui.app.progress_box.height == 0
    assert ui.app.content.top == pytest.approx(ui.app.header.y), "the screen takes the whole height"


def test_the_done_screen_gives_the_strips_height_to_its_proof(ui: Harness) -> None:
    """Every step is done there: the credit code, the QR code and the next steps need the room."""
    show(ui, State.DONE, "zh_CN")
    assert strip(ui) is None


def test_colours_are_readable_on_the_strip() -> None:
    from kiosk.ui.progress_strip import BACKGROUND, STYLE

    for status, (label, marker_fill, marker_text) in STYLE.items():
        assert contrast(label, BACKGROUND) >= 4.5, status
        assert contrast(marker_text, marker_fill) >= 4.5, status
    assert contrast(theme.TEXT, BACKGROUND) >= 4.5  # the time left


def test_name_editor_has_the_whole_height_and_the_strip_comes_back_after_it(ui: Harness) -> None:
    show(ui, State.FORM, "zh_CN")
    ui.tap("name_edit")
    assert ui.app.scratch.get("name_editor") and strip(ui) is None and ui.app.progress_box.height == 0
    ui.tap("te_done")
    assert not ui.app.scratch.get("name_editor")
    bar = strip(ui)
    assert bar is not None and bar.current.step is Step.FILL_IN


def test_premises_keyboard_has_the_whole_height_with_its_done_button(ui: Harness) -> None:
    from kiosk.ui.touch import find_button
    from tests.kiosk.ui.test_form_scope_premises import _form

    _form(ui, "en")
    ui.tap("open_picker", "premises")
    for code in ("370000", "371000", "371002"):
        ui.tap("division_at", code)
    ui.tap("form_street", "鲸园街道")
    assert strip(ui) is not None, "the division list keeps the strip"
    ui.tap("edit_road")
    assert strip(ui) is None and ui.app.progress_box.height == 0
    done = find_button(ui.app.root, "te_done")
    assert done is not None and done.to_window(done.x, done.y)[1] >= ui.app.content.y - 1
    ui.tap("te_done")
    assert strip(ui) is not None


@pytest.mark.parametrize("width", [700, 330])
def test_names_wrap_rather_than_overlap_where_even_their_own_widths_do_not_fit(ui: Harness, width: int) -> None:
    from kiosk.flow.progress import progress
    from kiosk.ui.progress_strip import ProgressStrip
    from kiosk.ui.theme import px

    where = progress(State.FORM)
    assert where is not None
    narrow = ProgressStrip(where, Translator("en"), size_hint_x=None, width=px(width), pos=(0, 0))
    ui.app.root.add_widget(narrow)
    try:
        ui.step(4)
        room = narrow.row.width - narrow.row.spacing * 4
        words = [c.word_width() for c in narrow.cells]
        if sum(words) <= room:  # each cell at least as wide as its longest word: no word is broken
            assert all(c.width >= w - 1 for c, w in zip(narrow.cells, words, strict=True))
            assert any(c.size_hint_x is None for c in narrow.cells)
        else:
            assert all(c.size_hint_x == 1 for c in narrow.cells), "equal shares"
        labels = [c.label for c in narrow.cells]
        assert max(label.texture_size[1] for label in labels) > min(label.texture_size[1] for label in labels)
        for i, label in enumerate(labels):
            assert label.texture_size[0] <= label.width + 1 and label.height >= label.texture_size[1]
            assert all(boxes_apart(label, other) for other in labels[i + 1:])
    finally:
        ui.app.root.remove_widget(narrow)


def test_larger_text_in_english_breaks_names_between_words(ui: Harness) -> None:
    from kiosk.ui.progress_strip import ProgressStrip

    ui.reset()
    ui.tap("start")
    ui.tap("elderly")
    ui.tap("language", "en")
    ui.tap("consent_toggle", "id")
    ui.tap("consent_toggle", "face")
    ui.tap("accept")
    ui.until(lambda: ui.runner.flow.state is State.CARD_WAIT, what="card screen")
    ui.settle()
    strip = next(w for w in ui.app.root.walk() if isinstance(w, ProgressStrip))
    for cell in strip.cells:
        assert cell.width >= cell.word_width() - 1, (cell.label.text, cell.width, cell.word_width())
    ui.screenshot("progress-strip-elderly-en")
    ui.tap("elderly")
    ui.tap("cancel")


def test_a_rejected_application_shows_the_time_from_the_form_again(ui: Harness) -> None:
    from kiosk.flow.progress import time_left

    show(ui, State.DECISION, "en")
    ui.runner.flow.session.decision = b.decision("rejected")
    ui.app.render()
    ui.settle()
    bar = strip(ui)
    from_form = time_left(State.FORM)
    assert bar is not None and bar.current.step is Step.CONFIRM and from_form is not None
    assert bar.time_label.text == f"About {from_form.minutes} min left"
