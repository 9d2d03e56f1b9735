"""`main.py diag printer [--test-page] [--json]`: status bits, model profile, recent and held jobs.

Documents held for staff (a licence whose print failed or was cut off by a crash) are settled here
or on the diagnostics screen's printer page, with a job id or its first 8 characters:
``--reprint JOB`` prints it now (stand at the kiosk: it comes out into the tray),
``--confirm-printed JOB`` records that it did come out, ``--void JOB`` that it must never print.
``--held``, ``--confirm-printed`` and ``--void`` touch only the journal, so they also run while the
kiosk runs; ``--reprint`` needs the printer, which the running kiosk owns.

Exit status: 0 printer ready, test page confirmed, nothing held (an action: done); 1 printer
fault or documents held; 2 could not run, or the action was refused (unknown job, not held).
The printer: ``--backend ...`` options when given; else ``args.printer_options`` if the caller set
it; else the ``[printer]`` table of the kiosk config (``main.py --config X diag printer``, default
config/default.toml), with the config's var dir.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from drivers.errors import DeviceError, PrinterError, PrinterJobError
from drivers.printer.factory import (
    EscposPrinterOptions,
    VirtualPrinterOptions,
    create_escpos,
    create_virtual,
)
from kiosk.diag.arguments import PORT, number, sqlite_file, usb_id, var_directory
from kiosk.printing.journal import JobInfo

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--test-page", action="store_true", help="print a journaled test page")
    parser.add_argument("--sheet-test-page", action="store_true",
                        help="print a specimen licence in plain-paper mode on the sheet printer "
                             "(load plain paper first: it prints on whatever is in the tray)")
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
    held = parser.add_mutually_exclusive_group()
    held.add_argument("--held", action="store_true", help="list the documents held for staff (journal only)")
    held.add_argument("--reprint", metavar="JOB", help="print a held document now")
    held.add_argument("--confirm-printed", metavar="JOB", help="a held document did come out (journal only)")
    held.add_argument("--void", metavar="JOB", help="a held document must never be printed (journal only)")


def opens_device(args: argparse.Namespace) -> bool:
    """False for the journal-only actions, which may run beside the kiosk that owns the printer."""
    return not (args.held or args.confirm_printed or args.void)


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


def _sheet_setup(args: argparse.Namespace, var_dir: Path) -> tuple[Any, Any, tuple[Any, ...]]:
    """The config's sheet printer, [printing] and layouts (none when --backend names another
    thermal printer, or the kiosk prints on thermal paper only)."""
    cfg = getattr(args, "settings", None)
    if args.backend is not None or (cfg is None and getattr(args, "printer_options", None) is not None):
        return None, None, ()
    from kiosk import devices_catalog
    from kiosk import settings as settings_mod

    if cfg is None:
        try:
            cfg = settings_mod.load(getattr(args, "config", None))
        except settings_mod.ConfigError as exc:
            raise ValueError(str(exc)) from exc
    section = cfg.sheet_printer
    sheet = devices_catalog.factory("sheet_printer", section.kind)(section.options, var_dir)
    return sheet, cfg.printing, cfg.layouts


def _sheet_report(sheet: Any) -> dict[str, Any]:
    from drivers.sheetprinter.status import fault_for, warnings_in

    try:
        st = sheet.status()
    except PrinterError as exc:
        return {"ready": False, "error": exc.code, "detail": exc.detail}
    fault = fault_for(st)
    out: dict[str, Any] = {"queue": sheet.name, "ready": fault is None, "state": st.state,
                           "reasons": list(st.reasons), "accepting": st.accepting, "message": st.message,
                           "low": warnings_in(st)}
    if fault is not None:
        out |= {"error": fault.code, "detail": fault.detail}
    return out


def held_rows(jobs: list[JobInfo]) -> list[dict[str, Any]]:
    """What staff need to decide, and nothing personal."""
    now = time.time()
    return [{"job_id": j.job_id, "kind": j.kind, "state": j.state, "flag": j.flag, "error": j.error,
             "attempts": j.attempts, "age_s": round(now - j.created)} for j in jobs]


def _audit(var_dir: Path, verb: str, job_id: str) -> None:
    from kiosk.diag.audit import AuditLog

    AuditLog(var_dir / "logs" / "audit.log").write(verb, detail=job_id, source="diag printer")


def _journal_only(args: argparse.Namespace) -> int:
    """--held, --confirm-printed, --void: the print journal, never the printer."""
    from kiosk.printing.journal import PrintJournal
    from kiosk.printing.service import held_jobs

    try:
        _, var_dir = _options(args)
        db = args.db or var_dir / "journal.db"
        if not db.exists():
            return _out(args, {"ok": True, "held": [], "detail": f"no print journal at {db}"}, 0)
        journal = PrintJournal(db)
    except (ValueError, OSError) as exc:
        return _out(args, {"ok": False, "error": "could_not_run", "detail": str(exc)}, 2)
    except DeviceError as exc:
        return _out(args, {"ok": False, "error": exc.code, "detail": exc.detail}, 2)
    report: dict[str, Any] = {}
    try:
        if args.held:
            report["held"] = held_rows(held_jobs(journal))
            report["ok"] = not report["held"]
            return _out(args, report, 0 if report["ok"] else 1)
        verb, ref = ("confirm_printed", args.confirm_printed) if args.confirm_printed else ("void", args.void)
        try:
            job = journal.resolve(ref)
            (journal.confirm_held if verb == "confirm_printed" else journal.void)(job.job_id, "cli")
        except PrinterJobError as exc:
            return _out(args, {"ok": False, "error": exc.code, "detail": exc.detail}, 2)
        _audit(var_dir, verb, job.job_id)
        report["action"] = {verb: job.job_id, "result": journal.get(job.job_id).state}
        report["held"] = held_rows(held_jobs(journal))
        report["ok"] = True
        return _out(args, report, 0)
    finally:
        journal.close()


def run(args: argparse.Namespace) -> int:
    if not opens_device(args):
        return _journal_only(args)
    report: dict[str, Any] = {"ok": False}
    try:
        opts, var_dir = _options(args)
        sheet, printing, layouts = _sheet_setup(args, var_dir)
        if isinstance(opts, VirtualPrinterOptions):
            printer = create_virtual(opts, var_dir)
        else:
            printer = create_escpos(opts, var_dir)
    except (ValueError, OSError) as exc:
        return _out(args, {"ok": False, "error": "could_not_run", "detail": str(exc)}, 2)
    if args.sheet_test_page and sheet is None:
        printer.close()
        return _out(args, {"ok": False, "error": "could_not_run", "detail": "no sheet printer configured"}, 2)
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
        if sheet is not None:
            report["sheet_printer"] = _sheet_report(sheet)
            report["ok"] = report["ok"] and report["sheet_printer"]["ready"]
        db = args.db or var_dir / "journal.db"
        service = None
        if db.exists() or args.test_page or args.reprint or args.sheet_test_page:
            from kiosk.printing.service import PrintService

            service = PrintService(printer, db, sheet=sheet, outputs=printing.outputs if printing else "thermal",
                                   layouts=layouts or ((_specimen_layout(),) if sheet is not None else ()))
        if args.sheet_test_page and service is not None:
            try:
                job = service.print_sheet_test()
                report["sheet_test_page"] = {"job_id": job, "state": "confirmed"}
            except DeviceError as exc:
                report["sheet_test_page"] = {"state": "failed", "error": exc.code}
                report["ok"] = False
        if args.reprint:
            assert service is not None
            try:
                job = service.journal.resolve(args.reprint)
                _audit(var_dir, "reprint", job.job_id)
                service.reprint(job.job_id, by="cli")
                report["action"] = {"reprint": job.job_id, "result": "confirmed"}
            except PrinterJobError as exc:  # unknown, printed or voided: refused, nothing sent
                service.close()
                return _out(args, {"ok": False, "error": exc.code, "detail": exc.detail}, 2)
            except PrinterError as exc:
                report["action"] = {"reprint": job.job_id, "result": "held", "error": exc.code}
                report["ok"] = False
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
            report["held"] = held_rows(service.held_jobs())
            if report["held"] and not args.reprint:
                report["ok"] = False
                report.setdefault("error", "printer_jobs_held")
            service.close()
        if getattr(printer, "virtual", None) is not None and printer.virtual.printouts:
            report["printouts"] = [str(p.path) for p in printer.virtual.printouts]
    except DeviceError as exc:  # journal key problems and the like
        return _out(args, {"ok": False, "error": exc.code, "detail": exc.detail}, 2)
    finally:
        printer.close()
        if sheet is not None:
            sheet.close()
    return _out(args, report, 0 if report["ok"] else 1)


def _specimen_layout() -> Any:
    from kiosk.printing.sheet_layout import LAYOUT_DIR, load_layout

    return load_layout(LAYOUT_DIR / "licence-fuben-a4.toml")


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
    if "sheet_printer" in report:
        sp = report["sheet_printer"]
        print(f"sheet printer: {'READY' if sp.get('ready') else 'FAULT'}  queue {sp.get('queue', '?')}  "
              f"state {sp.get('state', '?')}  reasons {', '.join(sp.get('reasons', [])) or 'none'}  "
              f"{sp.get('error', '')} {sp.get('detail', '')}".rstrip())
    if "test_page" in report:
        print(f"test page: {report['test_page']}")
    if "sheet_test_page" in report:
        print(f"sheet test page: {report['sheet_test_page']}")
    if "action" in report:
        print("done: " + "  ".join(f"{k}={v}" for k, v in report["action"].items()))
    for j in report.get("held", []):
        print(f"HELD {j['job_id'][:8]} {j['kind']:8} {j['flag']:15} {j['error'] or '-':18} "
              f"{j['age_s'] // 60} min ago  (--reprint / --confirm-printed / --void {j['job_id'][:8]})")
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
