"""The application form as data: prefill from the chip, pick-list suggestions, local checks.

The registration service is the authority on every rule; these checks only catch what an applicant
can fix on this screen before a round trip (a missing pick, a malformed house number).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from drivers.idcard import resident_id
from drivers.idcard.base import ChipIdentity
from drivers.registry.models import Application, NameQuery, ReferenceData
from kiosk.flow.industry_terms import WORDINGS

REQUIRED = ("composition", "industry_code", "organisation_form", "division_code", "street",
            "house_number", "scope_codes")
COMPOSITIONS = ("individual", "family")
# ASCII digits only, matched in full: '$' would let a trailing newline through, and \d or
# isdigit() would take full-width and Arabic-Indic digits, which the registration service refuses.
HOUSE_NUMBER = re.compile(r"[0-9]{1,5}")
PHONE = re.compile(r"1[3-9][0-9]{9}")
# The operator's identity document as the registration API names it (docs/registration-api.md)
ID_RESIDENT, ID_HMT, ID_FOREIGN = "resident_id", "hmt_residence_permit", "foreign_permanent_residence"
HMT_PREFIXES = ("810000", "820000", "830000")
RESIDENT_NUMBER_SHAPE = re.compile(r"[0-9]{17}[0-9X]")  # Hong Kong, Macao, Taiwan residence permit numbers
# Name warnings of a resident ID card (drivers/residentid/text_block.py): not Unicode text the
# registration can take or anyone can read back, or text the applicant should check on the card
STAFF_NAME_WARNINGS = frozenset({"name_private_use", "name_unpaired_surrogate"})
CONFIRM_NAME_WARNINGS = frozenset({"name_supplementary", "name_field_full"})
# The fields the business name is made of (行政区划 + 字号 + 行业 + 组织形式): a change to any of
# them asks the service for a new check once the applicant pauses this long.
NAME_FIELDS = ("trade_name", "industry_code", "industry_term", "organisation_form", "division_code")
NAME_CHECK_DELAY_S = 0.4
TRADE_NAME_MAX = 10  # characters the 字号 field takes (the service's rule; 20 is its hard bound)
INDUSTRY_TERM_MAX = 6  # characters the 行业 field takes (the service's rule; 10 is its hard bound)


def operator_name(identity: ChipIdentity) -> str:
    """The national-script name when the chip has one (DG11), else the MRZ name."""
    if identity.name_national:
        return identity.name_national
    return f"{identity.surname} {identity.given_names}".strip()


def operator_document(identity: ChipIdentity) -> tuple[str, str] | None:
    """(document kind, number) of the operator as the registration takes them, or None when the
    document carries no number it accepts (e.g. a foreign passport).

    A resident ID card reader says which card it read; an ICAO chip (passport, eID) counts by its
    DG11 personal number when that has the shape of a resident ID number, as a Chinese
    passport's has (its check digit and birth date are the registration's to judge: a wrong one
    comes back as a reason the applicant can read)."""
    kind = getattr(identity, "card_kind", None)
    number = identity.personal_number or ""
    if kind is not None:
        value = str(getattr(kind, "value", kind))
        if value == "hmt_residence":
            return ID_HMT, number
        if value.startswith("foreign_permanent"):
            return ID_FOREIGN, number
        return ID_RESIDENT, number
    number = resident_id.normalise(number)
    if not RESIDENT_NUMBER_SHAPE.fullmatch(number):
        return None
    return (ID_HMT if number.startswith(HMT_PREFIXES) else ID_RESIDENT), number


def name_check(identity: ChipIdentity, shown: Callable[[str], bool]) -> str:
    """What the kiosk does about the name on the card, from its warnings: "staff" when it is not
    Unicode text (an issuer's private-use code point, a broken surrogate: the registration refuses
    it and nobody can read it back) or when the screen cannot show every character (``shown``:
    the applicant could not check it); "confirm" when it is shown but has a character outside
    the BMP or fills the card's name field (it may be cut short): the review screen asks the
    applicant to compare it with the card; "" otherwise."""
    warnings = set(getattr(identity, "warnings", ()))
    if warnings & STAFF_NAME_WARNINGS:
        return "staff"
    if warnings & CONFIRM_NAME_WARNINGS:
        return "confirm" if shown(operator_name(identity)) else "staff"
    return ""


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


def standard_term(form: dict[str, object], reference: ReferenceData | None) -> str:
    """The chosen industry's own term (餐饮), which the name carries unless the applicant words it."""
    if reference is None:
        return ""
    return next((zh for code, zh, _en in reference.industries if code == form.get("industry_code")), "")


