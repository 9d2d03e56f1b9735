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


def form_picks(ref: ReferenceData) -> list[tuple[str, Any]]:
    """(field, value) in screen order; the street list depends on the district picked."""
    forms = list(ref.organisation_forms)
    division = ref.divisions[0].code
    return [
        ("industry_code", ref.industries[0][0]),
        ("organisation_form", "店" if "店" in forms else forms[0]),
        ("division_code", division),
        ("street", next(s for d, s in ref.streets if d == division)),
        ("house_number", HOUSE_NUMBER),
        ("scope_codes", [next(s.code for s in ref.scope_items if s.permit == "general")]),
    ]


def next_trade_name(identity: ChipIdentity | None, attempt: int) -> str | None:
    """After a 'name taken' rejection: the next suggestion, then no trade name; None when out of ideas."""
    options = [*trade_name_suggestions(identity), ""] if identity else [""]
    return options[attempt] if attempt < len(options) else None
