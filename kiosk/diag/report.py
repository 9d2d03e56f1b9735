"""`main.py diag report [--out FILE] [--print]`: one JSON report of everything, no personal data.

With --print a short summary also comes out of the receipt printer, for a technician on site.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from drivers.errors import DeviceError
from kiosk.diag.arguments import output_file
from kiosk.diag.config_view import rows
from kiosk.diag.summary import collect


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=output_file, default=None, help="write the report here (default: stdout)")
    parser.add_argument("--print", dest="print_summary", action="store_true", help="print a summary receipt")


def build_report(settings: object, devices: object = None) -> dict:
    from kiosk.diag import ratings

    results = collect(settings, devices)
    return {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "kiosk_id": settings.kiosk.id,  # type: ignore[attr-defined]
        "host": {"python": platform.python_version(), "platform": platform.platform()},
        "healthy": not any(r.status == "fault" for r in results),
        "checks": [r.as_dict() for r in results],
        "ratings": ratings.summary(settings.var_dir),  # type: ignore[attr-defined]
        "config": {k: str(v) for k, v in rows(settings)},
    }


def run(args: argparse.Namespace) -> int:
    devices = None
    try:
        if args.print_summary:  # the checks and the receipt share one start of the devices
            from kiosk.services import devices as devices_mod

            devices = devices_mod.build(args.settings)
        report = build_report(args.settings, devices)
    except Exception as exc:
        if devices is not None:
            devices.close()
        print(f"report could not be built: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(report, ensure_ascii=False, indent=2)
    code = 0 if report["healthy"] else 1
    try:
        if args.out:
            _write(args.out, text + "\n")
        else:
            print(text)
    except OSError as exc:
        print(f"report not written: {exc}", file=sys.stderr)
        code = 2
    if devices is not None:
        from kiosk.printing.layout import render_test_page

        try:
            lines = tuple(f"{c['device']}: {c['status']} {c['reason']}" for c in report["checks"])
            img = render_test_page(devices.printer.width_dots, (f"诊断报告 {report['kiosk_id']}", *lines))
            devices.print_service.print_image(f"report-{int(time.time())}", "test", img)
        except DeviceError as exc:
            print(f"summary receipt not printed: {exc.code} {exc.detail}", file=sys.stderr)
            code = max(code, 1)
        finally:
            devices.close()
    return code


def _write(path: Path, text: str) -> None:
    """Replace ``path`` whole: an interrupted write leaves the previous report, never half of one."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
