"""What the applicant takes home, in the real window: the approval's credit code, name and e-licence
QR code (decoded from the screenshot), and a referral's tracking number and where to ask."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
import requests
import zxingcpp
from PIL import Image

from drivers.registry.models import Decision
from kiosk.flow import events as e
from kiosk.flow.states import State
from kiosk.ui.screens.outcome import QR_SIZE
from kiosk.ui.theme import px
from registry_service.checks import issue_uscc
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import Harness

USCC = issue_uscc("440305", 7)  # a well-formed code: only those go into an address
KEY_FACT_PX = 40  # design px (1080x1920) of the facts an applicant copies: code, name, number


def approved() -> Decision:
    return dataclasses.replace(b.decision("approved"), licence=dataclasses.replace(b.LICENCE, uscc=USCC))


def show_done(ui: Harness, decision: Decision, language: str) -> None:
    """Through the flow's own path: printed, wiped, then the done screen."""
    ui.reset(b.FakeClock())  # the done screen's timeout never fires under a test
    flow = ui.runner.flow
    flow.session.language = flow.view.language = language
    flow.session.decision = decision
    flow._go(State.PRINTING, "test")
    ui.runner.post(e.Printed("job-test"))
    ui.until(lambda: ui.runner.flow.state is State.DONE, what="the done screen")
    assert not ui.runner.flow.session.holds_personal_data()
    ui.step(3)


def label(ui: Harness, text: str) -> object:
    from kivy.uix.label import Label

    found = [w for w in ui.app.root.walk() if isinstance(w, Label) and w.text == text]
    assert found, f"{text!r} not on the screen: {ui.texts()}"
    return found[0]


def assert_fits_without_scrolling(ui: Harness) -> None:
    from kivy.uix.scrollview import ScrollView

    scroll = next(w for w in ui.app.content.walk() if isinstance(w, ScrollView))
    page = scroll.children[0]
    assert page.height <= scroll.height + 1, (
        f"the page is {page.height / px(1):.0f} design px high, the screen shows {scroll.height / px(1):.0f}")


def assert_readable_and_whole(ui: Harness, text: str) -> None:
    """A key fact: at least KEY_FACT_PX design pixels, on one line or wrapped, inside the window."""
    from kivy.core.window import Window

    w = label(ui, text)
    assert w.font_size >= px(KEY_FACT_PX) - 0.01, f"{text!r} at {w.font_size / px(1):.0f} design px"
    assert w.texture_size[0] <= w.width + 1 and w.height >= w.texture_size[1] - 1, f"{text!r} is clipped"
    x, y = w.to_window(w.x, w.y)
    assert 0 <= x <= Window.width - w.width and 0 <= y <= Window.height - w.height, (
        f"{text!r} is outside the window at {(x, y)}")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_an_approval_shows_the_code_the_name_a_qr_code_and_the_next_steps(ui: Harness, language: str) -> None:
    d = approved()
    show_done(ui, d, language)
    texts = ui.texts()
    zh = language == "zh_CN"
    assert ("统一社会信用代码" if zh else "Unified Social Credit Code") in texts
    assert ("接下来请办理" if zh else "What to do next") in texts
    assert any(("年度报告" if zh else "annual report") in t for t in texts)
    shot = ui.screenshot(f"done-approved-{language}")
    for fact in (USCC, d.licence.name):
        assert_readable_and_whole(ui, fact)
    assert_fits_without_scrolling(ui)
    codes = zxingcpp.read_barcodes(Image.open(shot).convert("L"))
    url = f"{ui.runner.devices.registry.base_url}/verify/{USCC}"
    assert [c.text for c in codes] == [url], "the QR code on the screen opens the licence's verification page"
    # the embedded service answers it (this licence was made up by the test: its 404 page)
    with requests.Session() as s:
        s.trust_env = False
        page = s.get(url, timeout=10)
    assert page.status_code == 404 and USCC in page.text and page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_referral_shows_its_tracking_number_and_where_to_ask(ui: Harness, language: str) -> None:
    show_done(ui, b.decision("manual_review"), language)
    texts = ui.texts()
    zh = language == "zh_CN"
    assert ("受理编号" if zh else "Tracking number") in texts
    enquiries = ui.runner.settings.registry.options.enquiries
    assert enquiries, "the demo configuration names a counter"
    assert ("本大厅登记窗口" if zh else "The registration counter in this hall.") not in texts, "the configured one"
    for fact in ("T-0001", enquiries):
        assert_readable_and_whole(ui, fact)
    assert_fits_without_scrolling(ui)
    assert not zxingcpp.read_barcodes(Image.open(ui.screenshot(f"done-referral-{language}")).convert("L"))


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_approval_screen_says_printing_starts_by_itself(ui: Harness, language: str) -> None:
    ui.reset(b.FakeClock())  # no auto-advance while the test looks
    flow = ui.runner.flow
    flow.session.language = flow.view.language = language
    flow.session.identity = b.identity()
    flow.session.decision = approved()
    flow._go(State.DECISION, "approved")
    ui.app.render()
    ui.settle()
    texts = ui.texts()
    assert ("立即打印" if language == "zh_CN" else "Print now") in texts
    assert not any("being printed" in t or "正在打印" in t for t in texts), "nothing prints until the flow says so"
    assert any(("几秒后将自动开始打印" if language == "zh_CN" else "Printing starts by itself") in t for t in texts)
    assert_readable_and_whole(ui, USCC)
    ui.screenshot(f"decision-approved-{language}")


