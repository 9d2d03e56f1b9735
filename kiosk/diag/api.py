"""`python main.py diag api`: can this kiosk reach the registration authority, and trust it?

Checks, in order: reference data (reachability + schema), heartbeat (kiosk identity accepted),
and — with --verify-licence USCC — that a licence fetched from the service carries a valid
authority signature. Without --url it checks the registry the kiosk's config names (for the
embedded kind: starts it on a loopback port). Exit 0 healthy, 1 fault, 2 could not run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path
from typing import Any

from drivers.errors import DeviceError
from drivers.registry.http_client import HttpRegistrationClient
from kiosk.diag.arguments import MAX_PEM_BYTES, existing_file, seconds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="service base URL (default: the kiosk config's registry)")
    parser.add_argument("--kiosk-id", help="with --url: the kiosk id to present")
    pem = existing_file(MAX_PEM_BYTES)
    parser.add_argument("--public-key", type=pem, help="with --url: authority Ed25519 public key (PEM)")
    parser.add_argument("--ca-bundle", type=pem, help="CA bundle for the service's TLS certificate")
    parser.add_argument("--client-cert", type=pem, help="kiosk certificate for mutual TLS")
    parser.add_argument("--client-key", type=pem, help="kiosk certificate key for mutual TLS")
    parser.add_argument("--timeout", type=seconds(120), default=5.0, help="read timeout, seconds")
    parser.add_argument("--verify-licence", metavar="USCC", help="fetch and check one licence")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _client(args: argparse.Namespace) -> tuple[HttpRegistrationClient, str]:
    if args.url:
        if not (args.kiosk_id and args.public_key):
            raise ValueError("--url needs --kiosk-id and --public-key")
        client = HttpRegistrationClient(
            args.url,
            args.kiosk_id,
            args.public_key,
            read_timeout=args.timeout,
            ca_bundle=_text(args.ca_bundle),
            client_cert=_text(args.client_cert),
            client_key=_text(args.client_key),
            max_attempts=1,  # a technician wants the first failure, not a retried success
        )
        return client, args.url
    options = getattr(args, "registry_options", None)
    var_dir = getattr(args, "var_dir", None)
    if options is None or var_dir is None:
        raise ValueError("no --url and no kiosk config with a [registry] table")
    from drivers.registry import factory

    if isinstance(options, factory.HttpClientOptions):
        client = factory.create_http(dataclasses.replace(options, max_attempts=1), Path(var_dir))
    elif isinstance(options, factory.EmbeddedServiceOptions):
        client = factory.create_embedded(options, Path(var_dir))
    else:
        raise ValueError(f"unknown registry options {type(options).__name__}")
    assert isinstance(client, HttpRegistrationClient)
    return client, client.base_url


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)


def run(args: argparse.Namespace) -> int:
    try:
        client, url = _client(args)
    except (OSError, ValueError, RuntimeError) as exc:
        return _emit(args, 2, {"ok": False, "error": "cannot_run", "detail": str(exc)})
    checks: list[dict[str, Any]] = []
    ok = True
    steps: list[tuple[str, Any]] = [
        ("reference_data", lambda: f"version {client.reference_data().version}"),
        ("heartbeat", lambda: client.heartbeat() or "accepted"),
    ]
    if args.verify_licence:
        steps.append(
            ("licence_signature", lambda: f"valid: {client.licence(args.verify_licence).uscc}")
        )
    for name, step in steps:
        t0 = time.perf_counter()
        try:
            detail = step()
            checks.append({"check": name, "ok": True, "detail": detail,
                           "ms": round((time.perf_counter() - t0) * 1000, 1)})
        except DeviceError as exc:
            ok = False
            checks.append({"check": name, "ok": False, "error": exc.code, "detail": exc.detail,
                           "ms": round((time.perf_counter() - t0) * 1000, 1)})
            break
    client.close()
    return _emit(args, 0 if ok else 1, {"ok": ok, "url": url, "checks": checks})


def _emit(args: argparse.Namespace, code: int, out: dict[str, Any]) -> int:
    if getattr(args, "json", False):
        print(json.dumps(out, ensure_ascii=False))
    else:
        for c in out.get("checks", []):
            mark = "OK  " if c["ok"] else "FAIL"
            print(f"{mark} {c['check']:<18} {c.get('ms', '')} ms  {c.get('detail') or ''}"
                  f" {c.get('error', '')}".rstrip())
        if "error" in out:
            print(f"FAIL {out['error']}: {out['detail']}")
    return code