def industry_term(form: dict[str, object], reference: ReferenceData | None) -> str:
    """The name's 行业 part: the applicant's wording (form["industry_term"]) or the standard term."""
    return str(form.get("industry_term") or "") or standard_term(form, reference)


def industry_term_suggestions(form: dict[str, object], reference: ReferenceData | None) -> list[str]:
    """Quick picks for the 行业 part: the standard term first, then everyday wordings of the
    industry (kiosk.flow.industry_terms); none until an industry is chosen."""
    standard = standard_term(form, reference)
    if not standard:
        return []
    return list(dict.fromkeys((standard, *WORDINGS.get(str(form.get("industry_code")), ()))))


def name_query(form: dict[str, object], reference: ReferenceData | None) -> NameQuery | None:
    """What to ask the service about the name, or None until every part of it is chosen."""
    trade = str(form.get("trade_name") or "")
    industry = str(form.get("industry_code") or "")
    org_form = str(form.get("organisation_form") or "")
    division = str(form.get("division_code") or "")
    if not (trade and industry and org_form and division) or reference is None:
        return None
    return NameQuery(division, trade[:20], industry_term(form, reference)[:10], org_form[:8], industry)


def name_preview(form: dict[str, object], reference: ReferenceData | None) -> str:
    """The whole name as far as it is chosen, for the screen until the service's answer is in."""
    if reference is None:
        return str(form.get("trade_name") or "")
    division = next((d.name_zh for d in reference.divisions if d.code == form.get("division_code")), "")
    term = industry_term(form, reference)
    return f"{division}{form.get('trade_name') or ''}{term}{form.get('organisation_form') or ''}"


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


def home_division(identity: ChipIdentity, reference: ReferenceData) -> str | None:
    """The district of the address on the card, when the form offers it: an individual business
    is often run where its operator lives, so it is picked in advance (one tap less; the review
    shows it and the applicant can change it)."""
    address = identity.address or ""
    found = [d for d in reference.divisions if d.name_zh and d.name_zh in address]
    return found[0].code if len(found) == 1 else None


def with_home_division(identity: ChipIdentity, form: dict[str, object], reference: ReferenceData) -> None:
    if not form.get("division_code") and (code := home_division(identity, reference)):
        form["division_code"] = code


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


def unknown_scope(form: dict[str, object], ref: ReferenceData | None) -> bool:
    """A scope code neither catalogue knows (the reference data changed under the form, or the
    form was filled from another copy): the review would show an empty or partial scope."""
    if ref is None:
        return False
    known = {s.code for s in ref.scope_items}
    if ref.national is not None:
        known |= set(ref.national.ref.scope)
    if not known:  # reference data without a scope list cannot judge the codes
        return False
    return any(str(code) not in known for code in form.get("scope_codes") or [])  # type: ignore[union-attr]


def premises(form: dict[str, object]) -> str:
    """Street (from the division list), road, number and room, as the licence prints them."""
    room = str(form.get("room") or "")
    return f"{form.get('street') or ''}{form.get('road') or ''}{form.get('house_number') or ''}号{room}"


def _missing(form: dict[str, object], key: str) -> bool:
    if key == "street":  # a county without a street list: the road written stands for it
        return not form.get("street") and not form.get("road")
    return not form.get(key)


def application_term(form: dict[str, object], reference: ReferenceData | None) -> str:
    """The industry_term to submit: the applicant's wording when the name has a 字号 and the wording
    is not the standard term, else "" (the service's default; the request then stays what an
    older service accepts and keeps its fingerprint)."""
    term = str(form.get("industry_term") or "")
    if not form.get("trade_name") or term == standard_term(form, reference):
        return ""
    return term


def to_application(identity: ChipIdentity, form: dict[str, object],
                   reference: ReferenceData | None = None) -> Application:
    kind, number = operator_document(identity) or (ID_RESIDENT, identity.personal_number or "")
    return Application(
        operator_name=operator_name(identity),
        operator_id_number=number,
        operator_id_type=kind,
        operator_birth_date=identity.birth_date.isoformat(),
        composition=str(form["composition"]),
        trade_name=str(form.get("trade_name") or ""),
        industry_code=str(form["industry_code"]),
        organisation_form=str(form["organisation_form"]),
        division_code=str(form["division_code"]),
        premises=premises(form),
        scope_codes=[str(c) for c in form["scope_codes"]],  # type: ignore[union-attr]
        phone=str(form.get("phone") or ""),
        industry_term=application_term(form, reference),
    )
