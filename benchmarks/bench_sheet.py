"""Licence on sheet stock: PDF render time and size, CUPS submission to "completed" on a virtual
(cups-pdf) queue, and the print service's whole set (副本 [+ 正本] on the sheet queue, 回执 on the
virtual thermal printer) from the call to the last page confirmed.

The CUPS parts need root and a running cupsd (scripts/run-tests.sh starts one); a temporary
cups-pdf queue is added and removed. Medians of --runs; the machine may be shared, so run it
more than once before believing a difference.

    .venv/bin/python benchmarks/bench_sheet.py [--runs 5] [--no-cups]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import base45

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.printer.factory import VirtualPrinterOptions, create_virtual
from drivers.registry.models import Licence
from drivers.sheetprinter.factory import create_cups
from drivers.sheetprinter.options import CupsSheetPrinterOptions
from drivers.sheetprinter.tracking import wait_until_done
from kiosk.printing.service import PrintService
from kiosk.printing.sheet_layout import LAYOUT_DIR, load_layout
from kiosk.printing.sheet_pdf import render_sheet

SCOPE = ("一般项目：餐饮管理；食品销售（仅销售预包装食品）；外卖递送服务；日用百货销售；办公用品销售；家用电器销售；"
         "五金产品零售；农副产品销售（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）许可项目：食品经营；"
         "小餐饮；酒类经营（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文件或"
         "许可证件为准）")
PAYLOAD = base45.b45encode(hashlib.sha512(b"licence").digest() * 4).decode()
PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd"


def licence(n: int = 0) -> Licence:
    return Licence("92450100MAEL5HKP7D", f"南宁市青秀区𠮷祥小吃店{n:03d}", "个体工商户", "王䶮", "个人经营",
                   "广西壮族自治区南宁市青秀区民族大道100号金湖广场1栋101号商铺", SCOPE, "2026-11-27",
                   "南宁市青秀区市场监督管理局", PAYLOAD)


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.0f} ms (min {min(samples) * 1000:.0f}, max {max(samples) * 1000:.0f})"


def bench_render(runs: int) -> bytes:
    for name in ("licence-fuben-a4.toml", "licence-zhengben-a3.toml"):
        layout = load_layout(LAYOUT_DIR / name)
        for plain in (False, True):
            times, size = [], 0
            for i in range(runs):
                t0 = time.perf_counter()
                size = len(render_sheet(licence(i), layout, plain=plain).pdf)
                times.append(time.perf_counter() - t0)
            print(f"render {layout.stock.name:8} {'plain' if plain else 'stock':5}  {median_ms(times)}  {size:,} bytes")
    return render_sheet(licence(), load_layout(LAYOUT_DIR / "licence-fuben-a4.toml")).pdf


def add_queue(out: Path) -> str:
    name = f"kiosk-bench-{uuid.uuid4().hex[:8]}"
    Path(f"/etc/cups/cups-pdf-{name}.conf").write_text(f"Out {out}\nLabel 0\n", encoding="utf-8")
    subprocess.run(["lpadmin", "-p", name, "-v", f"cups-pdf:/{name}", "-P", PPD, "-E"], check=True,
                   capture_output=True, timeout=30)
    return name


def remove_queue(name: str) -> None:
    subprocess.run(["cancel", "-a", "-x", name], capture_output=True, timeout=30, check=False)
    subprocess.run(["lpadmin", "-x", name], capture_output=True, timeout=30, check=False)
    Path(f"/etc/cups/cups-pdf-{name}.conf").unlink(missing_ok=True)


def bench_cups(pdf: bytes, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pdf"
        out.mkdir(mode=0o700)
        name = add_queue(out)
        try:
            sheet = create_cups(CupsSheetPrinterOptions(queue=name, job_timeout_s=120, poll_s=0.02), Path(tmp))
            times = []
            for i in range(runs):
                t0 = time.perf_counter()
                wait_until_done(sheet, sheet.submit(pdf, f"kiosk-bench-{i}", "iso_a4_210x297mm"), 120, 0.02)
                times.append(time.perf_counter() - t0)
            print(f"CUPS submit -> completed (cups-pdf, A4)  {median_ms(times)}")
            for copies in (("licence-fuben-a4.toml",), ("licence-fuben-a4.toml", "licence-zhengben-a3.toml")):
                layouts = tuple(load_layout(LAYOUT_DIR / c) for c in copies)
                thermal = create_virtual(VirtualPrinterOptions(confirm_wait_s=0.0), Path(tmp))
                svc = PrintService(thermal, Path(tmp) / f"journal-{len(copies)}.db", poll_interval_s=0.02,
                                   sheet=sheet, outputs="sheet+receipt", layouts=layouts)
                times = []
                for i in range(runs):
                    t0 = time.perf_counter()
                    svc.print_licence(f"txn-{len(copies)}-{i}", licence(i))
                    times.append(time.perf_counter() - t0)
                svc.close()
                thermal.close()
                label = " + ".join(layout.stock.name for layout in layouts) + " + receipt"
                print(f"decision -> collect ({label:32})  {median_ms(times)}")
        finally:
            remove_queue(name)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-cups", action="store_true")
    args = ap.parse_args()
    pdf = bench_render(args.runs)
    if not args.no_cups:
        bench_cups(pdf, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
