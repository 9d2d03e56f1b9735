"""Render a licence (or referral) JSON to PNG and ESC/POS bytes, or to a PDF for sheet stock,
no printer needed.

    python -m kiosk.printing.render_tool licence.json --png out.png --escpos out.bin \
        [--profile tm-t20|tm-t88] [--referral] [--preview decoded.png]
    python -m kiosk.printing.render_tool licence.json --sheet assets/layouts/licence-fuben-a4.toml \
        --pdf out.pdf [--plain]
    python -m kiosk.printing.render_tool licence.json --receipt --png receipt.png

The JSON holds the fields of drivers.registry.models.Licence (or Decision for --referral).
``--preview`` decodes the ESC/POS bytes again with the in-project decoder: what the printer gets.
Exit status: 0 written, 1 the record cannot be laid out, 2 bad input or arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from drivers.printer.decoder import decode, preview
from drivers.printer.profiles import get_profile
from drivers.registry.models import Decision, Licence
from kiosk.printing.layout import LayoutError, render_licence, render_receipt, render_referral
from kiosk.printing.raster import build_job


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="render_tool", description=__doc__.split("\n")[0])
    ap.add_argument("record", type=Path, help="licence (or decision) JSON file, - for stdin")
    ap.add_argument("--png", type=Path, help="rendered 1-bit image")
    ap.add_argument("--escpos", type=Path, help="ESC/POS job bytes")
    ap.add_argument("--preview", type=Path, help="PNG decoded back from the ESC/POS bytes")
    ap.add_argument("--profile", default="tm-t20")
    ap.add_argument("--referral", action="store_true", help="the record is a Decision")
    ap.add_argument("--enquiries", default="", help="with --referral: where to ask ([registry] enquiries)")
    ap.add_argument("--receipt", action="store_true", help="the 回执 that goes with a licence on sheet stock")
    ap.add_argument("--sheet", type=Path, help="layout file: render the licence as a PDF for that stock")
    ap.add_argument("--pdf", type=Path, help="with --sheet: the PDF")
    ap.add_argument("--plain", action="store_true", help="with --sheet: also draw what the stock carries")
    args = ap.parse_args(argv)
    if args.sheet:
        return _sheet(args)
    try:
        text = sys.stdin.read() if str(args.record) == "-" else args.record.read_text("utf-8")
        data = json.loads(text)
        profile = get_profile(args.profile)
        if args.referral:
            data["reasons"] = tuple(data.get("reasons", ()))
            data.pop("licence", None)
            img = render_referral(Decision(**data), profile.width_dots, enquiries=args.enquiries)
        elif args.receipt:
            img = render_receipt(Licence(**data), "DEMO00000001", "请在本机出纸口取走营业执照。 Collect your licence "
                                 "from the kiosk's paper tray.", profile.width_dots)
        else:
            img = render_licence(Licence(**data), profile.width_dots)
    except LayoutError as exc:
        print(f"cannot lay out: {exc.detail}", file=sys.stderr)
        return 1
    except (OSError, ValueError, TypeError) as exc:
        print(f"bad input: {exc}", file=sys.stderr)
        return 2
    job = build_job(img, profile)
    if args.png:
        img.save(args.png)
    if args.escpos:
        args.escpos.write_bytes(job)
    if args.preview:
        preview(decode(job, profile.width_dots), profile.width_dots).save(args.preview)
    print(f"{img.width}x{img.height} dots, {len(job)} bytes ESC/POS")
    return 0


def _sheet(args: argparse.Namespace) -> int:
    from kiosk.printing.sheet_layout import load_layout
    from kiosk.printing.sheet_pdf import render_sheet
    from kiosk.settings import ConfigError

    try:
        text = sys.stdin.read() if str(args.record) == "-" else args.record.read_text("utf-8")
        sheet = render_sheet(Licence(**json.loads(text)), load_layout(args.sheet), plain=args.plain)
    except LayoutError as exc:
        print(f"cannot lay out: {exc.detail}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (OSError, ValueError, TypeError) as exc:
        print(f"bad input: {exc}", file=sys.stderr)
        return 2
    if args.pdf:
        args.pdf.write_bytes(sheet.pdf)
    for name, placed in sheet.placed.items():
        x, top, _, _ = placed.boxes[0]
        print(f"{name:18} x {x:6.1f} mm  y {top:6.1f} mm  {placed.size_pt:4.1f} pt  {len(placed.lines)} line(s)")
    print(f"{len(sheet.pdf)} bytes PDF, QR module {sheet.qr_module_mm:.3f} mm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
