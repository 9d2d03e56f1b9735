"""The 字号 and the 行业 part on the form: the whole name (行政区划 + 字号 + 行业 + 组织形式)
previewed and checked while the applicant writes either with the kiosk's own Chinese input.

On the form the name shows as a card with its check and a "Write a name" button beside the
quick picks; the button opens the editor, which takes the whole screen above the staff bar: the
card (compact) over the pinyin keyboard / handwriting pad. The 行业 part (拉面 in 老王拉面馆) has
its own section under the industry pick: the industry's standard term and everyday wordings as
quick picks, and the same editor, with that part of the previewed name marked. The editor is never rebuilt while it
is open (a rebuilt pad would lose the ink of a half-written character): the app asks it to
update its card in place (``update_view``) when the flow changes, and rebuilds only if it says
it cannot.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.flow import form as form_rules
from kiosk.flow.states import State
from kiosk.i18n import N_
from kiosk.ui import theme
from kiosk.ui.messages import FORM_FIELDS, reason_text
from kiosk.ui.screens import Ctx
from kiosk.ui.theme import px
from kiosk.ui.widgets import Card, KioskButton, Text, grid

EDITOR = "name_editor"  # scratch: the field the open editor writes (trade_name, industry_term), else falsy
PANEL = "name_panel"  # scratch: the editor's last panel (its composition and mode carry over)
PANEL_FIELD = "name_panel_field"  # scratch: the field that panel wrote (a composition stays with its field)
FIELDS = ("trade_name", "industry_term")
MAX_LENGTH = {"trade_name": form_rules.TRADE_NAME_MAX, "industry_term": form_rules.INDUSTRY_TERM_MAX}

SEVERITY_LABEL = {
    "reject": N_("Not allowed"),
    "review": N_("Needs a check by staff"),
    "warn": N_("Please note"),
}
SEVERITY_COLOUR = {"reject": theme.ACCENT, "review": theme.PRIMARY_DARK, "warn": theme.PRIMARY_DARK}
STATUS = {
    "": N_("Choose the industry, the organisation form and the district too: then the whole name is checked."),
    "pending": N_("Checking the name..."),
    "checking": N_("Checking the name..."),
    "unavailable": N_("The name cannot be checked just now. It is checked when you submit."),
    "fine": N_("No problems found with this name."),
}


def _detail(tr: Any, finding: Any) -> str:
    if finding.code in ("name_taken", "name_homophone", "name_similar") and finding.suggestion:
        return tr("Already registered: {name}", name=finding.suggestion)
    if finding.suggestion:
        return tr("Write “{standard}” instead of “{written}”", standard=finding.suggestion, written=finding.text)
    if finding.text and finding.text.strip():
        return tr("Found: “{text}”", text=finding.text)
    return ""


def marked(full: str, form: dict[str, object], reference: Any) -> str:
    """The name as Kivy markup with its 行业 part underlined in the primary colour (it stands
    right before the organisation form at the end of the name)."""
    term = form_rules.industry_term(form, reference)
    tail = term + str(form.get("organisation_form") or "")
    if not term or not full.endswith(tail):
        return escape_markup(full)
    colour = "".join(f"{round(c * 255):02x}" for c in theme.PRIMARY[:3])
    head, rest = full[: len(full) - len(tail)], full[len(full) - len(tail):]
    return (f"{escape_markup(head)}[u][color={colour}]{escape_markup(term)}[/color][/u]"
            f"{escape_markup(rest[len(term):])}")


def fill_preview(card: BoxLayout, tr: Any, view: Any, form: dict[str, object], compact: bool,
                 field: str = "trade_name") -> None:
    """The whole name and what the service found, in the applicant's language. Compact (over the
    keyboard or pad, where every line counts): no heading, and the most serious finding only.
    Writing the 行业 part (``field``), the card says so and marks that part of the name."""
    card.clear_widgets()
    check = view.name_check
    trade = form.get("trade_name")
    full = (check.full_name if check is not None and check.full_name else
            form_rules.name_preview(form, view.reference)) if trade else ""
    if not compact:
        card.add_widget(Text(tr("Your shop's full name"), font=36, color=theme.MUTED))
    if field == "industry_term":
        # one line more than the 字号's card: the name a little smaller, so the keyboard keeps its room
        card.add_widget(Text(tr("What you do, underlined (e.g. 拉面):"), font=32,
                             color=theme.PRIMARY_DARK))
        card.add_widget(Text(marked(full, form, view.reference) if full else tr("(no trade name)"),
                             font=48, bold=True, color=theme.TEXT if full else theme.MUTED, markup=True))
    else:
        card.add_widget(Text(full or tr("(no trade name)"), font=52 if compact else 60, bold=True,
                             color=theme.TEXT if full else theme.MUTED))
    if not trade:
        return
    font = 32 if compact else 38
    # over the keyboard the card has two lines for what was found: the fix when there is one
    # (the standard character, the registered name), else the rule; the form shows everything
    lines = {"max_lines": 2} if compact else {}
    state = view.name_check_state
    if state == "done" and check is not None and check.findings:
        shown = check.findings[:1] if compact else check.findings
        for f in shown:
            label = tr(SEVERITY_LABEL.get(f.severity, SEVERITY_LABEL["warn"]))
            detail = _detail(tr, f)
            if compact and f.suggestion:
                line = tr("{label}: {reason}", label=label, reason=detail)
            else:
                line = tr("{label}: {reason}", label=label, reason=reason_text(tr, f.code))
                if detail and not compact:
                    line = tr("{text} ({detail})", text=line, detail=detail)
            if compact and len(check.findings) > 1:
                line += " " + tr("(and {count} more)", count=len(check.findings) - 1)
            card.add_widget(Text(line, font=font, color=SEVERITY_COLOUR.get(f.severity, theme.TEXT), **lines))
        return
    key = "fine" if state == "done" else state
    card.add_widget(Text(tr(STATUS.get(key, STATUS["pending"])), font=font,
                         color=theme.OK if key == "fine" else theme.MUTED, bold=key == "fine", **lines))


def _card(compact: bool) -> Card:
    card = Card(size_hint_y=None, padding=px(14 if compact else 32), spacing=px(4 if compact else 14))
    card.bind(minimum_height=card.setter("height"))
    return card


def name_section(ctx: Ctx, body: BoxLayout, suggestions: list[str]) -> None:
    """On the form: the label, the name card, "Write a name" and the quick picks."""
    tr = ctx.tr
    form = ctx.session.form
    label = FORM_FIELDS["trade_name"]
    body.add_widget(Text(tr(label), font=44, bold=True))
    card = _card(compact=False)
    fill_preview(card, tr, ctx.view, form, compact=False)
    body.add_widget(card)

    def open_editor(_action: str, _value: Any) -> None:
        ctx.scratch[EDITOR] = "trade_name"
        ctx.rerender()

    body.add_widget(KioskButton(tr("Write a name (keyboard or handwriting)"), "name_edit", None, open_editor,
                                color=theme.PRIMARY_DARK, font=42, height=140))
    body.add_widget(Text(tr("Or pick one:"), font=36, color=theme.MUTED))
    current = form.get("trade_name")
    picks = [KioskButton(n, "form_set", ("trade_name", n), ctx.touch, selected=n == current, font=36, height=120)
             for n in suggestions]
    picks.append(KioskButton(tr("No trade name"), "form_set", ("trade_name", ""), ctx.touch, selected=current == "",
                             font=36, height=120))
    body.add_widget(grid(3, picks))


def term_section(ctx: Ctx, body: BoxLayout) -> None:
    """On the form, under the industry: the 行业 part of the name, written or picked (the
    industry's standard term first). Nothing until an industry is chosen; an unnamed business
    has no name to word."""
    tr, form = ctx.tr, ctx.session.form
    suggestions = form_rules.industry_term_suggestions(form, ctx.view.reference)
    if not suggestions or not form.get("trade_name"):
        return
    heading = FORM_FIELDS["industry_term"]  # not inside tr(): extraction would take the key for a message
    body.add_widget(Text(tr(heading), font=44, bold=True))
    body.add_widget(Text(tr("What you sell or do, as the name says it, e.g. 拉面 in 老王拉面馆."), font=36,
                         color=theme.MUTED))

    def open_editor(_action: str, _value: Any) -> None:
        ctx.scratch[EDITOR] = "industry_term"
        ctx.rerender()

    body.add_widget(KioskButton(tr("Write it (keyboard or handwriting)"), "term_edit", None, open_editor,
                                color=theme.PRIMARY_DARK, font=42, height=140))
    current = form_rules.industry_term(form, ctx.view.reference)
    picks = [KioskButton(t, "form_set", ("industry_term", "" if i == 0 else t), ctx.touch, selected=t == current,
                         font=36, height=120)
             for i, t in enumerate(suggestions)]
    body.add_widget(grid(3, picks))


class NameEditor(BoxLayout):
    """The editor: name card over the text-entry panel, updated in place as the flow changes."""

    full_height = True  # screens.FULL_HEIGHT: the pad needs every pixel, the strip steps aside

    def __init__(self, ctx: Ctx, methods: Any) -> None:
        super().__init__(orientation="vertical", padding=(px(32), px(12), px(32), px(4)), spacing=px(8))
        from kiosk.ui.textentry import TextEntryPanel

        self.ctx = ctx
        self.language = ctx.tr.language
        chosen = ctx.scratch.get(EDITOR)
        self.field = chosen if chosen in FIELDS else "trade_name"
        form = ctx.session.form
        # the 行业 part starts as the name has it (the standard term until the applicant words it)
        text = (form_rules.industry_term(form, ctx.view.reference) if self.field == "industry_term"
                else str(form.get("trade_name") or ""))
        self.card = _card(compact=True)
        fill_preview(self.card, ctx.tr, ctx.view, form, compact=True, field=self.field)
        self.add_widget(self.card)
        old = ctx.scratch.get(PANEL)
        same = old is not None and ctx.scratch.get(PANEL_FIELD) == self.field
        self.panel = TextEntryPanel(
            methods, ctx.tr, self._done, text=text,
            max_length=MAX_LENGTH[self.field], on_change=self._changed,
            mode=old.mode if old is not None else None,
            composition=old.composition if same else None,
            pad_side=520, padding=(0, px(8)), spacing=px(8))
        ctx.scratch[PANEL], ctx.scratch[PANEL_FIELD] = self.panel, self.field
        self.add_widget(self.panel)

    def _current(self) -> str:
        form = self.ctx.session.form
        if self.field == "industry_term":
            return form_rules.industry_term(form, self.ctx.view.reference)
        return str(form.get("trade_name") or "")

    def _changed(self, text: str) -> None:
        """After every key and stroke: the new text, or (a letter typed, a stroke written) that
        the applicant is still there, so the form's idle timeout counts from now."""
        if text != self._current():
            self.ctx.touch("form_set", (self.field, text))
        else:
            self.ctx.touch("name_writing")

    def _done(self, text: str) -> None:
        self.ctx.scratch[EDITOR] = False
        self.ctx.scratch.pop(PANEL, None)
        self.ctx.touch("form_set", (self.field, text))
        self.ctx.rerender()

    def update_view(self, flow: Any) -> bool:
        """Show the flow's latest name and check without rebuilding; False: rebuild instead."""
        if flow.state is not State.FORM or flow.view.language != self.language or not self.ctx.scratch.get(EDITOR):
            return False
        self.ctx.view, self.ctx.session = flow.view, flow.session
        fill_preview(self.card, self.ctx.tr, flow.view, flow.session.form, compact=True, field=self.field)
        return True


def editor(ctx: Ctx, methods: Any) -> Widget:
    return NameEditor(ctx, methods)
