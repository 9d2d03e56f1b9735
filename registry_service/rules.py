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

from licence_wire import resident_id
from refdata.model import POST
from refdata.scope_text import scope_statement
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
    "name_invalid_characters",
    "organisation_form_not_allowed",
    "name_taken",
    "industry_unknown",
    "division_unknown",
    "scope_empty",
    "scope_unknown_item",
    "premises_not_in_list",
    "premises_house_number_invalid",
}
REVIEW = {"operator_minor_review", "scope_prior_permit", "operator_recent_application"}
NOTICE = {"scope_post_permit"}  # approved; the licence carries the permit note

FORBIDDEN_WORDS = ("中国", "中华", "全国", "国家", "国际")
# fullmatch, never ^...$ (which accepts a trailing newline), and [0-9], never \d (which accepts
# every Unicode decimal digit: Arabic-Indic house numbers would pass)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_OPERATOR_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff][\u3400-\u4dbf\u4e00-\u9fff·]{0,29}")
_HOUSE_NUMBER = re.compile(r"[0-9]{1,5}号[\u4e00-\u9fff0-9A-Z-]{0,30}")
# national premises after the street: a road (starting with a character), its number, a room
_ROAD_AND_NUMBER = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff0-9A-Z-]{0,39}?[0-9]{1,5}号[\u4e00-\u9fff0-9A-Z-]{0,30}")
_COMPOSITION = {"individual": "个人经营", "family": "家庭经营"}
TRADE_NAME_MAX = 10


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


def check_operator(id_number: str, birth_date: str, name: str, today: date) -> list[str]:
    reasons: list[str] = []
    if not _OPERATOR_NAME.fullmatch(name):
        reasons.append("operator_name_invalid")
    if not resident_id.is_valid(id_number):  # canonical spelling only: see licence_wire
        return [*reasons, "id_number_invalid"]
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
) -> list[str]:
    """字号 rules. An empty trade name is an unnamed business: no name rules apply."""
    if trade_name == "":
        return []
    reasons: list[str] = []
    normalised = name_key(trade_name) or ""
    if not _CJK.fullmatch(trade_name):
        reasons.append("name_invalid_characters")
    if len(trade_name) < 2:
        reasons.append("name_too_short")
    if len(trade_name) > TRADE_NAME_MAX:
        reasons.append("name_too_long")
    if any(w in normalised for w in FORBIDDEN_WORDS):
        reasons.append("name_forbidden_word")
    if organisation_form not in cat.forms_allowed or any(
        f in organisation_form for f in cat.forms_forbidden
    ):
        reasons.append("organisation_form_not_allowed")
    if not reasons and is_taken(normalised):
        reasons.append("name_taken")
    return reasons


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
) -> Assessment:
    a = Assessment()
    a.reasons += check_operator(operator_id_number, operator_birth_date, operator_name, today)
    a.reasons += check_recent_application(has_recent_application)
    industry = cat.industries.get(industry_code)
    if industry is None:
        a.reasons.append("industry_unknown")
    a.reasons += check_premises(division_code, premises, cat)
    division = cat.division(division_code)
    if industry is not None and division is not None:
        a.reasons += check_name(trade_name, organisation_form, cat, is_taken)
    elif trade_name:
        a.reasons += check_name(trade_name, organisation_form, cat, lambda _n: False)
    scope_reasons, a.scope_text = check_scope(scope_codes, cat)
    a.reasons += scope_reasons
    a.composition = _COMPOSITION.get(composition, composition)
    if division is not None:
        a.authority = division.authority_zh
        a.premises = division.name_zh + premises
        if trade_name and industry is not None:
            a.name = f"{division.name_zh}{trade_name}{industry[0]}{organisation_form}"
    return a
