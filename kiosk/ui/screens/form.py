"""The application, prefilled from the chip: pick lists, the premises from the national division
list (road and room in the Chinese text entry), the business scope searched or browsed
(form_premises, form_scope), the 字号 written with the kiosk's Chinese input (name_entry: the whole
name previewed and checked as they write), the house number and an optional mobile number on
digit keypads."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from drivers.registry.models import ReferenceData
from kiosk.flow import form as form_rules
from kiosk.ui import theme
from kiosk.ui.messages import COMPOSITION, FORM_FIELDS
from kiosk.ui.screens import Ctx, form_premises, form_scope, name_entry
from kiosk.ui.screens.common import busy, button, cancel_button, pinned
from kiosk.ui.theme import px
from kiosk.ui.widgets import Card, KioskButton, Text, edit_keys, grid, keypad, scroller

PERMIT_NOTE = {"post": "(后置许可)", "prior": "(前置许可)"}


def mask_id(number: str) -> str:
    return number[:4] + "*" * max(len(number) - 8, 0) + number[-4:] if len(number) > 8 else "****"


def is_resident_number(identity: object) -> bool:
    """Is the operator's number a resident ID number (身份证号), or another card's number?"""
    found = form_rules.operator_document(identity)  # type: ignore[arg-type]
    return found is None or found[0] == form_rules.ID_RESIDENT


def localized(ctx: Ctx, zh: str, en: str) -> str:
    return zh if ctx.tr.language.startswith("zh") else en


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    ref: ReferenceData | None = ctx.view.reference
    identity = ctx.session.identity
    if ref is None or identity is None:
        return busy(tr("Loading the form..."), tr("One moment please."))
    form = ctx.session.form
    if ctx.scratch.get(name_entry.EDITOR):
        if ctx.input_methods_state == "opening":
            return busy(tr("Preparing the Chinese input..."), tr("One moment please."))
        return name_entry.editor(ctx, ctx.input_methods)
    national = ref.national
    if national is not None and ctx.scratch.get(form_scope.PICKER) == "scope":
        return form_scope.build_page(ctx, national)
    if national is not None and ctx.scratch.get(form_scope.PICKER) == "premises":
        return form_premises.build_page(ctx, national)
    body = BoxLayout(orientation="vertical", spacing=px(28), padding=px(48), size_hint_y=None)
    body.bind(minimum_height=body.setter("height"))
    body.add_widget(Text(tr("Your business"), font=64, bold=True, color=theme.PRIMARY_DARK))

    who = Card(size_hint_y=None)
    who.bind(minimum_height=who.setter("height"))
    who.add_widget(Text(tr("Operator: {name}", name=form_rules.operator_name(identity)), font=44, bold=True))
    number = mask_id(identity.personal_number or "")
    who.add_widget(Text(tr("ID number: {number}", number=number) if is_resident_number(identity)
                        else tr("Document number: {number}", number=number), font=36, color=theme.MUTED))
    body.add_widget(who)

    def pick(field: str, options: list[tuple[Any, str]], cols: int = 2, multi: bool = False) -> None:
        body.add_widget(Text(tr(FORM_FIELDS[field]), font=44, bold=True))
        current = form.get(field)
        buttons = []
        for value, label in options:
            chosen = value in (current or []) if multi else value == current
            new = (sorted(set(current or []) ^ {value}) if multi else value)
            buttons.append(KioskButton(label, "form_set", (field, new), ctx.touch, selected=chosen,
                                        font=36, height=120))
        body.add_widget(grid(cols, buttons))

    pick("composition", [(k, tr(v)) for k, v in COMPOSITION.items()])
    name_entry.name_section(ctx, body, form_rules.trade_name_suggestions(identity))
    pick("industry_code", [(code, localized(ctx, zh, en)) for code, zh, en in ref.industries])
    name_entry.term_section(ctx, body)
    pick("organisation_form", [(f, f) for f in ref.organisation_forms], cols=4)
    if national is not None:
        form_premises.summary(ctx, body, national)
    else:  # only the service's sample lists
        pick("division_code", [(d.code, localized(ctx, d.name_zh, d.name_en)) for d in ref.divisions])
        streets = [s for div, s in ref.streets if div == form.get("division_code")]
        if streets:
            pick("street", [(s, s) for s in streets])

    def digits(field: str, action: str, max_len: int, shown: str) -> None:
        """A field typed on its own keypad (its own action, so two keypads never mix)."""
        body.add_widget(Text(tr(FORM_FIELDS[field]), font=44, bold=True))

        def on_key(_: str, key: Any) -> None:
            value = str(ctx.session.form.get(field) or "")
            value = "" if key == "C" else value[:-1] if key == "<" else (value + key)[:max_len]
            ctx.touch("form_set", (field, value))

        display = Card(size_hint_y=None, height=px(130))
        display.add_widget(Text(shown, font=52, bold=True, halign="center"))
        body.add_widget(display)
        body.add_widget(keypad(on_key, action=action, height=110, **edit_keys(tr)))

    house = str(form.get("house_number") or "")
    digits("house_number", "key", 5, tr("No. {number}", number=house or "—"))

    if national is not None:
        form_scope.summary(ctx, body, national)
    else:
        scope = [(s.code, localized(ctx, s.name_zh, s.name_en) + PERMIT_NOTE.get(s.permit, ""))
                 for s in ref.scope_items]
        pick("scope_codes", scope, multi=True)
    digits("phone", "phone_key", 11, form_rules.phone_display(str(form.get("phone") or "")) or "—")

    # the problems and the way on stay in view below the scrolling form, whatever its length
    actions: list[Widget] = []
    for problem in ctx.view.form_problems:
        kind, _, field = problem.partition(":")
        label = tr(FORM_FIELDS.get(field, field))
        text = tr("Please choose: {field}", field=label) if kind == "missing" else tr(
            "Please check: {field}", field=label)
        actions.append(Text(text, font=38, color=theme.ACCENT))
    actions.append(button(ctx, tr("Next: check and confirm"), "form_done", color=theme.OK))
    actions.append(cancel_button(ctx))
    scroll = scroller()
    scroll.add_widget(body)
    return pinned(scroll, tuple(actions))
