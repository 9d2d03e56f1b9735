"""Instant-approval rules ("秒批"): pure functions from an application to reason codes.

No database access here: the one rule that needs history (duplicate names) receives a
callable, so every rule is testable in microseconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from licence_wire import foreign_permanent_id, resident_id
from refdata.model import POST
from refdata.scope_text import scope_statement
from registry_service import naming
from registry_service.reference import Catalogue

APPROVED, MANUAL_REVIEW, REJECTED = "approved", "manual_review", "rejected"

# Reason codes are part of the API contract (docs/registration-api.md); never rename one.
REJECT = {
    "id_number_invalid",
    "id_birth_date_mismatch",
    "operator_name_invalid",
    "operator_underage",
    "name_too_short",
    "name_too_long",
    "name_forbidden_word",
    "name_invalid_characters",  # given before the finer character codes below; old decisions keep it
    "organisation_form_not_allowed",
    "name_taken",
    "industry_unknown",
    "division_unknown",
    "scope_empty",
    "scope_unknown_item",
    "premises_not_in_list",
    "premises_house_number_invalid",
}
# registry_service.naming's refusals and reviews (its warnings never decide)
NAME_REJECT = {code for code, r in naming.REASONS.items() if r.severity == naming.REJECT}
NAME_REVIEW = {code for code, r in naming.REASONS.items() if r.severity == naming.REVIEW}
REJECT |= NAME_REJECT - {"industry_term_missing"}
# Foreign nationals: whether one may register an individual business is not settled by the rules
# this service implements (the 2022 regulation names citizens, and Hong Kong, Macao and Taiwan
# residents), so a person decides rather than an instant approval or refusal.
REVIEW = {"operator_minor_review", "operator_foreign_review", "scope_prior_permit",
          "operator_recent_application"} | NAME_REVIEW
NOTICE = {"scope_post_permit"}  # approved; the licence carries the permit note

# fullmatch, never ^...$ (which accepts a trailing newline), and [0-9], never \d (which accepts
# every Unicode decimal digit: Arabic-Indic house numbers would pass)
# CJK ideographs: Extension A, the URO and Extensions B-H (a resident ID card may carry a name
# character outside the BMP, e.g. 𠮷), with '·' between the parts of a transcribed name
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef\U00030000-\U000323af"
_OPERATOR_NAME = re.compile(f"[{_HAN}][{_HAN}·]{{0,29}}")
# a foreign permanent resident's name as the card prints it in Latin letters
_LATIN_NAME = re.compile(r"[A-Z][A-Z '-]{0,59}")
HMT_PREFIXES = ("810000", "820000", "830000")
ID_RESIDENT, ID_HMT, ID_FOREIGN = "resident_id", "hmt_residence_permit", "foreign_permanent_residence"
_HOUSE_NUMBER = re.compile(r"[0-9]{1,5}号[\u4e00-\u9fff0-9A-Z-]{0,30}")
# national premises after the street: a road (starting with a character), its number, a room
_ROAD_AND_NUMBER = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff0-9A-Z-]{0,39}?[0-9]{1,5}号[\u4e00-\u9fff0-9A-Z-]{0,30}")
_COMPOSITION = {"individual": "个人经营", "family": "家庭经营"}


@dataclass
class Assessment:
    reasons: list[str] = field(default_factory=list)
    name: str = ""
    scope_text: str = ""
    authority: str = ""
    premises: str = ""
    composition: str = ""

    @property
    def outcome(self) -> str:
        if any(r in REJECT for r in self.reasons):
            return REJECTED
        if any(r in REVIEW for r in self.reasons):
            return MANUAL_REVIEW
        return APPROVED


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check_operator(id_number: str, birth_date: str, name: str, today: date,
                   id_type: str = ID_RESIDENT) -> list[str]:
    reasons: list[str] = []
    foreign = id_type == ID_FOREIGN
    if not (_OPERATOR_NAME.fullmatch(name) or (foreign and _LATIN_NAME.fullmatch(name))):
        reasons.append("operator_name_invalid")
    if foreign:
        # the number does not carry the birth date in a published place: the card's own field
        if not foreign_permanent_id.is_valid(id_number):
            return [*reasons, "id_number_invalid"]
        try:
            birth = date.fromisoformat(birth_date)
        except ValueError:
            return [*reasons, "id_birth_date_mismatch"]
        reasons.append("operator_foreign_review")
    else:
        if not resident_id.is_valid(id_number):  # canonical spelling only: see licence_wire
            return [*reasons, "id_number_invalid"]
        if id_type == ID_HMT and not id_number.startswith(HMT_PREFIXES):
            return [*reasons, "id_number_invalid"]  # a residence permit's number names its region
        birth = resident_id.birth_date(id_number)
        if birth.isoformat() != birth_date:
            reasons.append("id_birth_date_mismatch")
    if birth > today:
        return [*reasons, "id_number_invalid"]
    age = age_on(birth, today)
    if age < 16:
        reasons.append("operator_underage")
    elif age < 18:
        reasons.append("operator_minor_review")
    return reasons


def check_recent_application(has_recent: bool) -> list[str]:
    """A second application by the same operator at the same authority within the window goes
    to a person: it may be the same business applied for twice (a kiosk that lost track of the
    first licence, an applicant who did not see it come out), which a second instant approval
    under another 字号 would register twice."""
    return ["operator_recent_application"] if has_recent else []


def name_key(trade_name: str) -> str | None:
    """The form in which 字号 are compared for duplicates (full-width and compatibility forms
    folded); None for an unnamed business, which never conflicts."""
    return unicodedata.normalize("NFKC", trade_name) or None


def check_name(
    trade_name: str,
    organisation_form: str,
    cat: Catalogue,
    is_taken: Callable[[str], bool],
    *,
    division_code: str = "",
    industry_code: str = "",
    industry_term: str = "",
) -> list[str]:
    """字号 and 行业 rules: registry_service.naming's, the same the name-check endpoint answers
    with, so that what the kiosk showed while the applicant wrote is what decides. Findings that
    only warn (homophones, an industry term unlike the class) do not enter the decision: the
    relatedness test compares characters with the class's names and scope keywords, and misses
    everyday wordings (小吃 and 饺子 for 正餐服务), so it advises the applicant and never refers an
    application to a person. An empty trade name is an unnamed business: no name rules apply
    (and no industry term, which only exists inside a name)."""
    if trade_name == "":
        return []
    result = naming.checker().check(naming.NameParts(
        division_code, trade_name, name_industry_term(industry_code, industry_term, cat), organisation_form,
        industry_code))
    reasons = [code for code in result.codes()
               if naming.REASONS[code].severity != naming.WARN
               # the division and the industry have their own rules and codes in assess()
               and code not in ("division_unknown", "industry_term_missing")]
    if organisation_form not in cat.forms_allowed and "organisation_form_not_allowed" not in reasons:
        reasons.append("organisation_form_not_allowed")  # the catalogue offers fewer forms than the rules allow
    if not any(code in REJECT for code in reasons) and is_taken(name_key(trade_name) or ""):
        reasons.append("name_taken")
    return reasons


def name_industry_term(industry_code: str, industry_term: str, cat: Catalogue) -> str:
    """The 行业 part of the name: the applicant's own wording, or the chosen industry's standard
    term when they gave none ("" when the industry is unknown)."""
    if industry_term:
        return industry_term
    industry = cat.industries.get(industry_code)
    return industry[0] if industry else ""


def check_scope(codes: list[str], cat: Catalogue) -> tuple[list[str], str]:
    """Reason codes and the licence's 经营范围 text (一般项目 / 许可项目 with notes)."""
    if not codes:
        return ["scope_empty"], ""
    if any(code in cat.national.scope for code in codes):
        return _national_scope(codes, cat)
    reasons: list[str] = []
    general: list[str] = []
    post: list[str] = []
    notes: list[str] = []
    for code in dict.fromkeys(codes):  # keep order, drop repeats
        entry = cat.scope.get(code)
        if entry is None:
            if "scope_unknown_item" not in reasons:
                reasons.append("scope_unknown_item")
            continue
        if entry.permit == "prior" and "scope_prior_permit" not in reasons:
            reasons.append("scope_prior_permit")
        if entry.permit == "post":
            post.append(entry.name_zh)
            if entry.note_zh and entry.note_zh not in notes:
                notes.append(entry.note_zh)
            if "scope_post_permit" not in reasons:
                reasons.append("scope_post_permit")
        elif entry.permit == "general":
            general.append(entry.name_zh)
    parts = []
    if general:
        parts.append("一般项目：" + "；".join(general) + "。")
    if post:
        note = "（" + "；".join(notes) + "）" if notes else ""
        parts.append("许可项目：" + "；".join(post) + note + "。")
    return reasons, "".join(parts)


