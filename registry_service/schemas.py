"""Request and response bodies of API v1. Strict: no type coercion, unknown fields refused,
control and unassigned characters refused (they would otherwise reach the database).

Patterns spell digits as [0-9], never \\d: pydantic's regex engine, like Python's, lets \\d match
every Unicode decimal digit (full-width, Arabic-Indic, ...)."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

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


class ApplicationIn(_Strict):
    operator_name: Text(30, 1)  # type: ignore[valid-type]
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
