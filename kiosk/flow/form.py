"""The application form as data: prefill from the chip, pick-list suggestions, local checks.

The registration service is the authority on every rule; these checks only catch what an applicant
can fix on this screen before a round trip (a missing pick, a malformed house number).
"""

from __future__ import annotations

import re

from drivers.idcard.base import ChipIdentity
from drivers.registry.models import Application

REQUIRED = ("composition", "industry_code", "organisation_form", "division_code", "street",
            "house_number", "scope_codes")
COMPOSITIONS = ("individual", "family")
# ASCII digits only, matched in full: '$' would let a trailing newline through, and \d or
# isdigit() would take full-width and Arabic-Indic digits, which the registration service refuses.
HOUSE_NUMBER = re.compile(r"[0-9]{1,5}")
PHONE = re.compile(r"1[3-9][0-9]{9}")


def operator_name(identity: ChipIdentity) -> str:
    """The national-script name when the chip has one (DG11), else the MRZ name."""
    if identity.name_national:
        return identity.name_national
    return f"{identity.surname} {identity.given_names}".strip()


def trade_name_suggestions(identity: ChipIdentity) -> list[str]:
    """Names the applicant can pick instead of typing: a 字号 may be the operator's own name."""
    name = identity.name_national or ""
    if len(name) < 2:
        return []
    surname, given = name[0], name[1:]
    options = [name, f"{surname}记", f"老{surname}"]
    if len(given) >= 2:
        options.append(given)
    return list(dict.fromkeys(o for o in options if len(o) >= 2))


def phone_display(phone: str) -> str:
    """A mainland mobile number grouped 3-4-4, the way people read it out."""
    return " ".join(p for p in (phone[:3], phone[3:7], phone[7:11]) if p)


def prefill(identity: ChipIdentity) -> dict[str, object]:
    suggestions = trade_name_suggestions(identity)
    return {
        "composition": "individual",
        "trade_name": suggestions[0] if suggestions else "",
        "scope_codes": [],
        "phone": "",
    }


def problems(form: dict[str, object]) -> list[str]:
    """Stable codes for what is missing or malformed, in screen order."""
    found = [f"missing:{key}" for key in REQUIRED if _missing(form, key)]
    if form.get("composition") and form["composition"] not in COMPOSITIONS:
        found.append("invalid:composition")
    house = str(form.get("house_number") or "")
    if house and not HOUSE_NUMBER.fullmatch(house):
        found.append("invalid:house_number")
    phone = str(form.get("phone") or "")
    if phone and not PHONE.fullmatch(phone):
        found.append("invalid:phone")
    trade = str(form.get("trade_name") or "")
    if trade and len(trade) < 2:
        found.append("invalid:trade_name")
    return found


def premises(form: dict[str, object]) -> str:
    """Street (from the division list), road, number and room, as the licence prints them."""
    room = str(form.get("room") or "")
    return f"{form.get('street') or ''}{form.get('road') or ''}{form.get('house_number') or ''}号{room}"


def _missing(form: dict[str, object], key: str) -> bool:
    if key == "street":  # a county without a street list: the road written stands for it
        return not form.get("street") and not form.get("road")
    return not form.get(key)


def to_application(identity: ChipIdentity, form: dict[str, object]) -> Application:
    return Application(
        operator_name=operator_name(identity),
        operator_id_number=identity.personal_number or "",
        operator_birth_date=identity.birth_date.isoformat(),
        composition=str(form["composition"]),
        trade_name=str(form.get("trade_name") or ""),
        industry_code=str(form["industry_code"]),
        organisation_form=str(form["organisation_form"]),
        division_code=str(form["division_code"]),
        premises=premises(form),
        scope_codes=[str(c) for c in form["scope_codes"]],  # type: ignore[union-attr]
        phone=str(form.get("phone") or ""),
    )
