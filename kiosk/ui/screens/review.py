from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.flow import form as form_rules
from kiosk.ui import theme
from kiosk.ui.messages import COMPOSITION
from kiosk.ui.screens import Ctx, form_scope
from kiosk.ui.screens.common import button, cancel_button, page
from kiosk.ui.screens.form import is_resident_number, localized, mask_id
from kiosk.ui.widgets import Card, Text, grid


def proposed_name(ctx: Ctx) -> str:
    """行政区划 + 字号 + 行业 + 组织形式, as the authority will compose it."""
    ref, form = ctx.view.reference, ctx.session.form
    code = str(form.get("division_code") or "")
    division = next((d.name_zh for d in ref.divisions if d.code == code), "")
    if ref.national is not None and code in ref.national.ref.divisions:
        division = ref.national.ref.name_prefix(code)
    industry = form_rules.industry_term(form, ref)
    trade = form.get("trade_name") or ""
    return f"{division}{trade}{industry}{form.get('organisation_form', '')}" if trade else ""


def build(ctx: Ctx) -> Widget:
    tr, form, ref = ctx.tr, ctx.session.form, ctx.view.reference
    identity = ctx.session.identity
    assert identity is not None and ref is not None
    national = ref.national
    codes = list(form.get("scope_codes", []))
    scope = [localized(ctx, s.name_zh, s.name_en) for s in ref.scope_items if s.code in codes]
    premises = form_rules.premises(form)
    if national is not None:
        # the printed wording first; in English its English name (or pinyin) under it
        scope += [form_scope.label(ctx, national, national.ref.scope[c]) for c in codes if c in national.ref.scope]
        if national.is_county(str(form.get("division_code") or "")):
            premises = national.ref.name_prefix(str(form["division_code"])) + premises
    rows = [
        (tr("Name"), proposed_name(ctx) or tr("(no trade name)")),
        (tr("Operator"), form_rules.operator_name(identity)),
        (tr("ID number") if is_resident_number(identity) else tr("Document number"),
         mask_id(identity.personal_number or "")),
        (tr("Who runs the business"), tr(COMPOSITION.get(str(form.get("composition")), ""))),
        (tr("Premises"), premises),
        (tr("Business scope"), ("\n" if national is not None else "、").join(scope)),
    ]
    if form.get("phone"):
        rows.append((tr("Mobile phone"), form_rules.phone_display(str(form["phone"]))))
    card = Card(size_hint_y=None)
    card.bind(minimum_height=card.setter("height"))
    for label, value in rows:
        card.add_widget(Text(label, font=34, color=theme.MUTED))
        card.add_widget(Text(value or "—", font=44, bold=True))  # an empty label collapses oddly
    notes: list[Widget] = []
    if ctx.view.confirm_name:  # a rare character, or a name that fills the card's field
        notes.append(Text(tr("Check that your name above is exactly as on your ID card. If a character is "
                             "wrong or missing, tap \"Ask for staff\"."), font=40, bold=True, color=theme.PRIMARY_DARK))
    return page(
        tr("Check your application"),
        *notes,
        card,
        actions=(button(ctx, tr("Confirm and submit"), "confirm", color=theme.OK),
                 grid(2, [button(ctx, tr("Change my answers"), "edit", color=theme.UNSELECTED,
                                 text_color=theme.TEXT, height=120, font=38), cancel_button(ctx)])),
    )
