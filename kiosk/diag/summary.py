"""`main.py diag`: every device check from the kiosk config, as a summary or JSON.

Exit status: 0 healthy (warnings allowed), 1 a fault was found, 2 the checks could not run.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.diag import checks

SYMBOL = {"ok": "OK  ", "warn": "WARN", "fault": "FAIL"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def collect(settings: Any, devices: Any = None) -> list[checks.CheckResult]:
    """Every check, on ``devices`` when the caller has them up already; else the running kiosk's
    live state when one runs (it owns the devices); else on devices of its own."""
    import time

    from kiosk.diag import live
    from kiosk.launch import open_journal
    from kiosk.services import devices as devices_mod

    if devices is None and (kiosk := live.running_kiosk(settings.var_dir)) is not None:
        return live.live_checks(kiosk)
    own = devices is None
    devices = devices_mod.build(settings) if own else devices
    journal = open_journal(settings)
    try:
        devices.camera.start()
        time.sleep(0.5)  # give the capture thread a moment to deliver a first frame
        return checks.run_all(devices, journal, settings.var_dir, deep=True)
    finally:
        if own:
            devices.close()
        journal.close()


def emit(results: list[checks.CheckResult], as_json: bool, ratings: dict[str, Any] | None = None) -> int:
    """``ratings``: the service rating counts (kiosk.diag.ratings), shown after the checks; they
    never change the exit status (a rating backlog does not stop the kiosk serving)."""
    code = 1 if any(r.status == checks.FAULT for r in results) else 0
    if as_json:
        doc: dict[str, Any] = {"healthy": code == 0, "checks": [r.as_dict() for r in results]}
        if ratings is not None:
            doc["ratings"] = ratings
        print(json.dumps(doc, ensure_ascii=False))
    else:
        for r in results:
            print(f"{SYMBOL[r.status]} {r.device:<8} {r.reason or ''}  {json.dumps(r.details, ensure_ascii=False)}")
        if ratings is not None:
            print(f"     {'ratings':<8} {json.dumps(ratings, ensure_ascii=False)}")
    return code


def run(args: argparse.Namespace) -> int:
    try:
        results = collect(args.settings)
    except Exception as exc:  # could not even build the devices: that is exit status 2
        print(f"diagnostics could not run: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    from kiosk.diag import ratings

    return emit(results, args.json, ratings.summary(args.settings.var_dir))
