"""Submission with idempotency, the instant decision and licence issue.

Per new submission: one read (is the key known, is the 字号 taken, the next serial), the
decision in memory, one atomic write of the application with its exact response and its
licence (registry_service.store). A process that dies before the write leaves nothing and the
kiosk's retry starts afresh; one that dies after it leaves the stored response, which the retry
gets back byte for byte. Two requests racing with one key both decide, one insert wins on the
unique key and the other returns the winner's stored answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from licence_wire import codec
from registry_service import verify_page
from registry_service.checks import issue_uscc
from registry_service.keys import AuthorityKeys
from registry_service.orm import ApplicationRow, KioskRow, LicenceRow
from registry_service.problems import ProblemError
from registry_service.reference import Catalogue
from registry_service.rules import APPROVED, MANUAL_REVIEW, NOTICE, assess, name_key
from registry_service.schemas import ApplicationIn, canonical_json
from registry_service.store import Conflict, Seen, SubmissionStore

_K = KioskRow.__table__
CHINA_TZ = timezone(timedelta(hours=8))  # registration dates and ages are Beijing time
ENTITY_TYPE = "个体工商户"


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    replayed: bool = False


@dataclass(frozen=True)
class _Rows:
    application: dict[str, Any]
    licence: dict[str, Any] | None


def _json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


class Registry:
    def __init__(
        self,
        engine: Engine,
        keys: AuthorityKeys,
        catalogue: Catalogue,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        recent_application_hours: float = 24.0,
    ) -> None:
        if recent_application_hours < 0:
            raise ValueError("recent_application_hours must be 0 (off) or more")
        self.engine = engine
        self.recent_window = timedelta(hours=recent_application_hours) if recent_application_hours else None
        self.keys = keys
        self.catalogue = catalogue
        self.clock = clock
        self.store = SubmissionStore(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._hmac_key = hashlib.sha256(b"fingerprint\x00" + keys.secret).digest()
        self._operator_key = hashlib.sha256(b"operator\x00" + keys.secret).digest()
        self._seal = AESGCM(hashlib.sha256(b"seal\x00" + keys.secret).digest())
        self._kid_bytes = codec.key_id(keys.public_key)
        self._kid = self._kid_bytes.hex()
        codec.b45encode(b"")  # the Base45 table, built now rather than in the first request

    # --- submission ---------------------------------------------------------------------
    def submit(self, kiosk_id: str, idem_key: str, application: ApplicationIn) -> Reply:
        # the canonical form behind the request fingerprint (tests/registry_service/test_fingerprint.py)
        plain = canonical_json(application)
        fingerprint = hmac.new(self._hmac_key, plain.encode(), hashlib.sha256).hexdigest()
        a = application
        key = name_key(a.trade_name)
        operator_ref = self._operator_ref(a)
        since = self.clock() - self.recent_window if self.recent_window else None
        for _attempt in range(3):
            try:
                with self.store.unit() as c:
                    seen = self.store.look(c, kiosk_id, idem_key, a.division_code,
                                           a.industry_code, key, operator_ref if since else None, since)
                    if seen.request_hash is not None:
                        return _replay(seen, fingerprint)
                    reply, rows = self._decide(seen, kiosk_id, idem_key, fingerprint, plain, a,
                                               operator_ref)
                    if self.store.write(c, rows.application, rows.licence):
                        return reply
                    # a concurrent request with this key won: its answer is the answer
                    return _replay(self.store.prior(c, kiosk_id, idem_key), fingerprint)
            except Conflict:
                # Lost a race for the same 字号 (or, impossibly, the code): decide again, the
                # next read sees the winner.
                continue
        raise ProblemError(503, "service_busy", headers={"Retry-After": "1"})

    def _operator_ref(self, a: ApplicationIn) -> str | None:
        """Keyed hash of the operator's ID number at the authority of the application's
        division (None when the division is unknown: the application is refused anyway)."""
        division = self.catalogue.division(a.division_code)
        if division is None:
            return None
        text = f"{division.authority_zh}\x00{a.operator_id_number}".encode()
        return hmac.new(self._operator_key, text, hashlib.sha256).hexdigest()

    def _decide(self, seen: Seen, kiosk_id: str, idem_key: str, fingerprint: str, plain: str,
                a: ApplicationIn, operator_ref: str | None = None) -> tuple[Reply, _Rows]:
        now = self.clock()
        today = now.astimezone(CHINA_TZ).date()
        serial = seen.serial
        result = assess(
            operator_name=a.operator_name,
            operator_id_number=a.operator_id_number,
            operator_birth_date=a.operator_birth_date,
            operator_id_type=a.operator_id_type,
            composition=a.composition,
            trade_name=a.trade_name,
            industry_code=a.industry_code,
            industry_term=a.industry_term,
            organisation_form=a.organisation_form,
            division_code=a.division_code,
            premises=a.premises,
            scope_codes=list(a.scope_codes),
            cat=self.catalogue,
            today=today,
            is_taken=lambda _key: seen.name_taken,  # looked up for name_key(a.trade_name)
            has_recent_application=seen.recent_application,
        )
        outcome = result.outcome
        # notices (e.g. post-permit) only make sense on an approval
        reasons = [r for r in result.reasons if outcome == APPROVED or r not in NOTICE]
        licence: dict[str, str] | None = None
        licence_row: dict[str, Any] | None = None
        tracking = ""
        if outcome == APPROVED:
            fields = {
                "uscc": issue_uscc(a.division_code, serial),
                "name": result.name,
                "entity_type": ENTITY_TYPE,
                "operator": a.operator_name,
                "composition": result.composition,
                "premises": result.premises,
                "scope": result.scope_text,
                "registration_date": today.isoformat(),
                "authority": result.authority,
            }
            qr = codec.encode_licence(fields, self.keys.private_key, self._kid_bytes)
            licence = {**fields, "qr_payload": qr}
            licence_row = {
                **{k: v for k, v in fields.items() if k != "entity_type"},
                "division_code": a.division_code,
                "industry_code": a.industry_code,
                "trade_name_key": name_key(a.trade_name),
                "qr_payload": qr,
                "status": "active",
                "created_at": now,
            }
        elif outcome == MANUAL_REVIEW:
            tracking = f"MR{today:%Y%m%d}{serial:08d}"
        public_id = str(uuid.uuid4())
        body = _json(
            self._signed(
                {
                    "application_id": public_id,
                    "outcome": outcome,
                    "reasons": reasons,
                    "tracking_number": tracking,
                    "licence": licence,
                    "decided_at": now.astimezone(UTC).isoformat(timespec="seconds"),
                }
            )
        )
        status = 201
        sealed = None
        if outcome == MANUAL_REVIEW:  # only manual review needs the application, for a person
            nonce = os.urandom(12)
            sealed = nonce + self._seal.encrypt(nonce, plain.encode(), kiosk_id.encode())
        application_row = {
            "id": serial,
            "public_id": public_id,
            "kiosk_id": kiosk_id,
            "idempotency_key": idem_key,
            "request_hash": fingerprint,
            "outcome": outcome,
            "tracking_number": tracking or None,
            "response_status": status,
            "response_body": body,
            "sealed_application": sealed,
            "created_at": now,
            "operator_ref": operator_ref,
        }
        return Reply(status, body), _Rows(application_row, licence_row)

    def _signed(self, doc: dict[str, Any]) -> dict[str, Any]:
        doc = {**doc, "key_id": self._kid}
        return {**doc, "signature": codec.sign_document(doc, self.keys.private_key)}

    # --- reads --------------------------------------------------------------------------
    def application(self, public_id: str) -> Reply:
        with self._sessions() as s:
            row = s.scalars(
                select(ApplicationRow).where(ApplicationRow.public_id == public_id)
            ).one_or_none()
            if row is None:
                raise ProblemError(404, "application_not_found")
            if row.response_body is None:  # cleared after the retention period
                raise ProblemError(410, "application_expired")
            return Reply(200, row.response_body)

    def licence(self, uscc: str) -> dict[str, Any]:
        with self._sessions() as s:
            row = s.get(LicenceRow, uscc)
            if row is None:
                raise ProblemError(404, "licence_not_found")
            return self._signed(_licence_doc(row) | {"status": row.status})

    def public_record(self, uscc: str) -> dict[str, Any] | None:
        """What the public verification page shows of a licence (verify_page.PUBLIC_FIELDS), or
        None when no licence has this code."""
        with self._sessions() as s:
            row = s.get(LicenceRow, uscc)
            if row is None:
                return None
            doc = _licence_doc(row) | {"status": row.status}
        return {k: v for k, v in doc.items() if k in verify_page.PUBLIC_FIELDS}

    def verify(self, qr_payload: str) -> dict[str, Any]:
        try:
            fields = codec.decode_licence(qr_payload, self.keys.public_key)
        except codec.SignatureInvalid as exc:
            return {"valid": False, "reason": exc.reason, "licence": None}
        with self._sessions() as s:
            row = s.get(LicenceRow, fields["uscc"])
        if row is None or row.qr_payload != qr_payload.strip():
            return {"valid": False, "reason": "not_registered", "licence": None}
        if row.status != "active":
            return {"valid": False, "reason": "revoked", "licence": _licence_doc(row)}
        return {"valid": True, "reason": "ok", "licence": _licence_doc(row)}

    def heartbeat(self, kiosk_id: str, software_version: str, status: str) -> dict[str, str]:
        now = self.clock()
        values = {"last_seen": now, "software_version": software_version, "status": status}
        for _ in range(2):
            try:
                with self.store.write_transaction() as c:
                    if not c.execute(update(_K).where(_K.c.kiosk_id == kiosk_id)
                                     .values(**values)).rowcount:
                        c.execute(insert(_K).values(kiosk_id=kiosk_id, **values))
                break
            except IntegrityError:
                continue  # two first heartbeats raced; the second pass updates
        return {
            "server_time": now.astimezone(UTC).isoformat(timespec="seconds"),
            "reference_data_version": self.catalogue.version,
        }

    def unseal(self, public_id: str) -> dict[str, Any] | None:
        """The application of a manual-review case, for the person deciding it."""
        with self._sessions() as s:
            row = s.scalars(
                select(ApplicationRow).where(ApplicationRow.public_id == public_id)
            ).one_or_none()
            if row is None or row.sealed_application is None:
                return None
            blob = row.sealed_application
            plain = self._seal.decrypt(blob[:12], blob[12:], row.kiosk_id.encode())
            return json.loads(plain)


def _replay(seen: Seen, fingerprint: str) -> Reply:
    if seen.response_body is None:  # a tombstone: the retention period is over
        raise ProblemError(410, "idempotency_key_expired")
    if not hmac.compare_digest(seen.request_hash or "", fingerprint):
        raise ProblemError(422, "idempotency_key_reused")
    assert seen.response_status is not None
    return Reply(seen.response_status, seen.response_body, True)


def _licence_doc(row: LicenceRow) -> dict[str, Any]:
    return {
        "uscc": row.uscc,
        "name": row.name,
        "entity_type": ENTITY_TYPE,
        "operator": row.operator,
        "composition": row.composition,
        "premises": row.premises,
        "scope": row.scope,
        "registration_date": row.registration_date,
        "authority": row.authority,
        "qr_payload": row.qr_payload,
    }

