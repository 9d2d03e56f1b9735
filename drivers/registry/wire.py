"""Turning the service's JSON into trusted kiosk records.

Everything the service returns is treated as hostile until its shape is checked and the
authority's Ed25519 signature verifies; only then does it become a Decision the printer may
print. Any deviation raises ServiceProtocolError (never KeyError/TypeError).
"""

from __future__ import annotations

import re
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from drivers.errors import ServiceProtocolError
from drivers.registry.models import (
    Decision,
    Division,
    Licence,
    NameCheck,
    NameFinding,
    RatingReceipt,
    ReferenceData,
    ScopeItem,
)
from licence_wire import codec, credit_code

OUTCOMES = ("approved", "manual_review", "rejected")
NAME_OUTCOMES = ("ok", "review", "reject")
SEVERITIES = ("reject", "review", "warn")
NAME_PARTS = ("trade_name", "industry_term", "organisation_form", "division", "name")
FINDINGS_MAX = 64  # a 20-character name cannot raise more; more is not an answer to this question
NAME_TEXT_MAX = 64
_REASON = re.compile(r"[a-z0-9_]{1,64}", re.ASCII)


def _str(doc: dict[str, Any], key: str, *, allow_empty: bool = True) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or (not allow_empty and not value):
        raise ServiceProtocolError(f"field {key!r} missing or not a string")
    return value


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ServiceProtocolError(f"{what} is not an object")
    return value


def verify_signed(doc: dict[str, Any], public_key: Ed25519PublicKey) -> None:
    signature = doc.get("signature")
    if not isinstance(signature, str):
        raise ServiceProtocolError("unsigned response")
    if doc.get("key_id") != codec.key_id(public_key).hex():
        raise ServiceProtocolError("response signed with an unknown key")
    unsigned = {k: v for k, v in doc.items() if k != "signature"}
    try:
        codec.verify_document(unsigned, signature, public_key)
    except codec.SignatureInvalid as exc:
        raise ServiceProtocolError(f"response signature invalid ({exc.reason})") from None


def parse_licence(value: Any, public_key: Ed25519PublicKey) -> Licence:
    doc = _dict(value, "licence")
    fields = {name: _str(doc, name) for name in codec.LICENCE_FIELDS}
    qr = _str(doc, "qr_payload", allow_empty=False)
    try:
        signed_fields = codec.decode_licence(qr, public_key)
    except codec.SignatureInvalid as exc:
        raise ServiceProtocolError(f"licence QR payload invalid ({exc.reason})") from None
    if signed_fields != fields:
        raise ServiceProtocolError("licence fields differ from its signed QR payload")
    if not credit_code.is_valid(fields["uscc"]) or fields["uscc"][1] != "2":
        raise ServiceProtocolError("licence carries an invalid credit code")
    return Licence(**fields, qr_payload=qr)


def parse_decision(value: Any, public_key: Ed25519PublicKey) -> Decision:
    doc = _dict(value, "decision")
    verify_signed(doc, public_key)
    outcome = _str(doc, "outcome")
    if outcome not in OUTCOMES:
        raise ServiceProtocolError("unknown outcome")
    reasons = doc.get("reasons")
    if not isinstance(reasons, list) or not all(
        isinstance(r, str) and _REASON.fullmatch(r) for r in reasons
    ):
        raise ServiceProtocolError("reasons malformed")
    tracking = _str(doc, "tracking_number")
    if outcome == "manual_review" and not tracking:
        raise ServiceProtocolError("manual review without tracking number")
    licence_doc = doc.get("licence")
    if outcome == "approved":
        licence: Licence | None = parse_licence(licence_doc, public_key)
    elif licence_doc is not None:
        raise ServiceProtocolError("licence on a decision that is not an approval")
    else:
        licence = None
    return Decision(
        outcome=outcome,
        application_id=_str(doc, "application_id", allow_empty=False),
        reasons=tuple(reasons),
        tracking_number=tracking,
        licence=licence,
    )


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_rating_receipt(value: Any, case_kind: str, case_id: str, level: str) -> RatingReceipt:
    """The answer to a rating: it must be about this case and level (a replay of another request
    would not be); a bad rating's follow-up carries its due date."""
    doc = _dict(value, "rating receipt")
    if (_str(doc, "case_kind"), _str(doc, "case_id"), _str(doc, "level")) != (case_kind, case_id, level):
        raise ServiceProtocolError("rating receipt for another case")
    follow_up = doc.get("follow_up")
    due = ""
    if follow_up is not None:
        due = _str(_dict(follow_up, "follow_up"), "due_date")
        if not _DATE.fullmatch(due):
            raise ServiceProtocolError("follow-up due date malformed")
    return RatingReceipt(rating_id=_str(doc, "rating_id", allow_empty=False), follow_up_due=due)


