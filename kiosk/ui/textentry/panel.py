"""Chinese text entry for one field: pinyin keyboard or handwriting pad, candidates, edit keys.

Kivy's TextInput has no input-method support, so this panel is the kiosk's input method. It
edits a ``kiosk.textentry.Composition`` and calls ``on_done(text)`` when the applicant taps Done;
it knows nothing of the flow. Every touch target is a KioskButton with its own action
(``te_key``, ``te_candidate``, ``te_delete`` ...), so tests and the autopilot drive it with the
same synthetic touches as the rest of the kiosk. Sizes are design pixels at 1080x1920: keys
and candidates are at least 86 px wide and 110 px high, labels in plain words, dark on light.

English-mode screens show each candidate's pinyin under it: applicants who read pinyin but not
characters can still pick the right one. A mode whose engine failed to start is simply not
offered; with no engine at all the panel says so (``textentry_unavailable``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.i18n import N_
from kiosk.textentry.composition import Composition
from kiosk.textentry.errors import EngineFailed, NoInputMethod, TextEntryError
from kiosk.textentry.methods import InputMethods
from kiosk.ui import theme
from kiosk.ui.messages import error_text
from kiosk.ui.textentry.pad import HandwritingPad
from kiosk.ui.theme import font_px, px
from kiosk.ui.widgets import Card, KioskButton, Text

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
COLUMNS = 4  # candidates per row: two rows make a page

LABELS = {
    "pinyin": N_("Pinyin"),
    "handwriting": N_("Handwriting"),
    "delete": N_("Delete"),
    "clear": N_("Clear all"),
    "space": N_("Space"),
    "undo": N_("Undo stroke"),
    "done": N_("Done"),
    "previous": N_("Previous"),
    "next": N_("More"),
    "hint_pinyin": N_("Type the pinyin, then tap the right characters below."),
    "hint_handwriting": N_("Write one character in the box with your finger, then tap it below."),
    "hint_choose": N_("Tap the right characters below, or keep typing."),
    "hint_choose_handwriting": N_("Tap the right character below, or keep writing."),
    "no_match": N_("No characters for this spelling. Check it, or tap Delete."),
    "full": N_("This field is full."),
    "empty": N_("(nothing entered yet)"),
}


class TextEntryPanel(BoxLayout):
    """One field's text entry.

    ``methods`` from ``kiosk.textentry.methods.open_input_methods`` (None: no engine works, the
    panel says so); ``tr`` the screen's translator (its ``language`` decides whether pinyin is
    shown beside candidates, unless ``show_pinyin`` says); ``on_done(text)`` when Done is tapped;
    ``on_change(text)`` after every key; ``text`` and ``max_length`` the field's value and limit;
    ``mode`` "pinyin" or "handwriting" (the first available one otherwise); ``composition`` one
    kept from an earlier panel to carry on where it was; ``pad_side`` the handwriting pad's side.
    """

    def __init__(self, methods: InputMethods | None, tr: Callable[..., str], on_done: Callable[[str], None],
                 text: str = "", max_length: int | None = None, mode: str | None = None,
                 on_change: Callable[[str], None] | None = None, show_pinyin: bool | None = None,
                 font_name: str | None = None, composition: Composition | None = None,
                 pad_side: float = 720, **kw: Any) -> None:
        kw.setdefault("orientation", "vertical")
        kw.setdefault("spacing", px(20))
        kw.setdefault("padding", px(36))
        super().__init__(**kw)
        self.tr, self.on_done, self.on_change = tr, on_done, on_change
        self.pad_side = pad_side  # design pixels: a host that shows more above the pad asks for less
        self.methods = methods
        self._font = {"font_name": font_name} if font_name else {}
        language = getattr(tr, "language", "zh_CN")
        self.show_pinyin = (not language.startswith("zh")) if show_pinyin is None else show_pinyin
        self.error: TextEntryError | None = None
        if methods is None or not methods.modes:
            self.composition = Composition(max_length=max_length or 30, text=text)
            self.mode = ""
            self._show_error(NoInputMethod())
            return
        # a screen rebuilt on every flow change passes the composition it kept, so letters typed
        # and candidates chosen survive the rebuild
        self.composition = composition or methods.composition(text, max_length)
        self.mode = mode if mode in methods.modes else methods.modes[0]
        self._build()

    # -- layout ------------------------------------------------------------------------------
    def _label(self, key: str) -> str:
        return self.tr(LABELS[key])

    def _button(self, text: str, action: str, value: Any = None, **kw: Any) -> KioskButton:
        kw.setdefault("color", theme.UNSELECTED)
        kw.setdefault("text_color", theme.TEXT)
        kw.setdefault("font", 40)
        kw.setdefault("height", 120)
        return KioskButton(text, action, value, self._on_action, **self._font, **kw)

    def _build(self) -> None:
        self.clear_widgets()
        self.display = Card(size_hint_y=None, height=px(170), padding=px(24))
        self.display_label = Label(markup=True, font_size=font_px(64), color=theme.shade(theme.TEXT), halign="left",
                                   valign="middle", shorten=False, **self._font)
        self.display_label.bind(size=lambda w, *_: setattr(w, "text_size", w.size))
        self.display.add_widget(self.display_label)
        self.add_widget(self.display)
        self.hint = Text("", font=36, color=theme.MUTED, **self._font)
        self.add_widget(self.hint)
        self.candidate_height = 170 if self.show_pinyin else 130
        self.candidate_bar = GridLayout(cols=COLUMNS, spacing=px(12), size_hint_y=None,
                                        height=px(2 * self.candidate_height + 12))
        self.add_widget(self.candidate_bar)
        self.pager = BoxLayout(size_hint_y=None, height=px(100), spacing=px(12))
        self.add_widget(self.pager)
        self.add_widget(self._keyboard() if self.mode == "pinyin" else self._pad_area())
        self.add_widget(self._actions())
        self.add_widget(Widget())  # takes what is left, so the panel starts at the top
        self._refresh()

    def _keyboard(self) -> Widget:
        box = BoxLayout(orientation="vertical", spacing=px(12), size_hint_y=None)
        for row in ROWS:
            line = BoxLayout(spacing=px(10), size_hint_y=None, height=px(120))
            if len(row) < 10:
                line.add_widget(Widget(size_hint_x=(10 - len(row)) / 2))
            for k in row:
                label = f"v [size={int(px(30))}]ü[/size]" if k == "v" else k
                line.add_widget(self._button(label, "te_key", k, font=52, markup=True))
            if len(row) < 10:
                line.add_widget(Widget(size_hint_x=(10 - len(row)) / 2))
            box.add_widget(line)
        box.height = px(4 * 120 + 3 * 12)
        return box

    def _pad_area(self) -> Widget:
        side = px(self.pad_side)
        anchor = AnchorLayout(size_hint_y=None, height=side)
        self.pad = HandwritingPad(self._on_stroke, size_hint=(None, None), size=(side, side))
        anchor.add_widget(self.pad)
        return anchor

    def _actions(self) -> Widget:
        row = BoxLayout(spacing=px(12), size_hint_y=None, height=px(130))
        other = [m for m in (self.methods.modes if self.methods else ()) if m != self.mode]
        for m in other:
            row.add_widget(self._button(self._label(m), "te_mode", m, color=theme.PRIMARY_DARK, font=36,
                                        text_color=(1, 1, 1, 1), height=130, size_hint_x=1.5))
        if self.mode == "pinyin":
            row.add_widget(self._button(self._label("space"), "te_space", height=130, font=36))
        else:
            row.add_widget(self._button(self._label("undo"), "te_undo", height=130, font=36, size_hint_x=1.2))
        row.add_widget(self._button("← " + self._label("delete"), "te_delete", height=130, font=36,
                                    size_hint_x=1.2))
        row.add_widget(self._button(self._label("clear"), "te_clear", height=130, font=36, size_hint_x=1.2))
        row.add_widget(self._button(self._label("done"), "te_done", color=theme.OK, text_color=(1, 1, 1, 1),
                                    height=130, font=40, size_hint_x=1.2))
        return row

    # -- state -> screen ---------------------------------------------------------------------
    def _refresh(self) -> None:
        comp = self.composition
        shown = _escape(comp.text)
        if comp.chosen:
            shown += f"[color={_hex(theme.OK)}][u]{_escape(comp.chosen)}[/u][/color]"
        if comp.letters:
            shown += f" [color={_hex(theme.PRIMARY)}][u]{_escape(comp.letters)}[/u][/color]"
        if not shown:
            shown = "[color={}][size={}]{}[/size][/color]".format(_hex(theme.MUTED), int(px(40)),
                                                                  _escape(self._label("empty")))
        self.display_label.text = shown
        try:
            page = comp.current_page()
        except EngineFailed as e:
            self._show_error(e)
            return
        if comp.full and not comp.composing:
            hint = "full"
        elif comp.composing and not page.items:
            hint = "no_match" if comp.letters else "hint_handwriting"
        elif comp.composing:
            hint = "hint_choose" if comp.letters else "hint_choose_handwriting"
        else:
            hint = "hint_pinyin" if self.mode == "pinyin" else "hint_handwriting"
        self.hint.text = self._label(hint)
        self.hint.color = theme.ACCENT if hint in ("no_match", "full") else theme.MUTED
        self.candidate_bar.clear_widgets()
        for i, cand in enumerate(page.items):
            label = _escape(cand.text)
            if self.show_pinyin and cand.pinyin:
                label += f"\n[size={int(px(28))}]{_escape(cand.pinyin)}[/size]"
            font = 56 if len(cand.text) <= 2 else 48 if len(cand.text) <= 4 else 40
            self.candidate_bar.add_widget(self._button(label, "te_candidate", page.first_index + i, font=font,
                                                       height=self.candidate_height, markup=True,
                                                       color=theme.SURFACE))
        self.pager.clear_widgets()
        if page.has_previous or page.has_next:
            self.pager.add_widget(self._button("◀ " + self._label("previous"), "te_page", -1, height=100,
                                               disabled=not page.has_previous))
            self.pager.add_widget(self._button(self._label("next") + " ▶", "te_page", 1, height=100,
                                               disabled=not page.has_next))
        if self.on_change is not None:
            self.on_change(comp.text)

    def _show_error(self, error: TextEntryError) -> None:
        self.error = error
        self.clear_widgets()
        self.add_widget(Text(error_text(self.tr, error.code), font=44, color=theme.ACCENT, **self._font))

    # -- input -------------------------------------------------------------------------------
    def _on_stroke(self, points: list[tuple[float, float]], size: tuple[float, float]) -> None:
        if not self.composition.add_stroke(points, size):
            self.pad.undo()
        self._refresh()

    def _on_action(self, action: str, value: Any) -> None:
        comp = self.composition
        if action == "te_key":
            if value.isdigit():
                comp.insert(value)
            else:
                comp.type_letter(value)
        elif action == "te_candidate":
            comp.choose(int(value))
            if self.mode == "handwriting":
                self.pad.wipe()
        elif action == "te_page":
            _ = comp.next_page() if value > 0 else comp.previous_page()
        elif action == "te_delete":
            had = len(comp.strokes)
            comp.delete()
            if self.mode == "handwriting" and len(comp.strokes) < had:
                self.pad.undo()
        elif action == "te_undo":
            if comp.undo_stroke():
                self.pad.undo()
        elif action == "te_clear":
            comp.clear()
            if self.mode == "handwriting":
                self.pad.wipe()
        elif action == "te_space":
            comp.space()
        elif action == "te_mode":
            self.set_mode(value)
            return
        elif action == "te_done":
            self.on_done(comp.finish())
            if self.mode == "handwriting":
                self.pad.wipe()
        self._refresh()

    def set_mode(self, mode: str) -> None:
        """Switch between "pinyin" and "handwriting"; the text entered so far stays."""
        if self.methods is None or mode not in self.methods.modes or mode == self.mode:
            return
        self.composition.discard_pending()
        self.mode = mode
        self._build()

    @property
    def text(self) -> str:
        return self.composition.text


def _hex(rgba: tuple) -> str:
    return "".join(f"{round(c * 255):02x}" for c in rgba[:3])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")
