"""`python -m registry_service` / `python main.py registry-service`: run the service alone.

Every argument is checked before anything starts (files readable, certificate and key a
matching PEM pair, port in range, address free); a bad one is one line on stderr and exit
status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import ssl
import sys
from pathlib import Path

from licence_wire.protocol import REPLAY_WINDOW_HOURS
from registry_service import server
from registry_service.limits import ConnectionLimits, RateLimits, check_retention

DEFAULT_DB = "sqlite:///var/registry/registry.db"
DEFAULT_KEYS = "var/registry/keys"
PROG = "registry-service"
_INTEGER = re.compile(r"-?[0-9]{1,9}", re.ASCII)
_DECIMAL = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,6})?", re.ASCII)
_DURATION = re.compile(r"([0-9]{1,6})([hd])", re.ASCII)
DEFAULT_RETENTION_HOURS = 90 * 24


class UsageError(Exception):
    """An argument that cannot work; the message names it."""


def _whole(text: str, what: str = "a whole number") -> int:
    # not int(text) alone: it also reads full-width and other Unicode digits
    if not _INTEGER.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not {what}: {text!r}")
    return int(text)


def _positive(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seconds(text: str) -> float:
    if not _DECIMAL.fullmatch(text) or not 0 < float(text) <= 3600:
        raise argparse.ArgumentTypeError(f"must be seconds, more than 0 and at most 3600: {text!r}")
    return float(text)


def _duration(text: str) -> float:
    """Hours, from '2160h' or '90d'."""
    m = _DURATION.fullmatch(text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a duration like 2160h or 90d: {text!r}")
    return _retention(str(int(m[1]) * (24 if m[2] == "d" else 1)))


def _retention(text: str) -> float:
    hours = float(_whole(text, "a number of hours"))
    try:
        check_retention(hours)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return hours


def _interval(text: str) -> float:
    if text == "0":
        return 0.0
    if not _DECIMAL.fullmatch(text) or not 0 < float(text) <= 86400:
        raise argparse.ArgumentTypeError(f"must be 0 or seconds up to 86400: {text!r}")
    return float(text)


def _port(text: str) -> int:
    value = _whole(text, "a port number")
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 1-65535, not {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8600, help="TCP port 1-65535 (default 8600)")
    parser.add_argument(
        "--database",
        default=os.environ.get("REGISTRY_DATABASE_URL", DEFAULT_DB),
        help="SQLAlchemy URL, e.g. sqlite:///reg.db or postgresql://user@host/db "
        f"(default $REGISTRY_DATABASE_URL or {DEFAULT_DB})",
    )
    parser.add_argument(
        "--key-dir",
        default=os.environ.get("REGISTRY_KEY_DIR", DEFAULT_KEYS),
        help="directory of the authority's Ed25519 key (created on first start)",
    )
    parser.add_argument(
        "--workers", type=_positive, default=1,
        help="worker processes (PostgreSQL; SQLite allows only 1)",
    )
    parser.add_argument(
        "--submit-threads", type=_positive,
        default=os.environ.get("REGISTRY_SUBMIT_THREADS", "4"),  # a string: the type checks it
        help="threads per process deciding submissions (default $REGISTRY_SUBMIT_THREADS or 4)",
    )
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", help="... and this key (PEM); required with --tls-cert")
    parser.add_argument("--client-ca", help="require kiosk client certificates from this CA (PEM)")
    d = ConnectionLimits()
    limits = parser.add_argument_group("connection limits (per worker process)")
    limits.add_argument("--max-head-bytes", type=_positive, default=d.max_head_bytes,
                        help=f"request line + headers; more is 431 (default {d.max_head_bytes})")
    limits.add_argument("--head-timeout", type=_seconds, default=d.head_timeout_s,
                        help="seconds from a request's first byte to the end of its headers; "
                        f"later is 408 (default {d.head_timeout_s:g})")
    limits.add_argument("--body-timeout", type=_seconds, default=d.body_timeout_s,
                        help=f"seconds from the headers to the end of the body (default {d.body_timeout_s:g})")
    limits.add_argument("--idle-timeout", type=_seconds, default=d.idle_timeout_s,
                        help="seconds a connection may wait for its next request "
                        f"(default {d.idle_timeout_s:g})")
    limits.add_argument("--max-connections-per-client", type=_positive,
                        default=d.max_connections_per_client,
                        help="open connections per client address; more are 503 "
                        f"(default {d.max_connections_per_client})")
    limits.add_argument("--max-connections", type=_positive, default=d.max_connections,
                        help=f"open connections in all (default {d.max_connections})")
    r = RateLimits()
    rates = parser.add_argument_group(
        "per-kiosk rate limits (per worker process; beyond them: 429 with Retry-After)")
    rates.add_argument("--submit-rate", type=_positive, default=r.submit_per_minute,
                       help=f"submissions per minute and kiosk (default {r.submit_per_minute})")
    rates.add_argument("--submit-burst", type=_positive, default=r.submit_burst,
                       help=f"... of which at once (default {r.submit_burst})")
    rates.add_argument("--request-rate", type=_positive, default=r.request_per_minute,
                       help=f"other requests per minute and kiosk (default {r.request_per_minute})")
    rates.add_argument("--request-burst", type=_positive, default=r.request_burst,
                       help=f"... of which at once (default {r.request_burst})")
    retention = parser.add_argument_group("retention of stored answers (idempotency records)")
    retention.add_argument("--retention-hours", type=_retention, default=DEFAULT_RETENTION_HOURS,
                           help="keep each stored answer this long; more than the kiosks' replay "
                           f"window of {REPLAY_WINDOW_HOURS} h (default {DEFAULT_RETENTION_HOURS})")
    retention.add_argument("--purge-interval", type=_interval, default=3600.0,
                           help="seconds between purges in each process; 0: none (default 3600)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    purge = sub.add_parser("purge", help="clear stored answers past their retention, now",
                           description="Clear the stored answers (idempotency records) of "
                           "applications decided before the given age. Rows and keys stay: a "
                           "replay that late gets 410 idempotency_key_expired, never a second "
                           "decision. Kiosks replay for at most "
                           f"{REPLAY_WINDOW_HOURS} hours, so younger answers are never cleared.")
    purge.add_argument("--database", default=os.environ.get("REGISTRY_DATABASE_URL", DEFAULT_DB),
                       help=f"SQLAlchemy URL (default $REGISTRY_DATABASE_URL or {DEFAULT_DB})")
    purge.add_argument("--older-than", type=_duration, default=f"{DEFAULT_RETENTION_HOURS}h",
                       help="age of the answers to clear, e.g. 2160h or 90d; more than the replay "
                       f"window of {REPLAY_WINDOW_HOURS} h (default {DEFAULT_RETENTION_HOURS}h)")
    purge.add_argument("--dry-run", action="store_true", help="only count them")


def _readable(option: str, path: str) -> None:
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as exc:
        raise UsageError(f"{option}: cannot read {path}: {exc.strerror or exc}") from None


def check_tls(cert: str | None, key: str | None, client_ca: str | None) -> None:
    """The files uvicorn would load, loaded once here, so that a mistake is a sentence and not
    an ssl traceback from inside the server."""
    if not cert:
        if key or client_ca:
            raise UsageError(f"{'--tls-key' if key else '--client-ca'} needs --tls-cert")
        return
    if not key:
        raise UsageError("--tls-cert needs --tls-key")
    _readable("--tls-cert", cert)
    _readable("--tls-key", key)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        ctx.load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        raise UsageError(f"--tls-cert/--tls-key: not a PEM certificate and its matching key "
                         f"({exc.reason or exc})") from None
    if client_ca:
        _readable("--client-ca", client_ca)
        try:
            ctx.load_verify_locations(cafile=client_ca)
        except ssl.SSLError as exc:
            raise UsageError(f"--client-ca: no PEM certificate in {client_ca} "
                             f"({exc.reason or exc})") from None


def check(args: argparse.Namespace) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(args.database).get_backend_name()
    except (ArgumentError, ValueError):
        raise UsageError(f"--database: not a database URL: {args.database!r}") from None
    if backend not in ("sqlite", "postgresql"):  # the store's statements speak these two
        raise UsageError(f"--database: {backend}: only sqlite:///FILE and postgresql://... URLs")
    if backend == "sqlite" and args.workers > 1:
        raise UsageError("--workers: SQLite allows one worker process (its writers queue on a "
                         "lock inside the process); use PostgreSQL for more")
    key_dir = Path(args.key_dir)
    if key_dir.exists() and not key_dir.is_dir():
        raise UsageError(f"--key-dir: {key_dir} is not a directory")
    check_tls(args.tls_cert, args.tls_key, args.client_ca)


def _quiet_gc() -> None:
    """Move the start-up heap (FastAPI, pydantic, SQLAlchemy: ~10^5 objects) out of the
    collector's reach, so that full collections under load scan only request garbage."""
    import gc

    gc.collect()
    gc.freeze()