def parse_name_check(value: Any) -> NameCheck:
    doc = _dict(value, "name check")
    outcome = _str(doc, "outcome")
    if outcome not in NAME_OUTCOMES:
        raise ServiceProtocolError("unknown name-check outcome")
    full_name = _bounded(doc, "full_name")
    rows = _list(doc, "findings")
    if len(rows) > FINDINGS_MAX:
        raise ServiceProtocolError("too many name findings")
    findings = []
    for row in map(lambda x: _dict(x, "name finding"), rows):
        code = _str(row, "code")
        if not _REASON.fullmatch(code):
            raise ServiceProtocolError("name finding code malformed")
        severity, part = _str(row, "severity"), _str(row, "part")
        if severity not in SEVERITIES or part not in NAME_PARTS:
            raise ServiceProtocolError("name finding severity or part unknown")
        findings.append(NameFinding(code, severity, part, _bounded(row, "text"), _bounded(row, "suggestion")))
    return NameCheck(full_name, outcome, tuple(findings))


def _bounded(doc: dict[str, Any], key: str) -> str:
    value = _str(doc, key)
    if len(value) > NAME_TEXT_MAX:
        raise ServiceProtocolError(f"field {key!r} too long")
    return value


def parse_reference_data(value: Any) -> ReferenceData:
    doc = _dict(value, "reference data")
    scope = tuple(
        ScopeItem(
            code=_str(i, "code", allow_empty=False),
            name_zh=_str(i, "name_zh"),
            name_en=_str(i, "name_en"),
            permit=_permit(_str(i, "permit")),
            note_zh=_str(i, "note_zh"),
            note_en=_str(i, "note_en"),
        )
        for i in map(lambda x: _dict(x, "scope item"), _list(doc, "scope_items"))
    )
    forms = tuple(_strings(_list(doc, "organisation_forms")))
    industries = tuple(
        (_str(i, "code", allow_empty=False), _str(i, "name_zh"), _str(i, "name_en"))
        for i in map(lambda x: _dict(x, "industry"), _list(doc, "industries"))
    )
    divisions = tuple(
        Division(_str(d, "code", allow_empty=False), _str(d, "name_zh"), _str(d, "name_en"))
        for d in map(lambda x: _dict(x, "division"), _list(doc, "divisions"))
    )
    streets = tuple(
        (_str(s, "division_code", allow_empty=False), _str(s, "street", allow_empty=False))
        for s in map(lambda x: _dict(x, "street"), _list(doc, "streets"))
    )
    return ReferenceData(
        version=_str(doc, "version", allow_empty=False),
        scope_items=scope,
        organisation_forms=forms,
        industries=industries,
        divisions=divisions,
        streets=streets,
    )


def _permit(value: str) -> str:
    if value not in ("general", "post", "prior"):
        raise ServiceProtocolError("unknown permit class")
    return value


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if not isinstance(value, list):
        raise ServiceProtocolError(f"field {key!r} missing or not a list")
    return value


def _strings(values: list[Any]) -> list[str]:
    if not all(isinstance(v, str) for v in values):
        raise ServiceProtocolError("expected a list of strings")
    return values
