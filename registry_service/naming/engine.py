"""The individual-business name check: 行政区划 + 字号 + 行业 + 组织形式 (个体名称办法第六条),
every rule at once, pure and fast enough to run on every keystroke."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache

from registry_service.naming.characters import char_issues
from registry_service.naming.places import PlaceNames
from registry_service.naming.reasons import REASONS, REJECT, REVIEW, SEVERITY_ORDER
from registry_service.naming.similarity import RegisteredNames
from registry_service.naming.words import (
    FORBIDDEN,
    FOREIGN_STATES,
    FORMS,
    FORMS_FORBIDDEN,
    MISLEADING,
    OFFICIAL_BODIES,
    PROHIBITED_CONTENT,
)
from registry_service.refdata.loader import packaged
from registry_service.refdata.model import CLASS, ReferenceData

TRADE_NAME_MIN = 2
TRADE_NAME_MAX = 10
# The 行业 part as the applicant words it (拉面, 面食, 家电维修): one character (面, 茶) up to a
# short phrase; longer text is a description of the business, which belongs in the scope.
INDUSTRY_TERM_MAX = 6
OK = "ok"

# Parts of GB/T 4754 class names that describe the kind of activity, not the trade itself;
# dropped when deciding whether an industry term is related to the chosen class.
_GENERIC = ("服务", "零售", "批发", "制造", "加工", "活动", "销售", "经营", "其他", "未列明", "及", "和", "业")


@dataclass(frozen=True)
class NameParts:
    division_code: str  # the county (or any unit below it) where the business is registered
    trade_name: str  # 字号
    industry_term: str  # 行业, e.g. 拉面, 餐饮, 便利
    organisation_form: str  # 组织形式, e.g. 店, 馆
    industry_class: str = ""  # the GB/T 4754 small class chosen (H6291), for the relatedness check


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    part: str  # trade_name, industry_term, organisation_form, division or name
    text: str = ""  # the offending character or word ("" when the whole part is meant)
    suggestion: str = ""  # a standard character, or the registered name it is close to

    @property
    def zh(self) -> str:
        return REASONS[self.code].zh

    @property
    def en(self) -> str:
        return REASONS[self.code].en


@dataclass(frozen=True)
class NameCheck:
    full_name: str  # the previewed name, e.g. 威海市环翠区老王拉面馆 ("" when the division is unknown)
    findings: tuple[Finding, ...] = field(default=())

    @property
    def outcome(self) -> str:
        """reject, review, or ok (warnings alone do not stop a registration)."""
        severities = {f.severity for f in self.findings}
        return next((s for s in (REJECT, REVIEW) if s in severities), OK)

    def codes(self) -> list[str]:
        return list(dict.fromkeys(f.code for f in self.findings))

    def as_dict(self) -> dict[str, object]:
        """The JSON body of a name-check response."""
        return {
            "full_name": self.full_name,
            "outcome": self.outcome,
            "findings": [
                {"code": f.code, "severity": f.severity, "part": f.part, "text": f.text,
                 "suggestion": f.suggestion, "zh": f.zh, "en": f.en}
                for f in self.findings
            ],
        }


class NameChecker:
    def __init__(self, ref: ReferenceData, *, trade_name_max: int = TRADE_NAME_MAX,
                 place_name_exemptions: frozenset[str] = frozenset()) -> None:
        """`place_name_exemptions`: 字号 the authority has accepted as having another meaning than
        the place (个体名称办法第八条第二款: 平安, 和平, 东方 ...), which then skip the place-name review."""
        self.ref = ref
        self.trade_name_max = trade_name_max
        self.place_name_exemptions = place_name_exemptions
        self.places = PlaceNames(d.name for d in ref.iter_county_level())

    def registered(self, names: list[str] | set[str] | tuple[str, ...]) -> RegisteredNames:
        """Index the 字号 registered in one industry at one authority (build once, reuse per keystroke)."""
        return RegisteredNames(names, self.ref.hanzi.readings)

    def check(self, parts: NameParts, registered: RegisteredNames | None = None) -> NameCheck:
        findings: list[Finding] = []
        add = findings.append

        prefix = ""
        unit = self.ref.county_of(parts.division_code)
        if unit is None or not unit.registrable:
            add(_finding("division_unknown", "division"))
        else:
            prefix = self.ref.name_prefix(unit.code)

        trade = parts.trade_name.strip()
        trade_issues = char_issues(trade, self.ref.hanzi)
        for issue in trade_issues:
            add(_finding(issue.code, "trade_name", issue.char, issue.suggestion))
        if len(trade) < TRADE_NAME_MIN:
            add(_finding("name_too_short", "trade_name"))
        elif len(trade) > self.trade_name_max:
            add(_finding("name_too_long", "trade_name"))

        term = parts.industry_term.strip()
        if not term:
            add(_finding("industry_term_missing", "industry_term"))
        for issue in char_issues(term, self.ref.hanzi):
            add(_finding(issue.code, "industry_term", issue.char, issue.suggestion))
        if len(term) > INDUSTRY_TERM_MAX:
            add(_finding("industry_term_too_long", "industry_term"))
        if term and parts.industry_class and not self._related(term, parts.industry_class):
            add(_finding("industry_term_unrelated", "industry_term", term))

        form = parts.organisation_form.strip()
        if not form:
            add(_finding("organisation_form_missing", "organisation_form"))
        elif form not in FORMS:
            add(_finding("organisation_form_not_allowed", "organisation_form", form))

        body = trade + term + form
        for word in _contained(body, FORMS_FORBIDDEN):
            if word != form:
                add(_finding("organisation_form_not_allowed", "name", word))
        for code, words in (("name_forbidden_word", FORBIDDEN), ("name_official_body", OFFICIAL_BODIES),
                            ("name_prohibited_content", PROHIBITED_CONTENT), ("name_misleading_word", MISLEADING),
                            ("name_foreign_state", FOREIGN_STATES)):
            for word in _contained(body, words):
                add(_finding(code, "name", word))

        if len(trade) >= TRADE_NAME_MIN:
            place = None if trade in self.place_name_exemptions else self.places.found_in(trade)
            if place:
                add(_finding("name_place_name", "trade_name", place))
            if registered is not None:
                for match in registered.matches(trade):
                    # A 字号 that must change anyway is not compared for likeness, only for identity.
                    if match.code == "name_taken" or not trade_issues:
                        add(_finding(match.code, "trade_name", trade, match.registered))

        findings.sort(key=lambda f: SEVERITY_ORDER.index(f.severity))
        return NameCheck(full_name=prefix + body if prefix else "", findings=tuple(findings))

    def _related(self, term: str, class_code: str) -> bool:
        """Whether the term shares a meaningful character with the class, its parents' names or
        its scope items and their search words."""
        node = self.ref.industries.get(class_code)
        if node is None or node.level != CLASS:
            return True  # an unknown class is the scope rules' business, not the name's
        texts = [node.name]
        parent = self.ref.industries.get(node.parent)
        while parent is not None and parent.level > 1:
            texts.append(parent.name)
            parent = self.ref.industries.get(parent.parent)
        for item in self.ref.items_of_class(class_code):
            texts.append(item.name_zh)
            texts.extend(word for word, _ in item.keywords)
        vocabulary = "".join(texts)
        for generic in _GENERIC:
            vocabulary = vocabulary.replace(generic, "")
        return any(ch in vocabulary for ch in term)


def _contained(text: str, words: tuple[str, ...]) -> list[str]:
    """Words found in the text, longer ones first, without reporting a word inside a longer hit."""
    found: list[str] = []
    for word in sorted(words, key=len, reverse=True):
        if word in text and not any(word in longer for longer in found):
            found.append(word)
    return found


def _finding(code: str, part: str, text: str = "", suggestion: str = "") -> Finding:
    return Finding(code, REASONS[code].severity, part, text, suggestion)


_build = threading.Lock()


def checker() -> NameChecker:
    """A checker over the reference data shipped with the service, built once per process (the
    first callers wait for the one build instead of each loading the data)."""
    with _build:
        return _packaged_checker()


@cache
def _packaged_checker() -> NameChecker:
    return NameChecker(packaged())