def _national_scope(codes: list[str], cat: Catalogue) -> tuple[list[str], str]:
    """Items of the national catalogue, printed in the standard 一般项目 / 许可项目 wording."""
    statement = scope_statement(codes, cat.national)
    reasons = []
    if statement.unknown:
        reasons.append("scope_unknown_item")
    if statement.needs_prior_permit:
        reasons.append("scope_prior_permit")
    if any(item.kind(cat.national.permits) == POST for item in statement.licensed):
        reasons.append("scope_post_permit")
    return reasons, statement.text


def check_premises(division_code: str, premises: str, cat: Catalogue) -> list[str]:
    division = cat.division(division_code)
    if division is None:
        return ["division_unknown"]
    if division.national:
        # the street from the unit's own list when it has one, then a road and number typed
        street = next((s for s in division.streets if premises.startswith(s)), None)
        if street is None and division.streets:
            return ["premises_not_in_list"]
        rest = premises[len(street or ""):]
        return [] if _ROAD_AND_NUMBER.fullmatch(rest) else ["premises_house_number_invalid"]
    for street in division.streets:
        if premises.startswith(street):
            rest = premises[len(street) :]
            return [] if _HOUSE_NUMBER.fullmatch(rest) else ["premises_house_number_invalid"]
    return ["premises_not_in_list"]