def test_the_qr_code_keeps_its_size(ui: Harness) -> None:
    from kiosk.ui.qr import QrImage

    show_done(ui, approved(), "zh_CN")
    qr = [w for w in ui.app.root.walk() if isinstance(w, QrImage)]
    assert len(qr) == 1 and qr[0].size == [px(QR_SIZE), px(QR_SIZE)]
    assert qr[0].qr_text.endswith(f"/verify/{USCC}")


def test_the_qr_code_of_a_real_approval_opens_its_public_record(ui: Harness) -> None:
    """End to end: the embedded service issues the licence, the screen's QR code (decoded from the
    screenshot) opens the service's page for it, and that page shows the licence."""
    from drivers.registry.models import Application
    from registry_service import samples

    d = ui.runner.devices.registry.submit(Application(**samples.application()), uuid.uuid4().hex)
    assert d.outcome == "approved" and d.licence is not None, d.reasons
    show_done(ui, d, "zh_CN")
    codes = zxingcpp.read_barcodes(Image.open(ui.screenshot("done-approved-real")).convert("L"))
    assert [c.text for c in codes] == [f"{ui.runner.devices.registry.base_url}/verify/{d.licence.uscc}"]
    with requests.Session() as s:
        s.trust_env = False
        page = s.get(codes[0].text, timeout=10)
    assert page.status_code == 200
    for value in (d.licence.uscc, d.licence.name, d.licence.authority, "存续"):
        assert value in page.text


def test_without_a_configured_place_to_ask_the_hall_counter_is_named(ui: Harness) -> None:
    from kiosk.proof import ProofLinks

    saved = ui.app._links()
    ui.app._proof_links = ProofLinks(saved.e_licence_template, "")
    try:
        show_done(ui, b.decision("manual_review"), "en")
        assert_readable_and_whole(ui, "The registration counter in this hall.")
    finally:
        ui.app._proof_links = saved


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_card_left_on_the_reader_is_said_first_and_the_page_still_fits(ui: Harness, language: str) -> None:
    d = approved()
    show_done(ui, d, language)
    ui.runner.flow.take_card = ui.runner.flow.view.take_card = True
    ui.app.render()
    ui.settle()
    note = "您的证件还在阅读器上，请带走。" if language == "zh_CN" else (
        "Your ID card is still on the reader. Please take it with you.")
    ui.screenshot(f"done-approved-card-left-{language}")
    texts = ui.texts()
    assert note in texts and texts.index(note) < texts.index(USCC), "the card comes first"
    assert_readable_and_whole(ui, USCC)
    assert_fits_without_scrolling(ui)
