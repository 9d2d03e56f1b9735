"""The rating screen in the real window: worded levels, the reasons of a bad rating, thanks; no
personal data on it whatever the session holds; the rating reaches the embedded authority."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.flow.rating import Case
from kiosk.flow.states import State
from kiosk.ui.messages import RATING_LEVELS, RATING_REASONS
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness

LEVEL_WORDS = {"zh_CN": ["非常满意", "满意", "基本满意", "不满意", "非常不满意"],
               "en": list(RATING_LEVELS.values())}
PERSONAL = ("张伟", "ZHANG", "110105199003071234", "E12345678", "科技园路")


def test_every_rating_code_has_a_text_translated_in_both_catalogues() -> None:
    from kiosk.flow.rating import NOT_GIVEN
    from kiosk.i18n import Translator
    from kiosk.ui import messages
    from licence_wire import rating as wire
    from tests.kiosk.ui.test_messages import catalogue_entries

    assert list(messages.RATING_LEVELS) == list(wire.LEVELS)
    assert list(messages.RATING_REASONS) == list(wire.REASONS)
    assert set(messages.RATING_INDICATORS) == set(wire.INDICATORS)
    assert list(messages.RATING_NOT_GIVEN) == list(NOT_GIVEN)
    tables = (messages.RATING_LEVELS, messages.RATING_REASONS, messages.RATING_INDICATORS, messages.RATING_NOT_GIVEN)
    msgids = {m for table in tables for m in table.values()}
    for language in ("zh_CN", "en"):
        assert msgids <= set(catalogue_entries(language)), language
    zh = Translator("zh_CN")
    assert [zh(messages.RATING_LEVELS[level]) for level in wire.LEVELS] == LEVEL_WORDS["zh_CN"]
    assert [zh(messages.RATING_INDICATORS[i]) for i in ("overall", "efficiency", "quality", "attitude")] == [
        "整体满意度", "服务效率", "服务水平", "服务态度"]


def to_rating(ui: Harness, language: str, ending: str = "abandoned") -> None:
    """The rating screen of a case whose session still (wrongly) holds personal data: the screen
    must show none of it, because it reads nothing but the view's rating fields."""
    ui.reset()
    flow = ui.runner.flow
    flow.session.identity = b.identity()
    flow.session.form = {"trade_name": "张伟", "house_number": "科技园路1号"}
    flow.case = Case(flow.session.txn_id, ending=ending)
    flow._go(State.RATING, "test")
    flow.view.language = flow.session.language = language
    ui.app.render()
    ui.settle()
    assert flow.state is State.RATING


def no_personal_data(ui: Harness) -> None:
    shown = " ".join(ui.texts())
    assert not [p for p in PERSONAL if p in shown], shown


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_levels_are_big_worded_buttons_with_a_skip(ui: Harness, language: str) -> None:
    from kiosk.ui.touch import find_button

    to_rating(ui, language)
    texts = ui.texts()
    for level, words in zip(RATING_LEVELS, LEVEL_WORDS[language], strict=True):
        button = find_button(ui.app.root, "rate", level)
        assert button is not None and words in button.text and "★" in button.text, level
        assert button.height >= 0.07 * ui.app.root.height, "a finger-sized target"
    assert find_button(ui.app.root, "skip") is not None
    no_personal_data(ui)
    assert texts
    ui.screenshot(f"rating-levels-{language}")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_bad_rating_asks_why_then_thanks_and_reaches_the_authority(ui: Harness, language: str) -> None:
    from kiosk.ui.touch import find_button

    to_rating(ui, language)
    case_id = ui.runner.flow.case.txn_id  # type: ignore[union-attr]
    ui.tap("rate", "dissatisfied")
    assert ui.runner.flow.view.rating_level == "dissatisfied"
    assert find_button(ui.app.root, "rate_send") is None, "no sending without a reason"
    for reason in RATING_REASONS:
        assert find_button(ui.app.root, "rate_reason", reason) is not None, reason
    ui.screenshot(f"rating-reasons-{language}")
    ui.tap("rate_reason", "too_slow")
    ui.tap("rate_reason", "unclear_guidance")
    assert find_button(ui.app.root, "rate_reason", "too_slow").text.startswith("✓")  # type: ignore[union-attr]
    no_personal_data(ui)
    ui.screenshot(f"rating-reasons-picked-{language}")
    ui.tap("rate_send")
    ui.until(lambda: ui.runner.flow.view.rating_thanks, what="thanks")
    assert any("5" in t for t in ui.texts()), "the follow-up deadline is said"
    ui.screenshot(f"rating-thanks-{language}")
    ui.until(lambda: ui.runner.ratings.summary()["sent"] >= 1 and ui.runner.ratings.depth() == 0,
             what="the rating sent to the embedded authority")
    row = ui.runner.ratings._db.execute("SELECT case_id, state, follow_up_due FROM rating WHERE case_id=?",
                                        (case_id,)).fetchone()
    assert row[1] == "sent" and len(row[2]) == 10, row
    ui.tap("finish")
    assert ui.runner.flow.state is State.ATTRACT


