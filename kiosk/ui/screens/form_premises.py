"""The form's premises: the administrative division from the national list, one level at a time
(province, city, county, then the street or township), then road and room in the Chinese text
entry and the house number on the digit keypad.

The position in the division tree is UI-only (``ctx.scratch``); the form holds the registering
unit (``division_code``: a county, or a city without counties), the street's name and the typed
parts. English screens show each name's pinyin under it.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui import theme
from kiosk.ui.screens import Ctx
from kiosk.ui.widgets import Card, KioskButton, Text, grid

AT, EDITING = "division_at", "editing"
TEXT_FIELDS = {"road": 30, "room": 20}


def _name(ctx: Ctx, division: Any) -> str:
    if ctx.tr.language.startswith("zh"):
        return division.name
    return f"{division.name}\n{division.pinyin.title()}"


def section(ctx: Ctx, body: BoxLayout, national: Any) -> None:
    tr, form, ref = ctx.tr, ctx.session.form, national.ref
    county = str(form.get("division_code") or "")
    if county and not national.is_county(county):
        county = ""  # a sample-list code from an older form: choose again from the real list
    at = str(ctx.scratch.get(AT, county))
    body.add_widget(Text(tr("Premises"), font=44, bold=True))

    def go(_: str, code: str) -> None:
        ctx.scratch[AT] = code
        if national.is_county(code):
            ctx.touch("form_set", ("division_code", code))
            ctx.touch("form_set", ("street", ""))
        ctx.rerender()

    def pick_street(_: str, name: str) -> None:
        ctx.touch("form_set", ("street", name))

    path = ref.division_path(at)
    crumbs = [KioskButton(tr("Choose again"), "division_at", "", go, color=theme.UNSELECTED,
                          text_color=theme.TEXT, font=32, height=100)]
    crumbs += [KioskButton(_name(ctx, d), "division_at", d.code, go, color=theme.UNSELECTED, text_color=theme.TEXT,
                           font=32, height=130 if not ctx.tr.language.startswith("zh") else 100) for d in path]
    body.add_widget(grid(3, crumbs))

    if at and national.is_county(at):
        streets = national.children(at)
        if streets:
            body.add_widget(Text(tr("Street or township"), font=40, bold=True))
            chosen = form.get("street")
            body.add_widget(grid(3, [KioskButton(_name(ctx, s), "form_street", s.name, pick_street,
                                                 selected=s.name == chosen, font=32,
                                                 height=100 if ctx.tr.language.startswith("zh") else 130)
                                     for s in streets]))
        else:
            body.add_widget(Text(tr("This area has no street list: enter the road below."), font=36))
        _typed(ctx, body)
    else:
        title = tr("Province") if not at else tr("City or county")
        body.add_widget(Text(title, font=40, bold=True))
        body.add_widget(grid(3, [KioskButton(_name(ctx, d), "division_at", d.code, go, color=theme.UNSELECTED,
                                             text_color=theme.TEXT, font=32,
                                             height=100 if ctx.tr.language.startswith("zh") else 130)
                                 for d in national.children(at)]))


def _typed(ctx: Ctx, body: BoxLayout) -> None:
    """Road and room: a button showing the value, the text entry panel while it is edited."""
    from kiosk.ui.textentry import TextEntryPanel

    tr, form = ctx.tr, ctx.session.form
    labels = {"road": tr("Road or lane (e.g. 新威路)"), "room": tr("Building and room (optional)")}
    for field, limit in TEXT_FIELDS.items():
        body.add_widget(Text(labels[field], font=40, bold=True))
        value = str(form.get(field) or "")
        if ctx.scratch.get(EDITING) == field:
            def done(text: str, field: str = field) -> None:
                ctx.scratch.pop(EDITING, None)
                ctx.scratch.pop("composition", None)
                ctx.touch("form_set", (field, text))
                ctx.rerender()

            panel = TextEntryPanel(ctx.input_methods, tr, done, text=value, max_length=limit,
                                   composition=ctx.scratch.get("composition"), size_hint_y=None)
            ctx.scratch["composition"] = panel.composition
            panel.bind(minimum_height=panel.setter("height"))
            body.add_widget(panel)
        else:
            def edit(_: str, __: Any, field: str = field) -> None:
                ctx.scratch[EDITING] = field
                ctx.scratch.pop("composition", None)
                ctx.rerender()

            card = Card(size_hint_y=None)
            card.bind(minimum_height=card.setter("height"))
            card.add_widget(KioskButton(value or tr("Tap to write"), f"edit_{field}", None, edit,
                                        color=theme.UNSELECTED, text_color=theme.TEXT, font=44, height=130))
            body.add_widget(card)
