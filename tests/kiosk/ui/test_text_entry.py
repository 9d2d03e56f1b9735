"""The text-entry panel in the real window: pinyin keys and a finger on the pad, through Kivy's
own touch path; targets big enough; engines missing leave a working mode or a clear message."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.i18n import Translator
from kiosk.textentry.errors import PinyinUnavailable
from kiosk.textentry.methods import InputMethods, open_input_methods
from kiosk.textentry.options import TextEntryOptions
from tests.conftest import ROOT, missing
from tests.kiosk.ui.conftest import Harness

pytestmark = pytest.mark.ui
STROKES = ROOT / "tests" / "kiosk" / "textentry" / "data" / "strokes_mmah_test.json"
DOCS_IMG = ROOT / "docs" / "img"


@pytest.fixture(scope="module")
def methods(ui: Harness, tmp_path_factory: pytest.TempPathFactory) -> InputMethods:
    m = open_input_methods(TextEntryOptions(), tmp_path_factory.mktemp("te-var"))
    if m.errors:
        missing(f"text-entry engines not installed: {sorted(m.errors)} (scripts/bootstrap.sh installs them)")
    return m


class Mounted:
    """A panel shown over the kiosk's screen, and what it reported."""

    def __init__(self, ui: Harness, panel_kw: dict) -> None:
        from kivy.core.window import Window
        from kivy.uix.boxlayout import BoxLayout

        from kiosk.ui import theme
        from kiosk.ui.textentry import TextEntryPanel
        from kiosk.ui.widgets import fill

        self.ui, self.done, self.changes = ui, [], []
        self.host = BoxLayout(size=Window.size)
        fill(self.host, theme.BG)
        self.panel = TextEntryPanel(on_done=self.done.append, on_change=self.changes.append, **panel_kw)
        self.host.add_widget(self.panel)
        Window.add_widget(self.host)
        ui.step(3)

    def tap(self, action: str, value: object = None) -> None:
        from kiosk.ui.touch import tap

        assert tap(self.host, action, value), f"no button {action}={value!r}"
        self.ui.step(2)

    def type(self, letters: str) -> None:
        for ch in letters:
            self.tap("te_key", ch)

    def candidates(self) -> list[tuple[int, str]]:
        from kiosk.ui.widgets import KioskButton

        return [(w.value, w.text.split("\n")[0]) for w in reversed(self.panel.candidate_bar.children)
                if isinstance(w, KioskButton)]

    def pick(self, text: str) -> None:
        shown = self.candidates()
        index = next((i for i, t in shown if t == text), None)
        assert index is not None, f"{text} not among {shown}"
        self.tap("te_candidate", index)

    def draw(self, strokes: list[list[list[float]]], box: float) -> None:
        """Each stroke as one finger: down, moves, up, in window coordinates on the pad."""
        from kivy.base import EventLoop
        from kivy.core.window import Window

        from kiosk.ui.touch import SyntheticTouch

        pad = self.panel.pad
        for n, stroke in enumerate(strokes):
            pts = [pad.to_window(pad.x + x / box * pad.width, pad.top - y / box * pad.height) for x, y in stroke]
            touch = SyntheticTouch("synthetic", 10_000 + n + int(time.monotonic() * 1000) % 10**6,
                                   [pts[0][0] / Window.width, pts[0][1] / Window.height])
            EventLoop.post_dispatch_input("begin", touch)
            for x, y in pts[1:]:
                touch.move([x / Window.width, y / Window.height])
                EventLoop.post_dispatch_input("update", touch)
            EventLoop.post_dispatch_input("end", touch)
            self.ui.step(1)
        self.ui.step(2)

    def screenshot(self, name: str) -> Path:
        from kivy.uix.label import Label

        from tests.kiosk.ui.test_gallery import covered

        texts = [w.text for w in self.host.walk() if isinstance(w, Label) and w.text]
        missing = {ch for t in texts for ch in t if not ch.isspace() and ord(ch) not in covered()}
        assert not missing, f"no glyph for {sorted(missing)}"
        path = self.ui.screenshot(name)
        if os.environ.get("UPDATE_DOC_IMAGES"):  # docs/text-entry.md shows these
            shutil.copyfile(path, DOCS_IMG / f"{name}.png")
        return path

    def close(self) -> None:
        from kivy.core.window import Window

        Window.remove_widget(self.host)
        self.ui.step(2)


Mount = Callable[..., Mounted]


@pytest.fixture
def mount(ui: Harness) -> Iterator[Mount]:
    made: list[Mounted] = []

    def _mount(**kw: object) -> Mounted:
        m = Mounted(ui, kw)
        made.append(m)
        return m

    yield _mount
    for m in made:
        m.close()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_pinyin_keyboard_enters_a_shop_name(mount: Mount, methods: InputMethods, language: str) -> None:
    m = mount(methods=methods, tr=Translator(language), mode="pinyin")
    m.type("laowanglamian")
    assert m.panel.composition.letters == "laowanglamian"
    m.screenshot(f"text-entry-pinyin-{language}")
    m.pick("老王")
    assert m.panel.composition.chosen == "老王" and m.panel.composition.letters == "lamian"
    m.pick("拉面")
    assert m.changes[-1] == "老王拉面"
    m.tap("te_done")
    assert m.done == ["老王拉面"]


