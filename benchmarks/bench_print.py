"""Licence printing cost: render + encode time and bytes, against python-escpos's image().

Same bitmap, same run: a licence with a long business scope rendered by kiosk.printing.layout,
encoded by kiosk.printing.raster (GS v 0, 256-row slices) and by python-escpos 3.1
``Dummy().image()`` (its default GS v 0 path). Both outputs are decoded to check they print the
same dots. Then the physical time this implies per interface and head speed.

    .venv/bin/python benchmarks/bench_print.py [--runs 15]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.printer.decoder import decode
from drivers.printer.escpos_import import load_escpos
from drivers.printer.profiles import get_profile
from drivers.registry.models import Licence
from kiosk.printing.layout import render_licence
from kiosk.printing.raster import build_job, encode_raster

SCOPE = (
    "、".join(
        [
            "餐饮服务（限小型餐馆）",
            "食品销售（仅销售预包装食品）",
            "日用百货销售",
            "烟草制品零售",
            "酒类经营",
            "家政服务",
            "洗染服务",
            "理发及美容服务",
            "摄影扩印服务",
        ]  # fmt: skip
        * 3
    )
    + "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
)
LICENCE = Licence(
    "92450100MAEL5HKP7D", "南宁市青秀区𠮷䶮小吃店", "个体工商户", "王𠮷䶮", "个人经营",
    "广西壮族自治区南宁市青秀区民族大道100号1栋101号", SCOPE, "2026-11-27",
    "南宁市青秀区市场监督管理局", "6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE$VK G2EY2FC1J" * 6,
)  # fmt: skip


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    runs = ap.parse_args().runs
    profile = get_profile("tm-t20")
    escpos = load_escpos()

    t = time.perf_counter()
    img = render_licence(LICENCE, profile.width_dots)
    first_render = (time.perf_counter() - t) * 1000
    render = median_ms(lambda: render_licence(LICENCE, profile.width_dots), runs)
    ours = median_ms(lambda: encode_raster(img), runs)

    def peer() -> bytes:
        d = escpos.Dummy()
        with contextlib.redirect_stdout(io.StringIO()):  # 3.1 prints a warning per call
            d.image(img)
        return bytes(d.output)

    theirs = median_ms(peer, runs)
    raw = img.width // 8 * img.height
    ours_b, theirs_b, job = encode_raster(img), peer(), build_job(img, profile)
    same = np.array_equal(np.asarray(decode(ours_b)[0].image), np.asarray(decode(theirs_b)[0].image)[: img.height])

    print(f"licence bitmap: {img.width} x {img.height} dots, raw raster {raw} bytes")
    print(f"render (Pillow + Noto Sans CJK SC): {render:.1f} ms median, first call {first_render:.0f} ms")
    print(f"encode, kiosk raster.py:          {ours:.2f} ms  {len(ours_b)} bytes "
          f"(+{(len(ours_b) / raw - 1) * 100:.2f} % over raw)")  # fmt: skip
    print(f"encode, python-escpos image():    {theirs:.2f} ms  {len(theirs_b)} bytes "
          f"(+{(len(theirs_b) / raw - 1) * 100:.2f} % over raw)")  # fmt: skip
    print(f"speed-up: {theirs / ours:.0f}x   same dots when decoded: {same}")
    print(f"render + encode: kiosk {render + ours:.1f} ms, with python-escpos image() "
          f"{render + theirs:.1f} ms")  # fmt: skip
    blank = int((np.asarray(img).all(axis=1)).sum())
    print(f"blank rows: {blank} of {img.height} ({blank / img.height:.0%}) - sent as raster zeros")
    print(f"whole job (init, image, feed, cut): {len(job)} bytes")
    mm = (img.height + profile.feed_before_cut_dots) / profile.dots_per_mm
    print(f"paper: {mm:.0f} mm at {profile.dpi} dpi")
    for speed in (150, 200, 250, 300):
        print(f"  head at {speed} mm/s: {mm / speed:.2f} s")
    for name, bps in (("serial 115200 8N1", 115200 / 10), ("serial 9600 8N1", 9600 / 10),
                      ("USB full speed (~1 MB/s bulk)", 1_000_000),
                      ("Ethernet 100 Mbit/s", 12_500_000)):  # fmt: skip
        print(f"  transfer over {name}: {len(job) / bps:.2f} s")


if __name__ == "__main__":
    main()
