"""`main.py diag printer [--test-page] [--json]`: status bits, model profile, recent jobs.

Exit status: 0 printer ready (and test page confirmed), 1 printer fault, 2 could not run.
The printer: ``--backend ...`` options when given; else ``args.printer_options`` if the caller set
it; else the ``[printer]`` table of the kiosk config (``main.py --config X diag printer``, default
config/default.toml), with the config's var dir.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from drivers.errors import DeviceError, PrinterError
from drivers.printer.factory import (
    EscposPrinterOptions,
    VirtualPrinterOptions,
    create_escpos,
    create_virtual,
)
from kiosk.diag.arguments import PORT, number, sqlite_file, usb_id, var_directory

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--test-page", action="store_true", help="print a journaled test page")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--backend",
        choices=["virtual", "network", "usb", "serial", "file"],
        default=None,
        help="check this printer instead of the one in the kiosk config",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=PORT, default=9100)
    parser.add_argument("--usb-vendor", type=usb_id, default=0)
    parser.add_argument("--usb-product", type=usb_id, default=0)
    parser.add_argument("--serial-port", default="/dev/ttyUSB0")
    parser.add_argument("--baudrate", type=number(int, 300, 4_000_000), default=115200)
    parser.add_argument("--file-path", default="/dev/usb/lp0")
    parser.add_argument("--profile", default="tm-t20")
    parser.add_argument("--var-dir", type=var_directory, default=None, help="default: the config's var dir")
    parser.add_argument("--db", type=sqlite_file, default=None,
                        help="an existing journal (default VAR/journal.db)")
    parser.add_argument("--jobs", type=number(int, 0, 1000), default=10, help="recent jobs to list")


def _options(args: argparse.Namespace) -> tuple[EscposPrinterOptions | VirtualPrinterOptions, Path]:
    var_dir = args.var_dir
    given = getattr(args, "printer_options", None)
    if args.backend is None and given is None:
        from kiosk import settings as settings_mod

        try:
            cfg = settings_mod.load(getattr(args, "config", None))
        except settings_mod.ConfigError as exc:
            raise ValueError(str(exc)) from exc
        given, var_dir = cfg.printer.options, var_dir or cfg.var_dir
    var_dir = Path(var_dir or PROJECT_ROOT / "var")
    if given is not None and args.backend is None:
        return given, var_dir
    if args.backend == "virtual":
        return VirtualPrinterOptions(profile=args.profile), var_dir
    return EscposPrinterOptions(
        backend=args.backend,
        profile=args.profile,
        host=args.host,
        port=args.port,
        usb_vendor_id=args.usb_vendor,
        usb_product_id=args.usb_product,
        serial_port=args.serial_port,
        baudrate=args.baudrate,
        file_path=args.file_path,
    ), var_dir


def run(args: argparse.Namespace) -> int:
    report: dict[str, Any] = {"ok": False}
    try:
        opts, var_dir = _options(args)
        if isinstance(opts, VirtualPrinterOptions):
            printer = create_virtual(opts, var_dir)
        else:
            printer = create_escpos(opts, var_dir)
    except (ValueError, OSError) as exc:
        return _out(args, {"ok": False, "error": "could_not_run", "detail": str(exc)}, 2)
    try:
        report["backend"] = type(opts).__name__
        report["profile"] = asdict(printer.profile) | {"presenter": printer.profile.presenter.hex()}
        try:
            st = printer.status()
            report["status"] = asdict(st) | {"ready": st.ready}
            report["raw"] = printer.last_raw.as_dict() if printer.last_raw else {}
            report["ok"] = st.ready
        except PrinterError as exc:
            report["status"] = {"ready": False}
            report["error"] = exc.code
            report["detail"] = exc.detail
        db = args.db or var_dir / "journal.db"
        service = None
        if db.exists() or args.test_page:
            from kiosk.printing.service import PrintService

            service = PrintService(printer, db)
        if args.test_page and report["ok"]:
            from kiosk.printing.layout import render_test_page

            lines = (f"profile {printer.profile.name}, {printer.width_dots} dots",)
            img = render_test_page(printer.width_dots, lines)
            try:
                job = service.print_image(f"test-{uuid.uuid4().hex[:12]}", "test", img)  # type: ignore[union-attr]
                report["test_page"] = {"job_id": job, "state": "confirmed"}
            except DeviceError as exc:
                report["test_page"] = {"state": "failed", "error": exc.code}
                report["ok"] = False
        if service is not None:
            report["jobs"] = [asdict(j) for j in service.recent_jobs(args.jobs)]
            report["pending"] = len(service.pending_jobs())
            service.close()
        if getattr(printer, "virtual", None) is not None and printer.virtual.printouts:
            report["printouts"] = [str(p.path) for p in printer.virtual.printouts]
    except DeviceError as exc:  # journal key problems and the like
        return _out(args, {"ok": False, "error": exc.code, "detail": exc.detail}, 2)
    finally:
        printer.close()
    return _out(args, report, 0 if report["ok"] else 1)


def _out(args: argparse.Namespace, report: dict[str, Any], code: int) -> int:
    report["exit"] = code
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return code
    st = report.get("status", {})
    print(f"printer: {'READY' if report.get('ok') else 'FAULT'}  ({report.get('backend', '?')})")
    if "profile" in report:
        p = report["profile"]
        print(f"profile: {p['name']}  {p['width_dots']} dots  {p['dpi']} dpi")
    for k in ("online", "paper_present", "paper_near_end", "cover_open", "cutter_error"):
        if k in st:
            print(f"  {k:15} {st[k]}")
    if report.get("raw"):
        print("  DLE EOT 1..4   " + " ".join(report["raw"].values()))
    if "error" in report:
        print(f"error: {report['error']}  {report.get('detail', '')}")
    if "test_page" in report:
        print(f"test page: {report['test_page']}")
    for j in report.get("jobs", []):
        flag = f" flag={j['flag']}" if j["flag"] else ""
        print(f"  job {j['job_id'][:12]} {j['kind']:8} {j['state']:9} tries={j['attempts']}"
              f" {j['error']}{flag}")  # fmt: skip
    return code


def main() -> int:
    parser = argparse.ArgumentParser(prog="diag printer", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
