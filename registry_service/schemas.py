"""Request and response bodies of API v1. Strict: no type coercion, unknown fields refused,
control and unassigned characters refused (they would otherwise reach the database).

Patterns spell digits as [0-9], never \\d: pydantic's regex engine, like Python's, lets \\d match
every Unicode decimal digit (full-width, Arabic-Indic, ...)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from licence_wire import rating as wire_rating

_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


# Blocks in which every code point is assigned and none is a control, format, surrogate,
# private-use or separator character (tests/registry_service/test_schemas.py checks each one):
# nearly every value a kiosk sends is made of them, and one regex match per field costs less
# than a Python loop over its characters.
PLAIN_BLOCKS = ((0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0xFF), (0x3000, 0x303F), (0x3400, 0x4DBF),
                (0x4E00, 0x9FFF), (0xFF01, 0xFF5E))
_PLAIN = re.compile("[" + "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in PLAIN_BLOCKS) + "]*")


def _printable(value: str) -> str:
    if _PLAIN.fullmatch(value):
        return value
    if any(unicodedata.category(c) in _BAD_CATEGORIES for c in value):
        raise ValueError("contains control, format, surrogate or unassigned characters")
    return value


# Documentation of _printable for the OpenAPI document (controls, bidi/format, surrogates,
# private use, line/paragraph separators); unassigned code points are refused as well.
_PRINTABLE_PATTERN = (
    "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u200B-\\u200F\\u2028-\\u202E"
    "\\u2060-\\u206F\\uD800-\\uF8FF\\uFEFF\\uFFF9-\\uFFFB]*$"
)


def Text(max_length: int, min_length: int = 0) -> type[str]:
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_printable),
        WithJsonSchema(
            {
                "type": "string",
                "minLength": min_length,
                "maxLength": max_length,
                "pattern": _PRINTABLE_PATTERN,
                "description": "Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp are refused",
            }
        ),
    ]


Code = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,16}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


ID_TYPES = ("resident_id", "hmt_residence_permit", "foreign_permanent_residence")
DEFAULT_ID_TYPE = "resident_id"


class ApplicationIn(_Strict):
    # a Chinese name of up to 30 characters, or the Latin name of a foreign permanent resident
    operator_name: Text(60, 1)  # type: ignore[valid-type]
    operator_id_number: Text(18, 1)  # type: ignore[valid-type]
    operator_birth_date: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    composition: Literal["individual", "family"]
    trade_name: Text(20)  # type: ignore[valid-type]
    industry_code: Code
    organisation_form: Text(8)  # type: ignore[valid-type]
    division_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
    premises: Text(100, 1)  # type: ignore[valid-type]
    scope_codes: Annotated[list[Code], Field(max_length=30)]
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9+ -]{0,20}$")] = ""
    # the document operator_id_number comes from: a resident ID card (or another document that
    # carries its number), a residence permit for Hong Kong, Macao and Taiwan residents, or a
    # foreign permanent resident ID card
    operator_id_type: Literal[ID_TYPES] = DEFAULT_ID_TYPE  # type: ignore[valid-type]
    # the name's 行业 part in the applicant's words (拉面 for 餐饮); "" (the default): the
    # industry's standard term. The naming rules bound it (registry_service.naming).
    industry_term: Text(10) = ""  # type: ignore[valid-type]


def canonical_json(application: ApplicationIn) -> str:
    """The request fingerprint's input, which must never change: a stored key is compared against
    it. pydantic's serialiser gives json.dumps(model_dump(), ensure_ascii=False, compact) byte for
    byte, in a sixth of the time; the fields added in API 1.1 (``operator_id_type``,
    ``industry_term``) are left out at their defaults, so a request that does not use them keeps
    the fingerprint it had before they existed."""
    left_out = {name for name, default in _ADDED_IN_1_1.items() if getattr(application, name) == default}
    return application.model_dump_json(exclude=left_out) if left_out else application.model_dump_json()


_ADDED_IN_1_1 = {"operator_id_type": DEFAULT_ID_TYPE, "industry_term": ""}


class LicenceOut(_Strict):
    uscc: str
    name: str
    entity_type: str
    operator: str
    composition: str
    premises: str
    scope: str
    registration_date: str
    authority: str
    qr_payload: str


class DecisionOut(_Strict):
    """Signed: ``signature`` is Ed25519 (hex) over the canonical CBOR of all other fields."""

    application_id: str
    outcome: Literal["approved", "manual_review", "rejected"]
    reasons: list[str]
    tracking_number: str
    licence: LicenceOut | None
    decided_at: str
    key_id: str
    signature: str


class SignedLicenceOut(LicenceOut):
    status: Literal["active", "revoked"]
    key_id: str
    signature: str


class VerifyIn(_Strict):
    qr_payload: Annotated[str, StringConstraints(min_length=1, max_length=4400)]


class VerifyOut(_Strict):
    valid: bool
    reason: str  # ok | format | unknown_key | bad_signature | fields | not_registered | revoked
    licence: LicenceOut | None


class HeartbeatIn(_Strict):
    software_version: Text(64) = ""  # type: ignore[valid-type]
    status: Literal["in_service", "out_of_service", "maintenance"] = "in_service"


class HeartbeatOut(_Strict):
    server_time: str
    reference_data_version: str


class ScopeItemOut(_Strict):
    code: str
    permit: Literal["general", "post", "prior"]
    name_zh: str
    name_en: str
    note_zh: str
    note_en: str


class NamedCode(_Strict):
    code: str
    name_zh: str
    name_en: str


class StreetOut(_Strict):
    division_code: str
    street: str


class ReferenceDataOut(_Strict):
    version: str
    scope_items: list[ScopeItemOut]
    organisation_forms: list[str]
    industries: list[NamedCode]
    divisions: list[NamedCode]
    streets: list[StreetOut]


class RatingIn(_Strict):
    """A service rating (好差评) of one case. No personal data: the case number and codes only.
    A rating of dissatisfied or below names at least one reason; better ratings name none."""

    case_kind: Literal[wire_rating.CASE_KINDS]  # type: ignore[valid-type]
    case_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f-]{32,36}$")] = Field(
        description="The case number (办件编号): the application id for kind application, the "
        "kiosk's 32-hex transaction id for kind kiosk_transaction")
    ending: Literal[wire_rating.ENDINGS]  # type: ignore[valid-type]
    level: Literal[wire_rating.LEVELS]  # type: ignore[valid-type]
    reasons: Annotated[list[Literal[tuple(wire_rating.REASONS)]],  # type: ignore[valid-type]
                       Field(max_length=wire_rating.MAX_REASONS)] = []
    rated_at: Annotated[str, StringConstraints(pattern=wire_rating.RATED_AT_PATTERN)] = Field(
        description="When the applicant rated, UTC, by the kiosk's clock")

    @model_validator(mode="after")
    def _consistent(self) -> RatingIn:
        if not wire_rating.valid_case_id(self.case_kind, self.case_id):
            raise ValueError("case_id does not have the form of its case_kind")
        bad = self.level in wire_rating.BAD_LEVELS
        if bad and not self.reasons:
            raise ValueError("a rating of dissatisfied or below names at least one reason")
        if not bad and self.reasons:
            raise ValueError("only a rating of dissatisfied or below names reasons")
        if len(set(self.reasons)) != len(self.reasons):
            raise ValueError("a reason is named twice")
        try:
            datetime.strptime(self.rated_at, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise ValueError("rated_at is not a date and time") from None
        return self


class FollowUpOut(_Strict):
    """The authority's follow-up of a bad rating: verified, fixed and answered by ``due_date``."""

    follow_up_id: str
    due_date: str  # YYYY-MM-DD, the last working day of the deadline (Beijing time)
    working_days: int
    status: Literal["open", "answered", "appealed", "closed"]