def test_skip_goes_to_the_attract_screen(ui: Harness) -> None:
    to_rating(ui, "zh_CN")
    ui.tap("skip")
    assert ui.runner.flow.state is State.ATTRACT


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_diagnostics_overview_counts_ratings_and_the_outbox(ui: Harness, language: str) -> None:
    from drivers.registry.models import Rating
    from kiosk.diag import checks

    ui.reset()
    box = ui.runner.ratings
    for case in ("c1" * 16, "c2" * 16):
        box.add(Rating("kiosk_transaction", case, "staff", "satisfied", (), "2026-11-30T08:00:00Z"))
    box.count_unrated("timeout")
    flow = ui.runner.flow
    flow._go(State.DIAG, "test", key_mode="overview")
    flow.view.language = flow.session.language = language
    flow.view.checks = checks.run_all(ui.runner.devices, ui.runner.journal, ui.runner.settings.var_dir)
    ui.app.render()
    ui.settle()
    shown = "\n".join(ui.texts())
    summary = box.summary()
    heading = "服务评价（近30天）" if language == "zh_CN" else "Service ratings, last 30 days"
    assert heading in shown
    satisfied = "满意" if language == "zh_CN" else "Satisfied"
    assert f"{satisfied} {summary['levels']['satisfied']}" in shown
    waiting = "待发送：" if language == "zh_CN" else "Waiting to be sent: "
    assert f"{waiting}{summary['queued']}" in shown
    ui.screenshot(f"diag-overview-ratings-{language}")
    ui.reset()


def rating_screens(ui: Harness, language: str) -> Iterator[str]:
    """Each rating screen in ``language``, rendered: levels, reasons, reasons picked, thanks."""
    to_rating(ui, language)
    yield "levels"
    ui.tap("rate", "very_dissatisfied")
    yield "reasons"
    ui.tap("rate_reason", "device_problem")
    yield "reasons-picked"
    ui.tap("rate_send")
    ui.until(lambda: ui.runner.flow.view.rating_thanks, what="thanks")
    yield "thanks"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_no_text_on_the_rating_screens_is_small(ui: Harness, language: str) -> None:
    """40 design pixels (about 10 mm on a 1080x1920 portrait display) is the smallest text, for an
    older applicant with reading glasses; headings, notes and the pick list included."""
    from kivy.uix.label import Label

    from kiosk.ui.theme import px

    for screen in rating_screens(ui, language):
        small = [(w.text, round(w.font_size / px(1))) for w in ui.app.content.walk(restrict=True)
                 if isinstance(w, Label) and w.text and w.font_size < px(40) - 0.01]
        assert not small, (screen, small)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_rating_screens_fit_without_scrolling_and_nothing_is_cut_off(ui: Harness, language: str) -> None:
    """Nothing hidden below the fold (an older applicant does not look for a scroll bar), no text
    wider or taller than its button, and the pick list's boxes line up at the left."""
    from kivy.uix.label import Label
    from kivy.uix.scrollview import ScrollView

    from kiosk.ui.touch import find_button
    from kiosk.ui.widgets import KioskButton

    for screen in rating_screens(ui, language):
        ui.step(3)
        content = ui.app.content
        for w in content.walk(restrict=True):
            if isinstance(w, ScrollView) and w.children:
                assert w.children[0].height <= w.height + 0.5, (screen, "scrolls", w.children[0].height, w.height)
            if isinstance(w, Label) and w.text:  # window coordinates: a ScrollView moves its child
                (_x, bottom), (_r, top) = w.to_window(w.x, w.y), w.to_window(w.right, w.top)
                assert bottom >= content.y - 0.5 and top <= content.top + 0.5, (screen, "off the screen", w.text)
            if isinstance(w, KioskButton):
                assert w.texture_size[0] <= w.width and w.texture_size[1] <= w.height, (screen, "cut off", w.text)
        if screen.startswith("reasons"):
            choices = [find_button(content, "rate_reason", r) for r in RATING_REASONS]
            assert all(c is not None and c.halign == "left" for c in choices), screen
        ui.screenshot(f"rating-check-{screen}-{language}")
