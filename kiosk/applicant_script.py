"""What the scripted demo applicant picks on the form: shared by the UI autopilot and headless runs."""

from __future__ import annotations

from typing import Any

from drivers.idcard.base import ChipIdentity
from drivers.registry.models import ReferenceData
from kiosk.flow.form import trade_name_suggestions

HOUSE_NUMBER = "8"
# The 字号 the demo applicant writes: 老 typed as pinyin and picked, 王 written on the pad.
NAME_PINYIN = ("lao", "老")
NAME_HANDWRITTEN = "王"
# ... in a noodle shop: the name's 行业 part typed as pinyin and picked, under the form 馆 (老王拉面馆)
INDUSTRY = "餐饮"
INDUSTRY_TERM_PINYIN = ("lamian", "拉面")
ORGANISATION_FORM = "馆"
TYPED_FIELDS = ("industry_term",)  # the autopilot writes these in the editor instead of picking them
# on the national form: the scope found by its pinyin initials, the address picked level by
# level, the road written by pinyin (letters, then the candidate with that text)
SCOPE_SEARCH = ("rybh", "C006")  # 日用百货销售, 一般项目
PREMISES = (("370000", "371000", "371002"), "鲸园街道", ("renminlu", "人民路"))
NATIONAL_FIELDS = ("division_code", "street", "scope_codes")  # chosen on the pages, not from pick lists


def form_picks(ref: ReferenceData) -> list[tuple[str, Any]]:
    """(field, value) in screen order; the street list depends on the district picked."""
    forms = list(ref.organisation_forms)
    division = ref.divisions[0].code
    industry = next((code for code, zh, _en in ref.industries if zh == INDUSTRY), ref.industries[0][0])
    return [
        ("industry_code", industry),
        ("industry_term", INDUSTRY_TERM_PINYIN[1] if industry != ref.industries[0][0] else ""),
        ("organisation_form", ORGANISATION_FORM if ORGANISATION_FORM in forms else forms[0]),
        ("division_code", division),
        ("street", next(s for d, s in ref.streets if d == division)),
        ("house_number", HOUSE_NUMBER),
        ("scope_codes", [next(s.code for s in ref.scope_items if s.permit == "general")]),
    ]


def national_steps(ref: ReferenceData) -> list[tuple[str, Any]]:
    """Autopilot steps for the form's scope and premises pages when the national data is loaded:
    ("tap", (action, value)), ("candidate", text), ("wait", s), ("shot", label)."""
    if ref.national is None:
        return []
    letters, item = SCOPE_SEARCH
    levels, street, (road_letters, road) = PREMISES
    steps: list[tuple[str, Any]] = [("tap", ("open_picker", "scope"))]
    steps += [("tap", ("scope_letter", ch)) for ch in letters]
    steps += [("tap", ("scope_toggle", item)), ("wait", 0.2), ("shot", "form-scope"), ("tap", ("picker_done", None)),
              ("tap", ("open_picker", "premises"))]
    # "choose again" first: the page may open at the district of the card's address
    steps += [("tap", ("division_at", ""))] + [("tap", ("division_at", code)) for code in levels]
    steps += [("tap", ("form_street", street)), ("tap", ("edit_road", "road"))]
    steps += [("tap", ("te_key", ch)) for ch in road_letters]
    steps += [("candidate", road), ("wait", 0.1), ("tap", ("te_done", None)), ("wait", 0.2), ("shot", "form-premises"),
              ("tap", ("picker_done", None)), ("wait", 0.1)]
    return steps


def next_trade_name(identity: ChipIdentity | None, attempt: int) -> str | None:
    """After a 'name taken' rejection: the next suggestion, then no trade name; None when out of ideas."""
    options = [*trade_name_suggestions(identity), ""] if identity else [""]
    return options[attempt] if attempt < len(options) else None
