"""The reference registration authority's HTTP API, version 1 (FastAPI)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.convertors import Convertor, register_url_convertor
from starlette.types import ASGIApp, Receive, Scope, Send

from licence_wire import credit_code
from licence_wire.protocol import IDEMPOTENCY_KEY_PATTERN, KIOSK_ID_PATTERN
from registry_service import keys as keys_mod
from registry_service import verify_page
from registry_service.db import make_engine, migrate
from registry_service.limits import RateLimits, check_retention
from registry_service.name_check import check_name
from registry_service.naming import checker as name_checker
from registry_service.problems import PROBLEM_JSON, RequestGuard, install, problem_response
from registry_service.rate_limit import KioskRateLimiter, RateLimitGuard
from registry_service.ratings import RatingDesk
from registry_service.reference import catalogue
from registry_service.reference_download import MEDIA_TYPE, ReferenceDownload, accepts_gzip, etag_matches
from registry_service.registry import Registry, Reply
from registry_service.retention import Purger
from registry_service.schemas import (
    ApplicationIn,
    DecisionOut,
    HeartbeatIn,
    HeartbeatOut,
    NameCheckOut,
    NameCheckQuery,
    Problem,
    RatingIn,
    RatingOut,
    ReferenceBundleOut,
    ReferenceDataOut,
    SignedLicenceOut,
    VerifyIn,
    VerifyOut,
)
from registry_service.store import Unavailable
from registry_service.submit_route import SubmitEndpoint, is_submission

API_VERSION = "1.1.0"  # 1.1: ratings, name check, operator_id_type (operator_foreign_review, Latin names)
NAME_RULES_WARM_AFTER_S = 5.0
USCC_PATTERN = credit_code.PATTERN


class _UsccConvertor(Convertor[str]):
    """Route only well-formed credit codes to /licences/{uscc}, so that /licences/verify (and
    typos) are not swallowed by it: GET /licences/verify is a 405, not a 422."""

    regex = USCC_PATTERN[1:-1]

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("uscc", _UsccConvertor())


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ServiceSettings:
    database_url: str
    key_dir: Path
    max_body_bytes: int = 65536
    # Submissions run on at most this many threads per process. Each one is mostly two database
    # round trips, so a few overlap enough waiting; 40 (anyio's default) made the threads fight
    # over the GIL: on this 2-CPU machine 4 gave 1.5x the closed-loop throughput and a lower
    # p99 at 300/s than 40, 8 or 2 (docs/registration-api.md).
    submit_threads: int = 4
    rate_limits: RateLimits = field(default_factory=RateLimits)
    # Stored answers are kept this long, then cleared by a purge every purge_interval_s
    # (0: never in this process). Must exceed the kiosks' replay window (registry_service.retention).
    retention_hours: float = 90 * 24
    purge_interval_s: float = 3600.0
    # a second application by the same operator at the same authority within this many hours
    # goes to manual review (operator_recent_application); 0: off
    recent_application_hours: float = 24.0
    clock: Callable[[], datetime] = field(default=_now)  # a named function: settings pickle


_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before sending the same "
                                  "request again", "schema": {"type": "integer", "minimum": 1}}}


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Problem responses of a route; every route may answer 429 (per-kiosk rate limit)."""
    out: dict[int | str, dict[str, Any]] = {
        s: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "problem"}
        for s in statuses
    }
    out[429] = {"model": Problem, "content": {PROBLEM_JSON: {}}, "headers": _RETRY_AFTER,
                "description": "rate_limited: this kiosk sent too many requests; nothing was "
                "processed, send the same request again after Retry-After seconds"}
    return out


_PICKLIST_ETAG = {"description": "the pick lists' version in quotes; send it back in If-None-Match",
                  "schema": {"type": "string"}}
_BUNDLE_HEADERS = {
    "ETag": {"description": "the set's version (a content hash) in quotes; send it back in If-None-Match",
             "schema": {"type": "string"}},
    "Content-Encoding": {"description": "gzip when the request's Accept-Encoding allows it",
                         "schema": {"type": "string", "enum": ["gzip"]}},
}


IdemKey = Annotated[
    str, Header(alias="Idempotency-Key", pattern=IDEMPOTENCY_KEY_PATTERN,
                description="Client-chosen key; the same key always yields the same answer.")
]
KioskId = Annotated[str, Header(alias="X-Kiosk-Id", pattern=KIOSK_ID_PATTERN)]


