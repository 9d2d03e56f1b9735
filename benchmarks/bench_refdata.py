"""Reference data: load time and memory, per-keystroke search latency, name-check latency.

    .venv/bin/python benchmarks/bench_refdata.py [--rounds 5] [--registered 5000]

Every query is typed one character at a time ("c", "ca", "can", ...) as the kiosk sends it; each
keystroke is one timed search. Prints medians and p95 per index. The name check runs against
`--registered` synthetic 字号 in the same industry at the authority (the worst case the
similarity index has to answer), plus the machine's load average, because on a shared 2-CPU
machine that moves the tail more than the code does.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import tracemalloc

from refdata import load
from refdata.model import COUNTY
from refdata.search import SearchIndex, division_index, scope_index
from registry_service.naming import NameChecker, NameParts

SCOPE_QUERIES = ["canyinfuwu", "cyfw", "餐饮服务", "lamian", "拉面", "lifa", "理发", "yancao", "烟草制品零售",
                 "shipinxiaoshou", "spxs", "食品销售", "rybh", "wujin", "jiadianweixiu", "xiche", "xiyi",
                 "kuaidi", "fuzhuang", "服装"]
PLACE_QUERIES = ["weihaishi", "huancuiqu", "huancuilou", "环翠", "beijing", "chaoyangqu", "朝阳", "zhongguancun",
                 "wh", "hcq", "guangzhou", "tianhe", "shenzhen", "nanshan", "东城区", "jingshan", "chengdu",
                 "jinjiang", "春熙路", "xiamen"]
NAME_CASES = [("371002", "老王", "拉面", "馆", "H6291"), ("371002", "麵館", "拉面", "馆", ""),
              ("110105", "中国梦", "餐饮", "店", ""), ("371002", "威海", "餐饮", "店", ""),
              ("371002", "福兴隆", "便利", "店", "F5213"), ("440305", "阳光", "服装", "店", "F5232")]


def keystrokes(words: list[str]) -> list[str]:
    return [w[:i] for w in words for i in range(1, len(w) + 1)]


def timed(index: SearchIndex, queries: list[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            index.search(q, 20)
            out.append((time.perf_counter() - t) * 1000)
    return out


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    return (f"{name:<28} n={len(ms):>5}  median {statistics.median(ms):6.2f} ms  "
            f"p95 {ms[int(len(ms) * 0.95)]:6.2f} ms  max {ms[-1]:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--registered", type=int, default=5000)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")

    tracemalloc.start()
    t = time.perf_counter()
    ref = load()
    load_s = time.perf_counter() - t
    loaded_mb = tracemalloc.get_traced_memory()[0] / 2**20
    t = time.perf_counter()
    scope, places = scope_index(ref), division_index(ref)
    index_s = time.perf_counter() - t
    checker = NameChecker(ref)
    total_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    print(f"load {load_s:.2f} s (under tracemalloc), indexes {index_s:.2f} s; "
          f"memory: data {loaded_mb:.0f} MiB, with indexes and checker {total_mb:.0f} MiB")

    print(summary("scope (1,417 items)", timed(scope, keystrokes(SCOPE_QUERIES), args.rounds)))
    print(summary(f"divisions ({len(places):,} names)", timed(places, keystrokes(PLACE_QUERIES), args.rounds)))
    counties = division_index(ref, max_level=COUNTY)
    print(summary(f"county level and up ({len(counties):,})", timed(counties, keystrokes(PLACE_QUERIES),
                                                                     args.rounds)))
    streets = division_index(ref, within="371002")
    print(summary("streets of one county", timed(streets, keystrokes(["huancuilou", "jingyuan", "环翠"]),
                                                  args.rounds)))

    rng = random.Random(7)
    common = ref.hanzi.standard[:3500]
    names = {"".join(rng.choice(common) for _ in range(rng.choice((2, 3, 4)))) for _ in range(args.registered)}
    t = time.perf_counter()
    registered = checker.registered(names)
    print(f"index of {len(registered):,} registered names: {(time.perf_counter() - t) * 1000:.0f} ms")
    ms = []
    for _ in range(args.rounds * 50):
        for case in NAME_CASES:
            t = time.perf_counter()
            checker.check(NameParts(*case), registered)
            ms.append((time.perf_counter() - t) * 1000)
    print(summary("name check", ms))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
