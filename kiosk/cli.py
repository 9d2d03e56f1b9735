"""Command line: the kiosk itself (default), and technicians' subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from kiosk import settings as settings_mod

# subcommand -> module with add_arguments(parser) and run(args) -> int
DIAG = {
    "card": "kiosk.diag.card",
    "camera": "kiosk.diag.camera",
    "face-match": "kiosk.diag.face_match",
    "printer": "kiosk.diag.printer",
    "api": "kiosk.diag.api",
}
TOOLS = {
    "registry-service": "registry_service.cli",
    "verify-licence": "registry_service.verify_cli",
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py", description="Business licence self-service kiosk")
    p.add_argument("--config", type=Path, default=None, help="TOML config (default: config/default.toml)")
    p.add_argument("--autopilot", action="store_true", help="run one simulated applicant through the UI")
    p.add_argument("--screenshots", type=Path, default=None, help="autopilot: save a PNG of every screen here")
    p.add_argument("--headless", action="store_true", help="render offscreen (no display needed)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    diag = sub.add_parser("diag", help="technicians' device diagnostics")
    diag_sub = diag.add_subparsers(dest="device", metavar="DEVICE")
    for name, module in DIAG.items():
        _lazy(diag_sub, name, module)
    for name, module in TOOLS.items():
        _lazy(sub, name, module)
    return p


def _lazy(sub: argparse._SubParsersAction, name: str, module: str) -> None:
    """Register a subcommand whose module may not be installed in this build."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return
    sp = sub.add_parser(name, help=(mod.__doc__ or "").strip().splitlines()[0] if mod.__doc__ else None)
    mod.add_arguments(sp)
    sp.set_defaults(run=mod.run)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "run", None) is not None:
        return int(args.run(args))
    if args.command == "diag":
        print("usage: main.py diag DEVICE  (devices: " + ", ".join(DIAG) + ")", file=sys.stderr)
        return 2
    try:
        cfg = settings_mod.load(args.config)
    except settings_mod.ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    from kiosk.launch import run_kiosk

    return run_kiosk(cfg, autopilot=args.autopilot, screenshots=args.screenshots, headless=args.headless)