def worker_app(settings: object) -> object:
    """The app of one worker process (module level: pickled by reference into the process)."""
    from registry_service.app import ServiceSettings, create_app

    assert isinstance(settings, ServiceSettings)
    app = create_app(settings)
    _quiet_gc()
    return app


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    if getattr(args, "action", None) == "purge":
        return purge(args)
    try:
        check(args)
    except UsageError as exc:
        return _fail(str(exc))
    try:
        sock = server.listen(args.host, args.port)
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    return _serve(args, sock)


def purge(args: argparse.Namespace) -> int:
    """`registry-service purge`: clear stored answers older than --older-than, now."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from registry_service import retention
    from registry_service.db import make_engine
    from registry_service.store import SubmissionStore

    try:
        url = make_url(args.database)
    except (ArgumentError, ValueError):
        return _fail(f"--database: not a database URL: {args.database!r}")
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return _fail(f"--database: no SQLite database at {url.database}")  # never create one
    before = datetime.now(UTC) - timedelta(hours=args.older_than)
    engine = make_engine(args.database)
    try:
        if args.dry_run:
            n = retention.count(engine, before)
            print(f"{n} stored answers of applications decided before {before:%Y-%m-%d %H:%M} UTC "
                  "would be cleared")
        else:
            n = retention.purge(SubmissionStore(engine), before)
            print(f"cleared {n} stored answers of applications decided before "
                  f"{before:%Y-%m-%d %H:%M} UTC")
    except SQLAlchemyError as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return _fail(f"cannot purge: {first_line}")
    finally:
        engine.dispose()
    return 0


def limits_from(args: argparse.Namespace) -> ConnectionLimits:
    return ConnectionLimits(
        max_head_bytes=args.max_head_bytes, head_timeout_s=args.head_timeout,
        body_timeout_s=args.body_timeout, idle_timeout_s=args.idle_timeout,
        max_connections_per_client=args.max_connections_per_client,
        max_connections=args.max_connections)


def _serve(args: argparse.Namespace, sock: object) -> int:
    import functools

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from registry_service.app import ServiceSettings, create_app
    from registry_service.connection_guard import GuardedConfig

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = ServiceSettings(
        database_url=args.database, key_dir=Path(args.key_dir), submit_threads=args.submit_threads,
        rate_limits=RateLimits(submit_per_minute=args.submit_rate, submit_burst=args.submit_burst,
                               request_per_minute=args.request_rate,
                               request_burst=args.request_burst),
        retention_hours=args.retention_hours, purge_interval_s=args.purge_interval)
    try:
        app = create_app(settings)
    except Exception as exc:  # unreachable database, unreadable key, failed migration
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return _fail(f"cannot start: {first_line}")
    logging.getLogger("registry_service").info(
        "authority public key: %s", app.state.keys.public_key_path
    )
    tls: dict[str, object] = {}
    if args.tls_cert:
        tls = {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}
        if args.client_ca:
            tls |= {"ssl_ca_certs": args.client_ca, "ssl_cert_reqs": ssl.CERT_REQUIRED}
    common = {"access_log": False, "log_level": "warning", **tls}
    if args.workers > 1:
        # migrated and keyed once above; each worker process builds its own app from the same
        # settings (the config, with this factory, is pickled into the spawned processes)
        app.state.engine.dispose()
        config = GuardedConfig(functools.partial(worker_app, settings), limits_from(args),
                               factory=True, workers=args.workers, **common)
        Multiprocess(config, sockets=[sock]).run()  # type: ignore[list-item]
        return 0
    _quiet_gc()
    uvicorn.Server(GuardedConfig(app, limits_from(args), **common)).run(
        sockets=[sock])  # type: ignore[list-item]
    return 0
