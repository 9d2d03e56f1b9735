"""POST /v1/applications without FastAPI's routing and dependency machinery.

The submission is the one endpoint under load. Through FastAPI it crossed nine middleware and
routing layers, a dependency solver, a second validation pass over the headers and anyio's
thread hand-off; together about two thirds of the service's CPU per submission, more than the
decision, the signatures and the database work (docs/registration-api.md). This endpoint does
the same work directly: headers checked with the shared ASCII patterns, the body decoded once
and validated once by the same strict pydantic model, the decision on a small thread pool of
its own, the stored response sent as it is.

The answers are the FastAPI route's, byte for byte and code for code: that route stays
declared in the app as the OpenAPI contract's definition of the operation, and a test sends
the same corpus of good and broken requests through both.
"""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from starlette.types import Receive, Scope, Send

from licence_wire.protocol import REPLAYED_HEADER, valid_idempotency_key, valid_kiosk_id
from registry_service.problems import ProblemError, problem_response
from registry_service.registry import Registry, Reply
from registry_service.schemas import ApplicationIn
from registry_service.store import Unavailable

log = logging.getLogger("registry_service")
PATH = "/v1/applications"
_JSON = b"application/json"
_REPLAYED = (REPLAYED_HEADER.lower().encode(), b"true")


def is_submission(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == PATH


def body_errors(exc: ValidationError) -> list[dict[str, str]]:
    """FastAPI's shape: the location under "body", never the rejected value."""
    return [{"field": ".".join(["body", *map(str, e["loc"])]), "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)]


_EMPTY = object()


def decode(body: bytes) -> Any:
    """The body as FastAPI decodes it: Python's json (BOMs and UTF-16/32 detected). Its
    errors: 400 malformed_json, or 400 invalid_request for what json.loads raises besides a
    decode error (invalid UTF-8, nesting too deep)."""
    if not body:
        return _EMPTY
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        raise ProblemError(400, "malformed_json", "JSON decode error") from None
    except Exception:
        raise ProblemError(400, "invalid_request") from None


def validate(doc: Any) -> ApplicationIn:
    """The strict model, with FastAPI's error shapes: 422 invalid_request."""
    if doc is _EMPTY:
        raise _invalid([{"field": "body", "type": "missing"}])
    if not isinstance(doc, dict):
        raise _invalid([{"field": "body", "type": "model_attributes_type"}])
    try:
        return ApplicationIn.model_validate(doc)
    except ValidationError as exc:
        raise _invalid(body_errors(exc)) from None


def _invalid(errors: list[dict[str, str]]) -> ProblemError:
    err = ProblemError(422, "invalid_request", "see errors")
    err.errors = errors  # type: ignore[attr-defined]
    return err


class SubmitEndpoint:
    """The ASGI endpoint. Runs inside the same rate-limit and request guards as every route,
    so the body it gets is complete, JSON-typed and at most the size limit."""

    def __init__(self, registry: Registry, threads: int) -> None:
        self.registry = registry
        # Each submission is mostly two database round trips: a few threads overlap enough of
        # the waiting, more only contend for the GIL (app.ServiceSettings.submit_threads).
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="submit")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await _body(receive)
            try:  # the usual case in one pass: headers, then the body parsed and validated in Rust
                key, kiosk = _headers(scope)
                application = ApplicationIn.model_validate_json(body)
            except (ProblemError, ValidationError):
                # The exact answer, as FastAPI's: JSON, then headers, then schema. Where pydantic's
                # parser accepts a body, Python's json reads the same fields (duplicate keys: the
                # last wins in both); only what it refuses needs this second look.
                doc = decode(body)
                key, kiosk = _headers(scope)
                application = validate(doc)
            reply = await asyncio.get_running_loop().run_in_executor(
                self.pool, self.registry.submit, kiosk, key, application)
        except ProblemError as exc:
            await problem_response(exc.status, exc.code, exc.detail, getattr(exc, "errors", None),
                                   exc.headers or None)(scope, receive, send)
            return
        except (OperationalError, Unavailable):
            await problem_response(503, "service_busy", headers={"Retry-After": "1"})(
                scope, receive, send)
            return
        except Exception as exc:
            log.exception("unhandled error: %s", type(exc).__name__)
            await problem_response(500, "internal_error")(scope, receive, send)
            return
        await send_reply(send, reply)


async def send_reply(send: Send, reply: Reply) -> None:
    body = reply.body.encode()
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", _JSON)]
    if reply.replayed:
        headers.append(_REPLAYED)
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _headers(scope: Scope) -> tuple[str, str]:
    """Idempotency-Key and X-Kiosk-Id, first occurrence of each, in FastAPI's order of checks."""
    key = kiosk = None
    for name, value in scope["headers"]:
        if name == b"idempotency-key" and key is None:
            key = value.decode("latin-1")
        elif name == b"x-kiosk-id" and kiosk is None:
            kiosk = value.decode("latin-1")
    if key is None or not valid_idempotency_key(key):
        raise ProblemError(400, "idempotency_key_missing")
    if kiosk is None or not valid_kiosk_id(kiosk):
        raise ProblemError(400, "kiosk_id_missing")
    return key, kiosk


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message: dict[str, Any] = await receive()  # type: ignore[assignment]
        if message["type"] == "http.disconnect":
            raise ProblemError(400, "malformed_request", "client went away")
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
