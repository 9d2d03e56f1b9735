"""Importing an ICAO master list of 520 CSCA certificates: time and peak memory.

The list is the test PKI's faithful stand-in for the one published through the ICAO PKD
(`drivers/idcard/sim/master_list_builder.py`: 520 entries, explicit EC parameters, links,
zero/negative serials, a damaged entry), built once and not timed. Each run imports it into
an empty trust store (`trust_import.import_file`: signature check, every entry parsed and its
self- or link signature verified, files written) and then loads that store as a reader does
at start (`trust_store.load_directory`). Peak memory is Python's (tracemalloc), measured in a
separate run of each step so that tracing does not slow the timed runs.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_trust_store.py [--runs 5] [--entries 520]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from drivers.idcard import trust_import, trust_store
from drivers.idcard.sim import test_pki


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=520)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-trust-"))
    try:
        pki = test_pki.ensure(work / "test-pki")
        raw, manifest = pki.master_list(args.entries)
        anchors = trust_store.load_certificates(pki.ml_signers_dir)
        now = dt.datetime.now(dt.UTC)
        print(f"master list: {len(raw) / 1024:.0f} KB, {manifest.total} entries ({len(manifest.explicit)} with "
              f"explicit EC parameters, {manifest.links} links, {manifest.corrupt} damaged); {args.runs} runs, "
              "medians; the machine is shared, so wall times are noisy")

        def do_import(n: int) -> trust_import.ImportResult:
            return trust_import.import_file(raw, "icao.ml", work / f"store-{n}", anchors, now=now)

        def do_load(n: int) -> trust_store.TrustStore:
            return trust_store.load_directory(work / f"store-{n}", now=now)

        for label, step in (("import", do_import), ("load store", do_load)):
            walls, cpus = [], []
            for n in range(args.runs):
                wall, cpu = time.perf_counter(), time.process_time()
                result = step(n)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            tracemalloc.start()
            step(args.runs)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            detail = ""
            if isinstance(result, trust_import.ImportResult):
                detail = f"{len(result.added)} written, {len(result.rejected)} rejected"
            else:
                detail = f"{len(result.anchors)} CSCA keys, {len(result.problems)} unusable"
            print(f"{label:<11} wall {statistics.median(walls) * 1000:7.0f} ms (min {min(walls) * 1000:.0f})  "
                  f"CPU {statistics.median(cpus) * 1000:7.0f} ms  peak {peak / 2**20:5.1f} MiB  {detail}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
