"""application/problem+json errors with stable codes, and the request-size/media-type guard.

Every failure leaves as a problem document: FastAPI's default HTML/JSON error shapes would
make the kiosk parse several formats, and an unhandled exception must never show a traceback.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("registry_service")
_LENGTH = re.compile(r"[0-9]{1,19}", re.ASCII)  # not isdigit(): superscript 2 is a latin-1 digit
PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://licence-kiosk.example/problems/"

TITLES = {
    "malformed_json": "Request body is not valid JSON",
    "malformed_request": "Request framing is malformed (e.g. Content-Length)",
    "invalid_request": "Request does not match the schema",
    "idempotency_key_missing": "Idempotency-Key header missing or malformed",
    "kiosk_id_missing": "X-Kiosk-Id header missing or malformed",
    "idempotency_key_reused": "Idempotency-Key was used with a different request",
    "idempotency_key_expired": "The answer stored for this Idempotency-Key is past its retention",
    "application_expired": "The stored decision of this application is past its retention",
    "request_in_progress": "The first request with this Idempotency-Key is still in progress",
    "body_too_large": "Request body too large",
    "unsupported_media_type": "Content-Type must be application/json",
    "not_found": "Not found",
    "application_not_found": "No such application",
    "licence_not_found": "No such licence",
    "method_not_allowed": "Method not allowed",
    "service_busy": "Service busy, retry later",
    "case_not_found": "No application of this kiosk has this case number",
    "case_already_rated": "This case has been rated already",
    "rate_limited": "Too many requests from this kiosk, retry after Retry-After seconds",
    "internal_error": "Internal error",
}


class ProblemError(Exception):
    def __init__(
        self, status: int, code: str, detail: str = "", headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.detail, self.headers = status, code, detail, headers or {}


def problem_response(
    status: int,
    code: str,
    detail: str = "",
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": TITLES.get(code, code),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_problem(exc: RequestValidationError) -> JSONResponse:
    errors = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ())]
        if e.get("type") == "json_invalid":
            return problem_response(400, "malformed_json", str(e.get("msg", "")))
        if loc[:1] == ["header"]:
            name = loc[1].lower() if len(loc) > 1 else ""
            if name == "idempotency-key":
                return problem_response(400, "idempotency_key_missing")
            if name == "x-kiosk-id":
                return problem_response(400, "kiosk_id_missing")
        # never echo the rejected input: it may be personal data
        errors.append({"field": ".".join(loc), "type": str(e.get("type", ""))})
    return problem_response(422, "invalid_request", "see errors", errors)


def install(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(_req: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc.status, exc.code, exc.detail, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_problem(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "invalid_request")
        return problem_response(exc.status_code, code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error: %s", type(exc).__name__)
        return problem_response(500, "internal_error")


class RequestGuard:
    """Pure ASGI middleware: buffers at most ``max_body`` bytes and refuses non-JSON bodies
    before FastAPI parses anything (so an oversize body never reaches the JSON decoder)."""

    def __init__(self, app: ASGIApp, max_body: int = 65536) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = content_type = None
        for name, value in scope["headers"]:  # ASGI header names are lower-case already
            if name == b"content-length" and declared is None:
                declared = value.decode("latin-1")
            elif name == b"content-type" and content_type is None:
                content_type = value.decode("latin-1")
        if declared is not None and not _LENGTH.fullmatch(declared):
            await self._reject(scope, send, 400, "malformed_request")
            return
        if declared is not None and int(declared) > self.max_body:
            await self._reject(scope, send, 413, "body_too_large")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._reject(scope, send, 413, "body_too_large")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        media = (content_type or "").split(";")[0].strip().lower()
        if body and not (media == "application/json" or media.endswith("+json")):
            await self._reject(scope, send, 415, "unsupported_media_type")
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _reject(scope: Scope, send: Send, status: int, code: str) -> None:
        payload = json.dumps(
            {"type": TYPE_BASE + code, "title": TITLES[code], "status": status, "code": code,
             "detail": ""}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})
