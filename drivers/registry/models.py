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
    operator_id_number: str  # 18-digit resident ID number
    operator_birth_date: str  # ISO date
    composition: str  # "individual" (个人经营) | "family" (家庭经营)
    trade_name: str  # 字号, at least 2 characters, may be empty for an unnamed business
    industry_code: str
    organisation_form: str  # 店 / 馆 / ...
    division_code: str
    premises: str  # street address from the premises list plus house number
    scope_codes: list[str] = field(default_factory=list)
    phone: str = ""

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
