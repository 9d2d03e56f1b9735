"""Wire-level records shared by the kiosk, its registration client and the licence printer.

Plain dataclasses so that the kiosk flow and the printer layout do not depend on the HTTP
client or on the reference service's ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ScopeItem:
    code: str
    name_zh: str
    name_en: str
    permit: str  # "general" | "post" (后置许可) | "prior" (前置许可)
    note_zh: str = ""  # what the licence prints after a 后置许可 item
    note_en: str = ""


@dataclass(frozen=True)
class Division:
    code: str  # 6-digit administrative division code
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class ReferenceData:
    """Pick lists for the application form, so the applicant types as little as possible."""

    version: str
    scope_items: tuple[ScopeItem, ...]
    organisation_forms: tuple[str, ...]  # e.g. 店, 馆, 部, 行, 厂, 中心
    industries: tuple[tuple[str, str, str], ...]  # (code, name_zh, name_en), e.g. 餐饮
    divisions: tuple[Division, ...]
    streets: tuple[tuple[str, str], ...]  # (division code, street/address line) premises list
    # the national set (GB/T 2260 divisions, scope catalogue) with its search indexes, attached
    # by the kiosk when it has a copy; the pick lists above stay for the name's industry and form
    national: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Download:
    """A reference document as the service sent it, for the kiosk's cache."""

    etag: str  # the version, quoted, as sent back in If-None-Match
    body: bytes
    gzipped: bool  # body is still gzip-encoded (Content-Encoding: gzip)


@dataclass
class Application:
    """What the kiosk submits. Personal data: lives in the session, wiped with it."""

    operator_name: str  # national-script name from the chip
    operator_id_number: str  # the number of the document operator_id_type names
    operator_birth_date: str  # ISO date
    composition: str  # "individual" (个人经营) | "family" (家庭经营)
    trade_name: str  # 字号, at least 2 characters, may be empty for an unnamed business
    industry_code: str
    organisation_form: str  # 店 / 馆 / ...
    division_code: str
    premises: str  # street address from the premises list plus house number
    scope_codes: list[str] = field(default_factory=list)
    phone: str = ""
    # resident_id (18-digit GB 11643 number) | hmt_residence_permit | foreign_permanent_residence
    operator_id_type: str = "resident_id"
    # the name's 行业 part in the applicant's words (拉面); "" for the industry's standard term
    industry_term: str = ""

    def __repr__(self) -> str:
        return "Application(<redacted>)"


@dataclass(frozen=True)
class Licence:
    """The signed licence as issued; everything the printer needs."""

    uscc: str  # 统一社会信用代码
    name: str  # 名称 (may be empty)
    entity_type: str  # 类型: 个体工商户
    operator: str  # 经营者
    composition: str  # 组成形式: 个人经营 / 家庭经营
    premises: str  # 经营场所
    scope: str  # 经营范围 (already joined, may be long)
    registration_date: str  # ISO date
    authority: str  # 登记机关
    qr_payload: str  # Base45 text of the signed compact licence, for the QR code


@dataclass(frozen=True)
class Decision:
    outcome: str  # "approved" | "manual_review" | "rejected"
    application_id: str
    reasons: tuple[str, ...] = ()  # stable reason codes, translated by the kiosk
    tracking_number: str = ""
    licence: Licence | None = None


@dataclass(frozen=True)
class Rating:
    """A service rating (好差评) of one case, as sent to the authority. No personal data: the case
    number (the authority's application id, or the kiosk's transaction id for a case that ended
    before any submission), how the case ended, the level and the reason codes
    (licence_wire.rating)."""

    case_kind: str  # "application" | "kiosk_transaction"
    case_id: str
    ending: str  # issued | referred | refused | staff | abandoned
    level: str  # very_satisfied ... very_dissatisfied
    reasons: tuple[str, ...] = ()  # only with dissatisfied or below, at least one then
    rated_at: str = ""  # UTC, YYYY-MM-DDTHH:MM:SSZ


@dataclass(frozen=True)
class RatingReceipt:
    """The authority's answer: its id for the rating and, for a bad one, the follow-up deadline."""

    rating_id: str
    follow_up_due: str = ""  # YYYY-MM-DD, empty for a rating that needs no follow-up


@dataclass(frozen=True)
class NameQuery:
    """The parts of a business name as the applicant has them, for a name check."""

    division_code: str  # 6-digit county code (or a 9-digit township code)
    trade_name: str  # 字号, 1-20 characters
    industry_term: str = ""  # 行业 segment, e.g. 餐饮
    organisation_form: str = ""  # 组织形式, e.g. 店
    industry_code: str = ""  # the industry chosen, for names registered in it


@dataclass(frozen=True)
class NameFinding:
    code: str  # stable reason code, translated by the kiosk
    severity: str  # "reject" | "review" | "warn"
    part: str  # trade_name | industry_term | organisation_form | division | name
    text: str = ""  # the offending character or word
    suggestion: str = ""  # the standard character, or the registered 字号 it is close to


@dataclass(frozen=True)
class NameCheck:
    """The service's answer while the applicant writes: advice, the submission decides."""

    full_name: str  # e.g. 威海市环翠区老王拉面馆 ("" when the division is unknown)
    outcome: str  # "ok" | "review" | "reject"
    findings: tuple[NameFinding, ...] = ()
