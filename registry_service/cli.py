"""`python -m registry_service` / `python main.py registry-service`: run the service alone."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

DEFAULT_DB = "sqlite:///var/registry/registry.db"
DEFAULT_KEYS = "var/registry/keys"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8600, help="TCP port (default 8600)")
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
        "--workers", type=int, default=1, help="worker processes (PostgreSQL; SQLite: keep 1)"
    )
    parser.add_argument(
        "--submit-threads", type=_positive,
        default=int(os.environ.get("REGISTRY_SUBMIT_THREADS", "4")),
        help="threads per process deciding submissions (default $REGISTRY_SUBMIT_THREADS or 4)",
    )
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", help="... and this key")
    parser.add_argument("--client-ca", help="require kiosk client certificates from this CA")


def _quiet_gc() -> None:
    """Move the start-up heap (FastAPI, pydantic, SQLAlchemy: ~10^5 objects) out of the
    collector's reach, so that full collections under load scan only request garbage."""
    import gc

    gc.collect()
    gc.freeze()


def run(args: argparse.Namespace) -> int:
    import ssl

    import uvicorn

    from registry_service.app import ServiceSettings, create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        app = create_app(ServiceSettings(database_url=args.database, key_dir=Path(args.key_dir),
                                         submit_threads=args.submit_threads))
    except Exception as exc:  # bad URL, unreachable database, unreadable key
        logging.getLogger("registry_service").error("cannot start: %s", exc)
        return 2
    logging.getLogger("registry_service").info(
        "authority public key: %s", app.state.keys.public_key_path
    )
    _quiet_gc()
    tls: dict[str, object] = {}
    if args.tls_cert:
        tls = {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}
        if args.client_ca:
            tls |= {"ssl_ca_certs": args.client_ca, "ssl_cert_reqs": ssl.CERT_REQUIRED}
    if args.workers > 1:
        # migrated and keyed once above; each worker builds its own app from the environment
        os.environ["REGISTRY_DATABASE_URL"] = args.database
        os.environ["REGISTRY_KEY_DIR"] = args.key_dir
        os.environ["REGISTRY_SUBMIT_THREADS"] = str(args.submit_threads)
        app.state.engine.dispose()
        uvicorn.run("registry_service.asgi:app", host=args.host, port=args.port,
                    workers=args.workers, access_log=False, log_level="warning",
                    **tls)  # type: ignore[arg-type]
    else:
        uvicorn.run(app, host=args.host, port=args.port, access_log=False,
                    log_level="warning", **tls)  # type: ignore[arg-type]
    return 0