class RatingOut(_Strict):
    rating_id: str
    case_kind: str
    case_id: str
    level: str
    received_at: str
    follow_up: FollowUpOut | None


class NameCheckQuery(_Strict):
    """Query of GET /v1/names/check: the parts of a business name as the applicant has them."""

    division_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}([0-9]{3})?$")]
    trade_name: Text(20, 1)  # type: ignore[valid-type]
    industry_term: Text(10) = ""  # type: ignore[valid-type]
    organisation_form: Text(8) = ""  # type: ignore[valid-type]
    industry_code: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{0,16}$")] = ""


class NameFindingOut(_Strict):
    code: str
    severity: Literal["reject", "review", "warn"]
    part: Literal["trade_name", "industry_term", "organisation_form", "division", "name"]
    text: str
    suggestion: str
    zh: str
    en: str


class NameCheckOut(_Strict):
    full_name: str
    outcome: Literal["ok", "review", "reject"]
    findings: list[NameFindingOut]


class ReferenceBundleOut(_Strict):
    """refdata.bundle: each file of the set, uncompressed, under its stored name; `version` is
    the SHA-256 content hash (first 16 hex digits) over the files, recomputed by the client."""

    format: Literal[1]
    version: str
    files: dict[str, str]


class Problem(BaseModel):
    """RFC 9457 problem details; ``code`` is the stable reason code."""

    type: str
    title: str
    status: int
    code: str
    detail: str = ""
    errors: list[dict[str, str]] = []
