"""Command line: the kiosk itself (default), technicians' diagnostics and tools.

    main.py [--config FILE] [--autopilot [--screenshots DIR]] [--headless]
    main.py [--config FILE] diag [DEVICE] [--json]     exit 0 healthy, 1 fault, 2 could not run
    main.py registry-service [--host H] [--port P] [--database URL]
    main.py verify-licence FILE
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import NoReturn

from kiosk import owner_only
from kiosk import settings as settings_mod
from kiosk.diag.arguments import config_file

# subcommand -> module with add_arguments(parser) and run(args) -> int
DIAG = {
    "card": "kiosk.diag.card",
    "camera": "kiosk.diag.camera",
    "face-match": "kiosk.diag.face_match",
    "printer": "kiosk.diag.printer",
    "api": "kiosk.diag.api",
    "storage": "kiosk.diag.storage",
    "report": "kiosk.diag.report",
    "set-pin": "kiosk.diag.set_pin",
    "trust-store": "kiosk.diag.trust_store",
}
# Subcommands that would open a device the running kiosk owns, and the option that points them
# at another device instead (then they may run).
OWNED_DEVICE = {
    "kiosk.diag.card": ("reader", "simulate"),
    "kiosk.diag.camera": ("camera", "simulated"),
    "kiosk.diag.printer": ("printer", "backend"),
    "kiosk.diag.report": ("printer", None),  # only with --print
}
NEEDS_CONFIG = {"kiosk.diag.summary", "kiosk.diag.storage", "kiosk.diag.report", "kiosk.diag.set_pin"}
TOOLS = {
    "registry-service": "registry_service.cli",
    "verify-licence": "registry_service.verify_cli",
}


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line: over SSH the whole usage text buries the line that matters."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _config_option(p: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    """--config is accepted before or after the subcommand (actions are not shared between parsers:
    argparse parents share them, and a default set on one would then clobber the others)."""
    p.add_argument("--config", type=config_file, default=default, help="TOML config (default: config/default.toml)")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="main.py", description="Business licence self-service kiosk")
    _config_option(p, default=None)
    p.add_argument("--autopilot", action="store_true", help="run one simulated applicant through the UI")
    p.add_argument("--screenshots", type=Path, default=None,
                   help="autopilot: save a PNG of every screen in this folder; they hold personal data of the demo "
                        "applicant (face, name, ID number), so the folder is made 0700 and each file 0600")
    p.add_argument("--headless", action="store_true", help="render offscreen (no display needed)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    diag = sub.add_parser("diag", help="technicians' device diagnostics (all devices by default)")
    _config_option(diag)
    # its own dest: a subcommand's --json default would overwrite `diag --json card`
    diag.add_argument("--json", dest="diag_json", action="store_true", help="machine-readable output")
    diag.set_defaults(run_module="kiosk.diag.summary")
    diag_sub = diag.add_subparsers(dest="device", metavar="DEVICE")
    for name, module in DIAG.items():
        _lazy(diag_sub, name, module, True)
    for name, module in TOOLS.items():
        _lazy(sub, name, module, False)
    return p


def _lazy(sub: argparse._SubParsersAction, name: str, module: str, config: bool) -> None:
    """Register a subcommand; one whose module does not import (a library missing or broken in
    this build) is still listed, and says why when run instead of being an unknown command."""
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        sp = sub.add_parser(name, help=f"(unavailable: {exc})")
        sp.add_argument("ignored", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
        sp.set_defaults(run_module=None, unavailable=f"{name} is unavailable in this build: {exc}")
        return
    doc = (mod.__doc__ or "").strip().splitlines()
    sp = sub.add_parser(name, help=doc[0] if doc else None)
    if config:
        _config_option(sp)
    mod.add_arguments(sp)
    sp.set_defaults(run_module=module)


def _attach_settings(args: argparse.Namespace, module: str) -> int | None:
    """Give diagnostics the kiosk's own config, so they check the devices the kiosk uses."""
    try:
        args.settings = settings_mod.load(args.config)
    except settings_mod.ConfigError as exc:
        if module in NEEDS_CONFIG or args.config is not None:
            print(exc, file=sys.stderr)
            return 2
        args.settings = None
        return None
    for table in ("camera", "printer", "registry"):
        setattr(args, f"{table}_options", getattr(args.settings, table).options)
    chip = args.settings.reader_for("passport")  # the trust store belongs to the chip reader
    args.reader_options = (chip or args.settings.reader).options
    args.var_dir = args.settings.var_dir if getattr(args, "var_dir", None) is None else args.var_dir
    return None


def _refuse_owned_device(args: argparse.Namespace, module: str) -> int | None:
    """Exit status 2 and why, when this command would open a device a running kiosk owns."""
    owned = OWNED_DEVICE.get(module)
    if owned is None or args.settings is None:
        return None
    device, elsewhere = owned
    if elsewhere is not None and getattr(args, elsewhere, None) is not None:
        return None
    if module == "kiosk.diag.report" and not args.print_summary:
        return None  # the report reads the running kiosk's live state instead
    if not getattr(importlib.import_module(module), "opens_device", lambda _args: True)(args):
        return None  # e.g. `diag printer --void JOB`: the print journal only
    from kiosk.diag import live

    kiosk = live.running_kiosk(args.settings.var_dir)
    if kiosk is None:
        return None
    print(live.refusal(kiosk, device), file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here, not as a message at exit
        return code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `main.py diag --json | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "unavailable", None):
        print(args.unavailable, file=sys.stderr)
        return 2
    if hasattr(args, "diag_json"):
        args.json = args.diag_json or getattr(args, "json", False)
    module = getattr(args, "run_module", None)
    if module != "kiosk.diag.set_pin":  # it rewrites the config file, which the kiosk user must still read
        owner_only.restrict_new_files()  # journals, logs, keys, databases: the kiosk user's alone
    if module is not None:
        if module.startswith("kiosk.diag"):
            failed = _attach_settings(args, module)
            if failed is None:
                failed = _refuse_owned_device(args, module)
            if failed is not None:
                return failed
        return int(importlib.import_module(module).run(args))
    try:
        cfg = settings_mod.load(args.config)
    except settings_mod.ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    from kiosk.launch import run_kiosk

    return run_kiosk(cfg, autopilot=args.autopilot, screenshots=args.screenshots, headless=args.headless)
