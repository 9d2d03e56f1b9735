"""The five steps between the header and the screen, with the time left (kiosk/flow/progress.py).

Each step is a numbered circle over its name. A done step has a check mark, the current one a
filled circle, a bold name and a bar under it (not colour alone: an applicant who cannot tell blue
from grey still sees which), a step to come an outlined circle and a muted name that stays readable.
The steps share the width equally when every name fits its fifth (Chinese), else each gets its
name's width plus an equal share of what is left (English: "Collect licence" is long, "Fill in"
short), so that the strip stays one line of names tall; only where even that is too narrow do the
names wrap, onto a second line rather than into the next step.
"""

from __future__ import annotations

from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.flow.progress import STEPS, Progress, Step
from kiosk.i18n import N_, Translator
from kiosk.ui import theme
from kiosk.ui.theme import px
from kiosk.ui.widgets import Text, fill

STEP_LABELS = {
    Step.READ_ID: N_("Read ID"),
    Step.FACE_CHECK: N_("Face check"),
    Step.FILL_IN: N_("Fill in"),
    Step.CONFIRM: N_("Confirm"),
    Step.COLLECT: N_("Collect licence"),
}
FONT = 36  # design px: the smallest text on the kiosk a reader with reading glasses meets
MARKER = 60
BAR = 8
GAP = 16  # design px between two names
BACKGROUND = theme.SURFACE
# (label colour, marker fill, marker text colour) per status; contrast checked in the tests
STYLE = {
    "done": (theme.TEXT, theme.OK, (1, 1, 1, 1)),
    "current": (theme.PRIMARY_DARK, theme.PRIMARY, (1, 1, 1, 1)),
    "todo": (theme.MUTED, BACKGROUND, theme.MUTED),
}


def time_left_text(tr: Translator, progress: Progress) -> str:
    if progress.time_left is None:
        return ""
    minutes = progress.time_left.minutes
    if minutes == 0:
        return tr("Less than 1 min left")
    return tr("About {minutes} min left", minutes=minutes)


class StepMarker(Label):
    """The circle with the step's number, or a check mark once it is done."""

    def __init__(self, text: str, status: str) -> None:
        # theme.shade and font_px: the elderly mode's palette and text size, as every text has
        _, fill_rgba, text_rgba = (theme.shade(c) for c in STYLE[status])
        side = theme.font_px(MARKER)
        super().__init__(text=text, font_size=theme.font_px(FONT), bold=True, color=text_rgba,
                         size_hint=(None, None), size=(side, side), pos_hint={"center_x": 0.5})
        with self.canvas.before:
            Color(*fill_rgba)
            self._disc = Ellipse()
            Color(*(text_rgba if status == "todo" else fill_rgba))  # a step to come: only its outline
            self._ring = Line(width=max(1.0, px(3)))
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_: Any) -> None:
        self._disc.pos, self._disc.size = self.pos, self.size
        inset = px(3)
        self._ring.ellipse = (self.x + inset, self.y + inset, self.width - 2 * inset, self.height - 2 * inset)


class StepCell(BoxLayout):
    """One step: marker, name and, for the current step, the bar under the name."""

    def __init__(self, step: Step, number: int, status: str, tr: Translator) -> None:
        super().__init__(orientation="vertical", spacing=px(6), size_hint_y=None, pos_hint={"top": 1})
        self.step, self.status = step, status
        self.bind(minimum_height=self.setter("height"))
        self.marker = StepMarker("✓" if status == "done" else str(number), status)
        self.add_widget(self.marker)
        self.label = Text(tr(STEP_LABELS[step]), font=FONT, color=STYLE[status][0], bold=status == "current",
                          halign="center")
        self.add_widget(self.label)
        bar = Widget(size_hint=(0.7, None), height=px(BAR), pos_hint={"center_x": 0.5})
        if status == "current":
            fill(bar, theme.PRIMARY)
        self.add_widget(bar)

    def natural_width(self) -> float:
        """The name on one line (measured bold, the widest it is drawn), or the marker if wider."""
        return max(self._measure(self.label.text), theme.font_px(MARKER))

    def word_width(self) -> float:
        """The name's longest word: narrower than this, the name breaks inside a word."""
        return max([self._measure(word) for word in self.label.text.split()] + [theme.font_px(MARKER)])

    def _measure(self, text: str) -> float:
        line = CoreLabel(text=text, font_size=self.label.font_size, bold=True)
        line.refresh()
        return float(line.texture.size[0])


class ProgressStrip(BoxLayout):
    """The strip: five cells in a row and the estimate under them; as tall as its text needs."""

    def __init__(self, progress: Progress, tr: Translator, **kw: Any) -> None:
        super().__init__(orientation="vertical", size_hint_y=None, padding=(px(24), px(12), px(24), px(8)),
                         spacing=px(2), **kw)
        self.progress = progress
        self.bind(minimum_height=self.setter("height"))
        with self.canvas.before:
            Color(*BACKGROUND)
            self._bg = Rectangle()
            Color(*theme.UNSELECTED)
            self._rule = Rectangle()
        self.bind(pos=self._redraw, size=self._redraw)
        self.row = BoxLayout(orientation="horizontal", spacing=px(GAP), size_hint_y=None)
        self.cells = [StepCell(step, i + 1, progress.status(step), tr) for i, step in enumerate(STEPS)]
        self._natural = [cell.natural_width() for cell in self.cells]
        self._words = [cell.word_width() for cell in self.cells]
        for cell in self.cells:
            self.row.add_widget(cell)
            cell.bind(height=self._fit_row)
        self.row.bind(width=self._share_width)
        self.add_widget(self.row)
        self.time_label = Text(time_left_text(tr, progress), font=FONT, color=theme.TEXT, halign="center")
        if self.time_label.text:
            self.add_widget(self.time_label)

    def _share_width(self, *_: Any) -> None:
        room = self.row.width - self.row.spacing * (len(self.cells) - 1)
        n = len(self.cells)
        if max(self._natural) <= room / n:  # equal fifths: every name fits on one line
            widths = None
        elif sum(self._natural) <= room:  # each name on one line, the spare room shared
            widths = [w + (room - sum(self._natural)) / n for w in self._natural]
        elif sum(self._words) <= room:  # names wrap between words, never inside one ("Confir m")
            widths = [w + (room - sum(self._words)) / n for w in self._words]
        else:  # not even the longest words fit side by side: equal fifths, Kivy breaks them
            widths = None
        for i, cell in enumerate(self.cells):
            if widths is None:
                cell.size_hint_x = 1
            else:
                cell.size_hint_x, cell.width = None, widths[i]

    def _fit_row(self, *_: Any) -> None:
        self.row.height = max(cell.height for cell in self.cells)

    def _redraw(self, *_: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        self._rule.pos, self._rule.size = self.pos, (self.width, max(1.0, px(2)))

    @property
    def current(self) -> StepCell:
        return next(cell for cell in self.cells if cell.status == "current")