def test_english_mode_shows_pinyin_beside_each_candidate(mount: Mount, methods: InputMethods) -> None:
    from kiosk.ui.widgets import KioskButton

    m = mount(methods=methods, tr=Translator("en"), mode="pinyin")
    m.type("laowang")
    labels = [w.text for w in m.panel.candidate_bar.children if isinstance(w, KioskButton)]
    assert any("老王" in t and "lǎo wáng" in t for t in labels), labels
    m.close()
    m = mount(methods=methods, tr=Translator("zh_CN"), mode="pinyin")
    m.type("laowang")
    assert all("\n" not in w.text for w in m.panel.candidate_bar.children if isinstance(w, KioskButton))


def test_delete_clear_digits_and_paging(mount: Mount, methods: InputMethods) -> None:
    m = mount(methods=methods, tr=Translator("zh_CN"), mode="pinyin", text="兰州")
    m.type("shi")
    first = m.candidates()
    m.tap("te_page", 1)
    second = m.candidates()
    assert second and second[0][0] == len(first)
    assert not {t for _, t in first} & {t for _, t in second}
    m.tap("te_page", -1)
    assert m.candidates() == first
    m.tap("te_delete")
    assert m.panel.composition.letters == "sh"
    m.tap("te_space")  # pending letters become the first candidate
    converted = m.panel.text
    assert converted.startswith("兰州") and len(converted) > 2 and not m.panel.composition.composing
    m.type("88")
    assert m.panel.text == converted + "88"
    m.tap("te_delete")
    m.tap("te_delete")
    assert m.panel.text == converted
    m.tap("te_clear")
    assert m.panel.text == ""


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_handwriting_pad_recognises_a_finger_written_character(mount: Mount, methods: InputMethods,
                                                               language: str) -> None:
    doc = json.loads(STROKES.read_text(encoding="utf-8"))
    m = mount(methods=methods, tr=Translator(language), mode="handwriting", text="老")
    m.draw(doc["characters"]["王"], doc["box"])
    assert len(m.panel.composition.strokes) == len(doc["characters"]["王"])
    m.screenshot(f"text-entry-handwriting-{language}")
    m.pick("王")
    assert m.panel.text == "老王" and not m.panel.composition.strokes
    m.draw(doc["characters"]["拉"][:2], doc["box"])
    m.tap("te_undo")
    assert len(m.panel.composition.strokes) == 1
    m.tap("te_clear")
    assert m.panel.text == "" and not m.panel.composition.strokes


def test_mode_switch_keeps_the_text(mount: Mount, methods: InputMethods) -> None:
    m = mount(methods=methods, tr=Translator("zh_CN"), mode="pinyin")
    m.type("laowang")
    m.pick("老王")
    m.tap("te_mode", "handwriting")
    assert m.panel.mode == "handwriting" and m.panel.text == "老王"
    m.tap("te_mode", "pinyin")
    assert m.panel.mode == "pinyin"


def test_touch_targets_are_at_least_60_design_pixels(mount: Mount, methods: InputMethods) -> None:
    from kiosk.ui import theme
    from kiosk.ui.widgets import KioskButton

    for mode in ("pinyin", "handwriting"):
        m = mount(methods=methods, tr=Translator("en"), mode=mode)
        m.type("laowang") if mode == "pinyin" else None
        m.ui.step(2)
        scale = theme.px(1)
        small = [(w.action, w.value, round(w.width / scale), round(w.height / scale)) for w in m.host.walk()
                 if isinstance(w, KioskButton) and (w.width < 60 * scale or w.height < 60 * scale)]
        assert not small, small


def test_pinyin_missing_leaves_handwriting_only(mount: Mount, methods: InputMethods) -> None:
    from kiosk.ui.touch import find_button

    only_pad = InputMethods(methods.options, handwriting=methods.handwriting,
                            errors={"pinyin": PinyinUnavailable("test")})
    m = mount(methods=only_pad, tr=Translator("zh_CN"), mode="pinyin")
    assert m.panel.mode == "handwriting"
    assert find_button(m.host, "te_mode") is None and find_button(m.host, "te_key") is None


def test_no_engine_at_all_says_so_in_plain_words(mount: Mount) -> None:
    m = mount(methods=None, tr=Translator("zh_CN"))
    assert m.panel.error is not None and m.panel.error.code == "textentry_unavailable"
    texts = [w.text for w in m.host.walk() if hasattr(w, "text") and w.text]
    assert any("请" in t for t in texts), texts


def test_a_rebuilt_panel_carries_on_with_the_kept_composition(mount: Mount, methods: InputMethods) -> None:
    m = mount(methods=methods, tr=Translator("zh_CN"), mode="pinyin")
    m.type("laowanglamian")
    m.pick("老王")
    kept = m.panel.composition
    m.close()
    again = mount(methods=methods, tr=Translator("zh_CN"), mode="pinyin", composition=kept)
    assert (again.panel.composition.chosen, again.panel.composition.letters) == ("老王", "lamian")
    again.pick("拉面")
    again.tap("te_done")
    assert again.done == ["老王拉面"]
