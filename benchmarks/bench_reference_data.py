"""Reference data as the kiosk gets it: download size, load time, index build, search per keystroke.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_reference_data.py [--rounds 5]

Types each query one character at a time over the full scope catalogue, with the kiosk's index
(refdata.search, built once at load) and, in the same run, a naive linear scan over every item
(substring of name and keywords, or of the joined pinyin and its initials): the peer the index
is measured against.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import time

from kiosk.reference_cache import index
from refdata import files, integrity
from refdata.bundle import pack, unpack
from refdata.search import normalise

KEYWORD = ["餐饮服务", "拉面", "理发", "烟草制品零售", "食品销售", "服装", "五金", "洗车", "快递", "美容"]
INITIALS = ["cyfw", "lm", "lf", "yczpls", "spxs", "fz", "wjcp", "xc", "kd", "shmr"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class LinearScan:
    """The peer: every keystroke looks at every item's texts."""

    def __init__(self, ref) -> None:  # type: ignore[no-untyped-def]
        self.rows = []
        for item in ref.scope.values():
            texts = [(item.name_zh, item.pinyin), *item.keywords]
            for text, reading in texts:
                syllables = reading.split()
                self.rows.append((item.code, item.weight, text, "".join(syllables), "".join(s[0] for s in syllables)))

    def search(self, query: str, limit: int = 20) -> list[str]:
        q = normalise(query)
        hits: dict[str, int] = {}
        for code, weight, text, joined, initials in self.rows:
            if q in text or joined.startswith(q) or initials.startswith(q) or q in joined:
                hits[code] = max(hits.get(code, -1), weight)
        return sorted(hits, key=lambda c: -hits[c])[:limit]


def keystrokes(search, queries: list[str], rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        for query in queries:
            for n in range(1, len(query) + 1):
                t = time.perf_counter()
                search(query[:n])
                times.append((time.perf_counter() - t) * 1000)
    return times


def over_http() -> None:
    """First download, then the 304 a kiosk gets at every later form, through the embedded service."""
    import tempfile
    from pathlib import Path

    from kiosk.reference_cache import ReferenceCache
    from registry_service import embedded

    with tempfile.TemporaryDirectory() as tmp:
        service = embedded.start(f"sqlite:///{tmp}/reg.db", Path(tmp) / "keys")
        try:
            from drivers.registry.http_client import HttpRegistrationClient

            client = HttpRegistrationClient(service.url, "bench", service.public_key_path)
            cache = ReferenceCache(Path(tmp) / "reference")
            for what in ("first download (service builds the bundle, kiosk checks, indexes, caches)",
                         "second download from the same service", "304 (nothing changed)"):
                if what.startswith("second"):
                    cache = ReferenceCache(Path(tmp) / "fresh")
                t = time.perf_counter()
                cache.load(client)
                print(f"over HTTP, {what}: {(time.perf_counter() - t) * 1000:.0f} ms")
        finally:
            service.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--http", action="store_true", help="also time the download through the real service")
    args = parser.parse_args()

    raw = files()
    version, plain = pack(raw)
    t = time.perf_counter()
    compressed = gzip.compress(plain, 9, mtime=0)
    gzip_s = time.perf_counter() - t
    print(f"reference set {version}: download {len(plain) / 1e6:.2f} MB raw, {len(compressed) / 1e3:.0f} KB gzip "
          f"(compressed once per service process in {gzip_s:.2f} s); files as stored "
          f"{sum(len(v) for v in raw.values()) / 1e6:.2f} MB")
    t = time.perf_counter()
    ref = unpack(compressed)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    national = index(ref)
    index_s = time.perf_counter() - t
    t = time.perf_counter()
    found = integrity.problems(ref)
    integrity_s = time.perf_counter() - t
    t = time.perf_counter()
    peer = LinearScan(ref)
    peer_s = time.perf_counter() - t
    print(f"load (inflate + parse + version check): {load_s * 1000:.0f} ms; integrity checks ({len(found)} "
          f"problems): {integrity_s * 1000:.0f} ms; index build (scope + county level): {index_s * 1000:.0f} ms; "
          f"linear-scan table: {peer_s * 1000:.0f} ms")
    if args.http:
        over_http()
    print(f"{'queries':<10} {'method':<12} {'keys':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, queries in (("keyword", KEYWORD), ("initials", INITIALS)):
        for method, search in (("index", national.scope.search), ("linear scan", peer.search)):
            times = keystrokes(search, queries, args.rounds)
            print(f"{name:<10} {method:<12} {len(times):>5} {statistics.median(times):>8.2f} "
                  f"{percentile(times, 95):>8.2f} {max(times):>8.2f}")


if __name__ == "__main__":
    main()