def _reply(reply: Reply) -> Response:
    headers = {"Idempotent-Replayed": "true"} if reply.replayed else {}
    return Response(reply.body, reply.status, headers=headers, media_type="application/json")


class RegistryApp(FastAPI):
    """FastAPI, except that submissions take the lean path of ``submit_route`` (behind the
    same rate-limit and request guards)."""

    submission: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.submission is not None and is_submission(scope):
            await self.submission(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: ServiceSettings) -> RegistryApp:
    check_retention(settings.retention_hours)  # before anything is created
    engine = make_engine(settings.database_url)
    migrate(engine)
    authority = keys_mod.load_or_create(settings.key_dir)
    cat = catalogue()
    registry = Registry(engine, authority, cat, clock=settings.clock,
                        recent_application_hours=settings.recent_application_hours)
    desk = RatingDesk(registry.store, settings.clock)
    reference_json = cat.as_json()
    # The name rules' reference set takes about 0.6 s of CPU to load, once per process: loaded a
    # little after start-up rather than inside the first name check (which the kiosk gives two
    # seconds) or here, where an embedded service would spend it while the kiosk draws its first
    # frame. A request that comes first loads it itself (naming.checker() builds it once).
    warm = threading.Timer(NAME_RULES_WARM_AFTER_S, name_checker)
    warm.daemon = True
    warm.start()
    picklist_etag = f'"{cat.version}"'
    download = ReferenceDownload()

    app = RegistryApp(
        title="Individual-business registration API",
        version=API_VERSION,
        description="Submit an individual-business (个体工商户) application and receive an "
        "instant decision with a signed licence. Errors are RFC 9457 problem documents "
        "with a stable `code`.",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.registry = registry
    app.state.engine = engine
    app.state.keys = authority
    app.state.purger = None
    app.state.name_rules_warm = warm  # cancelled by embedded.stop()
    if settings.purge_interval_s > 0:
        app.state.purger = Purger(registry.store, settings.retention_hours,
                                  settings.purge_interval_s, settings.clock).start()
    install(app)
    app.add_middleware(RequestGuard, max_body=settings.max_body_bytes)
    app.state.rate_limiter = KioskRateLimiter(settings.rate_limits)
    app.add_middleware(RateLimitGuard, limiter=app.state.rate_limiter)
    endpoint = SubmitEndpoint(registry, settings.submit_threads)
    app.state.submit_pool = endpoint.pool
    app.submission = RateLimitGuard(RequestGuard(endpoint, settings.max_body_bytes),
                                    app.state.rate_limiter)

    @app.exception_handler(OperationalError)
    @app.exception_handler(Unavailable)
    async def _busy(_req: Request, _exc: Exception) -> JSONResponse:
        return problem_response(503, "service_busy", headers={"Retry-After": "1"})

    v1 = APIRouter(prefix="/v1")

    @v1.post(
        "/applications",
        status_code=201,
        response_model=DecisionOut,
        responses=_problems(400, 409, 410, 413, 415, 422, 503),
        summary="Submit an application; the decision is immediate",
    )
    async def submit(
        application: ApplicationIn, idempotency_key: IdemKey, kiosk_id: KioskId
    ) -> Response:
        # Served by submit_route.SubmitEndpoint; declared here for the OpenAPI document, and
        # kept answering identically (tests/registry_service/test_submit_route.py).
        reply = await asyncio.get_running_loop().run_in_executor(
            endpoint.pool, registry.submit, kiosk_id, idempotency_key, application)
        return _reply(reply)

    @v1.get(
        "/applications/{application_id}",
        response_model=DecisionOut,
        responses=_problems(404, 409, 410, 422),
        summary="Decision of an earlier submission",
    )
    def application(
        application_id: Annotated[str, PathParam(pattern=r"^[0-9a-f-]{36}$")],
    ) -> Response:
        return _reply(registry.application(application_id))

    # verify before {uscc}: otherwise /licences/verify routes as a licence code
    @v1.post(
        "/licences/verify",
        response_model=VerifyOut,
        responses=_problems(400, 413, 415, 422),
        summary="Check a licence QR payload's signature and registration",
    )
    def verify(body: VerifyIn) -> dict[str, Any]:
        return registry.verify(body.qr_payload)

    @v1.get(
        "/licences/{uscc:uscc}",
        response_model=SignedLicenceOut,
        responses=_problems(404, 422),
        summary="A licence as issued, signed",
    )
    def licence(uscc: Annotated[str, PathParam(pattern=USCC_PATTERN)]) -> dict[str, Any]:
        return registry.licence(uscc)

    @v1.get("/reference-data", response_model=ReferenceDataOut,
            responses={**_problems(), 200: {"headers": {"ETag": _PICKLIST_ETAG}},
                       304: {"description": "If-None-Match named the current version"}},
            summary="Pick lists for the application form")
    def reference_data(response: Response,
                       if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None) -> Any:
        if etag_matches(if_none_match, picklist_etag):
            return Response(status_code=304, headers={"ETag": picklist_etag})
        response.headers["ETag"] = picklist_etag
        return reference_json

    @v1.get("/names/check", response_model=NameCheckOut, responses=_problems(422),
            summary="Preview and check a business name while the applicant writes it",
            description="Every name rule at once: the whole name (行政区划 + 字号 + 行业 + 组织形式) "
            "and the findings, each with a stable code and a severity (reject, review, warn). "
            "Reads only; the decision at submission applies the same rules and is the one "
            "that counts.")
    def names_check(query: Annotated[NameCheckQuery, Query()]) -> dict[str, Any]:
        return check_name(engine, division_code=query.division_code, trade_name=query.trade_name,
                          industry_term=query.industry_term, organisation_form=query.organisation_form,
                          industry_code=query.industry_code).as_dict()


    @v1.get(
        "/reference-data/national",
        response_class=Response,
        responses={
            200: {"model": ReferenceBundleOut, "description": "the whole set; gzip-encoded when accepted",
                  "headers": _BUNDLE_HEADERS},
            304: {"description": "If-None-Match named the current version: keep the cached copy",
                  "headers": {"ETag": _BUNDLE_HEADERS["ETag"]}},
            **_problems(),
        },
        summary="The national reference set (GB/T 2260 divisions, GB/T 4754 industries, scope catalogue)",
    )
    def national_reference(
        if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
        accept_encoding: Annotated[str | None, Header(alias="Accept-Encoding")] = None,
    ) -> Response:
        bundle = download.bundle()
        headers = {"ETag": bundle.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if etag_matches(if_none_match, bundle.etag):
            return Response(status_code=304, headers=headers)
        if accepts_gzip(accept_encoding):
            return Response(bundle.gzipped, media_type=MEDIA_TYPE, headers={**headers, "Content-Encoding": "gzip"})
        return Response(bundle.plain, media_type=MEDIA_TYPE, headers=headers)

    @v1.post("/heartbeat", response_model=HeartbeatOut,
             responses=_problems(400, 413, 415, 422), summary="Kiosk liveness")
    def heartbeat(body: HeartbeatIn, kiosk_id: KioskId) -> dict[str, str]:
        return registry.heartbeat(kiosk_id, body.software_version, body.status)

    @v1.post(
        "/ratings",
        status_code=201,
        response_model=RatingOut,
        responses=_problems(400, 409, 413, 415, 422, 503),
        summary="Rate the service of one case (好差评); a bad rating opens a follow-up",
        description="One rating per case (case_kind, case_id) and kiosk. Idempotent: the same "
        "Idempotency-Key with the same body returns the first answer (Idempotent-Replayed: "
        "true); with another body 422 idempotency_key_reused. Another key for a case already "
        "rated: 409 case_already_rated. An application id this kiosk did not submit: 422 "
        "case_not_found. A rating of dissatisfied or below names at least one reason and "
        "opens a follow-up due in 5 working days (Beijing).",
    )
    def rate(body: RatingIn, idempotency_key: IdemKey, kiosk_id: KioskId) -> Response:
        return _reply(desk.rate(kiosk_id, idempotency_key, body))

    app.include_router(v1)

    # A page for people (the QR code the kiosk's screen shows), not part of the API: no version
    # prefix, HTML, left out of the OpenAPI document.
    @app.get("/verify/{uscc}", response_class=HTMLResponse, include_in_schema=False)
    def verify_page_(uscc: str) -> HTMLResponse:
        record = registry.public_record(uscc) if credit_code.is_valid(uscc) else None
        if record is None:
            return HTMLResponse(verify_page.not_found_page(uscc), 404, headers=verify_page.HEADERS)
        return HTMLResponse(verify_page.licence_page(record), headers=verify_page.HEADERS)

    return app
