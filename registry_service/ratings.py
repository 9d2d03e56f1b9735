"""Service ratings (好差评): one per case, stored with the exact answer, and a follow-up record
with a deadline for every bad one.

Idempotent like submissions: the kiosk's outbox sends a rating under one Idempotency-Key until
it hears an answer, so a rating sent twice (the answer lost, the kiosk restarted) is stored once
and the replay gets the first answer back. One rating per case besides: a second rating of the
same case under another key is refused (409 case_already_rated), so a case cannot be rated
again by whoever stands at the kiosk next.

Everything happens in one write transaction (read the key, check the case, insert rating and
follow-up); two requests racing past the read collide on a unique index, and the loser reads
again and answers as the winner's replay or as the conflict it is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.exc import IntegrityError

from licence_wire import rating as wire
from registry_service.orm import ApplicationRow, FollowUpRow, RatingRow
from registry_service.problems import ProblemError
from registry_service.registry import Reply
from registry_service.schemas import RatingIn
from registry_service.store import SubmissionStore
from registry_service.workdays import add_working_days

_R = RatingRow.__table__
_F = FollowUpRow.__table__
_A = ApplicationRow.__table__
CHINA_TZ = timezone(timedelta(hours=8))  # deadlines count Beijing working days

_PRIOR = select(_R.c.request_hash, _R.c.response_status, _R.c.response_body)


def _json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


class RatingDesk:
    def __init__(self, store: SubmissionStore, clock: Callable[[], datetime]) -> None:
        self.store, self.clock = store, clock

    def rate(self, kiosk_id: str, key: str, rating: RatingIn) -> Reply:
        fingerprint = hashlib.sha256(rating.model_dump_json().encode()).hexdigest()
        for _attempt in range(2):
            try:
                with self.store.write_transaction() as c:
                    prior = c.execute(_PRIOR.where(_R.c.kiosk_id == kiosk_id,
                                                   _R.c.idempotency_key == key)).first()
                    if prior is None:
                        self._check_case(c, kiosk_id, rating)
                        prior = self._rated_already(c, kiosk_id, key, rating)
                    if prior is not None:
                        return _replay(prior, fingerprint)
                    reply, row, follow_up = self._record(kiosk_id, key, fingerprint, rating)
                    rating_id = c.execute(insert(_R).values(row).returning(_R.c.id)).scalar_one()
                    if follow_up is not None:
                        c.execute(insert(_F).values(**follow_up, rating_id=rating_id))
                    return reply
            except IntegrityError:
                continue  # a concurrent request with this key or for this case won: read again
        raise ProblemError(503, "service_busy", headers={"Retry-After": "1"})

    @staticmethod
    def _check_case(c: Any, kiosk_id: str, rating: RatingIn) -> None:
        """A submitted case: the application exists and this kiosk submitted it."""
        if rating.case_kind == "application":
            known = c.execute(select(exists().where(_A.c.public_id == rating.case_id,
                                                    _A.c.kiosk_id == kiosk_id))).scalar()
            if not known:
                raise ProblemError(422, "case_not_found")

    @staticmethod
    def _rated_already(c: Any, kiosk_id: str, key: str, rating: RatingIn) -> Any:
        """The case's rating under this key (to replay), None for an unrated case, 409 for one
        rated under another key. Under PostgreSQL's READ COMMITTED each statement sees what was
        committed before it, so a request with this same key may have committed since the key
        was looked up: that is a replay, not a second rating."""
        taken = c.execute(select(_R.c.idempotency_key, *_PRIOR.selected_columns).where(
            _R.c.kiosk_id == kiosk_id, _R.c.case_kind == rating.case_kind,
            _R.c.case_id == rating.case_id)).first()
        if taken is None:
            return None
        if taken[0] != key:
            raise ProblemError(409, "case_already_rated")
        return taken[1:]

    def _record(self, kiosk_id: str, key: str, fingerprint: str,
                rating: RatingIn) -> tuple[Reply, dict[str, Any], dict[str, Any] | None]:
        now = self.clock()
        public_id = str(uuid.uuid4())
        follow_up: dict[str, Any] | None = None
        follow_up_doc: dict[str, Any] | None = None
        if rating.level in wire.BAD_LEVELS:
            due = add_working_days(now.astimezone(CHINA_TZ).date(), wire.FOLLOW_UP_WORKING_DAYS)
            indicators = sorted({wire.REASONS[r] for r in rating.reasons}, key=wire.INDICATORS.index)
            follow_up = {"public_id": str(uuid.uuid4()), "indicators": ",".join(indicators),
                         "due_date": due, "status": "open", "created_at": now}
            follow_up_doc = {"follow_up_id": follow_up["public_id"], "due_date": due.isoformat(),
                             "working_days": wire.FOLLOW_UP_WORKING_DAYS, "status": "open"}
        body = _json({
            "rating_id": public_id,
            "case_kind": rating.case_kind,
            "case_id": rating.case_id,
            "level": rating.level,
            "received_at": now.astimezone(UTC).isoformat(timespec="seconds"),
            "follow_up": follow_up_doc,
        })
        row = {"public_id": public_id, "kiosk_id": kiosk_id, "idempotency_key": key,
               "request_hash": fingerprint, "case_kind": rating.case_kind, "case_id": rating.case_id,
               "ending": rating.ending, "level": rating.level, "reasons": ",".join(rating.reasons),
               "rated_at": rating.rated_at, "response_status": 201, "response_body": body,
               "created_at": now}
        return Reply(201, body), row, follow_up


def _replay(prior: Any, fingerprint: str) -> Reply:
    request_hash, status, body = prior
    if not hmac.compare_digest(request_hash, fingerprint):
        raise ProblemError(422, "idempotency_key_reused")
    return Reply(status, body, True)