def assess(
    *,
    operator_name: str,
    operator_id_number: str,
    operator_birth_date: str,
    composition: str,
    trade_name: str,
    industry_code: str,
    organisation_form: str,
    division_code: str,
    premises: str,
    scope_codes: list[str],
    cat: Catalogue,
    today: date,
    is_taken: Callable[[str], bool],
    has_recent_application: bool = False,
    operator_id_type: str = ID_RESIDENT,
    industry_term: str = "",
) -> Assessment:
    a = Assessment()
    a.reasons += check_operator(operator_id_number, operator_birth_date, operator_name, today, operator_id_type)
    a.reasons += check_recent_application(has_recent_application)
    industry = cat.industries.get(industry_code)
    if industry is None:
        a.reasons.append("industry_unknown")
    a.reasons += check_premises(division_code, premises, cat)
    division = cat.division(division_code)
    known = industry is not None and division is not None
    a.reasons += check_name(trade_name, organisation_form, cat, is_taken if known else lambda _n: False,
                            division_code=division_code, industry_code=industry_code,
                            industry_term=industry_term)
    scope_reasons, a.scope_text = check_scope(scope_codes, cat)
    a.reasons += scope_reasons
    a.composition = _COMPOSITION.get(composition, composition)
    if division is not None:
        a.authority = division.authority_zh
        a.premises = division.name_zh + premises
        if trade_name and industry is not None:
            term = name_industry_term(industry_code, industry_term, cat)
            a.name = f"{division.name_zh}{trade_name}{term}{organisation_form}"
    return a
