"""The form's premises: a summary on the form, and a page of its own where the applicant picks the
administrative division from the national list one level at a time (province, city, county, then
the street or township) and writes the road and the room with the Chinese text entry panel. The
house number stays on the form's digit keypad.

The page and the position in the division tree are UI-only (``ctx.scratch``); the form holds the
registering unit (``division_code``: a county, or a city without counties), the street's name and
the written parts. English screens show each name's pinyin under it.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.widget import Widget

from kiosk.flow import form as form_rules
from kiosk.ui import theme
from kiosk.ui.screens import FULL_HEIGHT, Ctx
from kiosk.ui.screens.common import page
from kiosk.ui.screens.form_scope import PICKER, english, open_page
from kiosk.ui.widgets import Card, KioskButton, Text, grid

AT, EDITING, COMPOSITION, HINT = "division_at", "editing", "composition", "premises_hint"
TEXT_FIELDS = {"road": 30, "room": 20}


# the usual English for a division's type; the stem is written in pinyin (威海市 -> Weihai City)
SUFFIXES = (("特别行政区", "SAR"), ("自治区", "Autonomous Region"), ("自治州", "Autonomous Prefecture"),
            ("自治县", "Autonomous County"), ("街道", "Subdistrict"), ("地区", "Prefecture"), ("省", "Province"),
            ("市", "City"), ("区", "District"), ("县", "County"), ("旗", "Banner"), ("盟", "League"),
            ("镇", "Town"), ("乡", "Township"))


def english_name(name: str, pinyin: str) -> str:
    """北京市 -> Beijing City, 鲸园街道 -> Jingyuan Subdistrict; other names as one pinyin word."""
    syllables = pinyin.split()
    for suffix, word in SUFFIXES:
        stem = syllables[: len(syllables) - len(suffix)]
        if name.endswith(suffix) and len(syllables) == len(name) and stem:
            return "".join(stem).capitalize() + " " + word
    return "".join(syllables).capitalize()


def _name(ctx: Ctx, division: Any) -> str:
    return f"{division.name}\n{english_name(division.name, division.pinyin)}" if english(ctx) else division.name


def _county(ctx: Ctx, national: Any) -> str:
    code = str(ctx.session.form.get("division_code") or "")
    return code if national.is_county(code) else ""  # a sample-list code: chosen again from the list


def address(ctx: Ctx, national: Any) -> str:
    """The premises as the licence will print them (the registering unit's names first)."""
    county = _county(ctx, national)
    if not county:
        return ""
    form = ctx.session.form
    number = form.get("house_number")
    tail = form_rules.premises(form) if number else f"{form.get('street') or ''}{form.get('road') or ''}"
    return national.ref.name_prefix(county) + tail


def summary(ctx: Ctx, body: Any, national: Any) -> None:
    tr = ctx.tr
    body.add_widget(Text(tr("Premises"), font=44, bold=True))
    shown = address(ctx, national)
    if shown:
        card = Card(size_hint_y=None)
        card.bind(minimum_height=card.setter("height"))
        card.add_widget(Text(shown, font=44, bold=True))
        body.add_widget(card)
    body.add_widget(KioskButton(tr("Change the address") if shown else tr("Choose the address"),
                                "open_picker", "premises", lambda _a, v: open_page(ctx, v), font=40, height=130))


def build_page(ctx: Ctx, national: Any) -> Widget:
    tr, form = ctx.tr, ctx.session.form
    editing = ctx.scratch.get(EDITING)
    if editing in TEXT_FIELDS:
        return _write(ctx, str(editing))
    at = str(ctx.scratch.get(AT, _county(ctx, national)))

    def go(_: str, code: str) -> None:
        ctx.scratch[AT] = code
        if national.is_county(code) and code != form.get("division_code"):
            ctx.touch("form_set", ("division_code", code))
            ctx.touch("form_set", ("street", ""))
        ctx.rerender()

    def place(code: str, text: str, selected: bool = False) -> KioskButton:
        return KioskButton(text, "division_at", code, go, selected=selected, font=36,
                           height=150 if english(ctx) else 110)

    crumbs = [place("", tr("Choose again"))] + [place(d.code, _name(ctx, d), True)
                                                for d in national.ref.division_path(at)]
    parts: list[Widget] = [grid(2, crumbs)]
    if at and national.is_county(at):
        parts += _street_and_road(ctx, national, at)
    else:
        parts.append(Text(tr("Province") if not at else tr("City or county"), font=44, bold=True))
        parts.append(grid(2 if english(ctx) else 3, [place(d.code, _name(ctx, d)) for d in national.children(at)]))
    if ctx.scratch.get(HINT):
        parts.append(Text(tr("Please choose the street or township."), font=40, color=theme.ACCENT))
    parts.append(KioskButton(tr("Done"), "picker_done", None, lambda *_: _close(ctx, national, at), color=theme.OK,
                             font=48, height=150))
    return page(tr("Premises"), *parts)


def _street_and_road(ctx: Ctx, national: Any, county: str) -> list[Widget]:
    tr, form = ctx.tr, ctx.session.form
    parts: list[Widget] = []
    streets = national.children(county)

    def pick_street(_: str, name: str) -> None:
        ctx.scratch.pop(HINT, None)
        ctx.touch("form_set", ("street", name))
    if streets:
        parts.append(Text(tr("Street or township"), font=44, bold=True))
        parts.append(grid(2 if english(ctx) else 3, [
            KioskButton(_name(ctx, s), "form_street", s.name, pick_street,
                        selected=s.name == form.get("street"), font=36, height=150 if english(ctx) else 110)
            for s in streets
        ]))
    else:
        parts.append(Text(tr("This area has no street list: enter the road below."), font=38))
    labels = {"road": tr("Road or lane (e.g. 新威路)"), "room": tr("Building and room (optional)")}

    def edit(_: str, field: str) -> None:
        ctx.scratch[EDITING] = field
        ctx.scratch.pop(COMPOSITION, None)
        ctx.rerender()

    for field in TEXT_FIELDS:
        parts.append(Text(labels[field], font=44, bold=True))
        value = str(form.get(field) or "")
        parts.append(KioskButton(value or tr("Tap to write"), f"edit_{field}", field, edit,
                                 color=theme.SURFACE, text_color=theme.TEXT if value else theme.MUTED,
                                 font=48 if value else 40, height=130))
    return parts


def _write(ctx: Ctx, field: str) -> Widget:
    """The road or the room, on the text entry panel alone: nothing else on the page to mistap."""
    from kiosk.ui.textentry import TextEntryPanel

    tr = ctx.tr

    def done(text: str) -> None:
        ctx.scratch.pop(EDITING, None)
        ctx.scratch.pop(COMPOSITION, None)
        ctx.touch("form_set", (field, text))
        ctx.rerender()

    panel = TextEntryPanel(ctx.input_methods, tr, done, text=str(ctx.session.form.get(field) or ""),
                           max_length=TEXT_FIELDS[field], composition=ctx.scratch.get(COMPOSITION),
                           size_hint_y=None, padding=0)
    ctx.scratch[COMPOSITION] = panel.composition
    panel.bind(minimum_height=panel.setter("height"))
    title = tr("Road or lane (e.g. 新威路)") if field == "road" else tr("Building and room (optional)")
    view = page(title, panel)
    setattr(view, FULL_HEIGHT, True)  # the keyboard and its Done button whole, without the progress strip
    return view


def _close(ctx: Ctx, national: Any, at: str) -> None:
    """Back to the form; not while a county with a street list has none chosen."""
    if national.is_county(at) and national.children(at) and not ctx.session.form.get("street"):
        ctx.scratch[HINT] = True
    else:
        for key in (PICKER, AT, EDITING, COMPOSITION, HINT):
            ctx.scratch.pop(key, None)
    ctx.rerender()
