"""Service CPU per submission, a figure that holds on a shared machine where latency does not.

Two measurements, SQLite and PostgreSQL (a throwaway cluster):
- in-process: the ASGI app called directly (no sockets, no HTTP parser) from an event loop with
  8 submissions in flight, CPU time of this process (all threads) per submission; the database
  server's CPU is not counted. ``--profile FILE`` writes a cProfile of this phase.
- end to end (``--e2e``): ``python -m registry_service`` (uvicorn + httptools) driven by
  bench_registry's closed loop (100 kiosks), CPU of the service processes per submission.

Each figure is the median of ``--repeat`` runs (min-max in brackets).

    .venv/bin/python benchmarks/bench_registry_cpu.py [--n 2000] [--repeat 5] [--skip-sqlite]
        [--skip-postgres] [--e2e] [--workers 2] [--profile FILE] [--root DIR]

``--root DIR`` measures another checkout of the service (an older revision, for before/after).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _settings(root_settings: Any, db: str, keys: Path) -> Any:
    """ServiceSettings of whichever revision is measured: no rate limits, no periodic purge."""
    kw: dict[str, Any] = {}
    fields = inspect.signature(root_settings).parameters
    if "rate_limits" in fields:
        from registry_service.limits import RateLimits

        big = 10**9
        kw["rate_limits"] = RateLimits(big, big, big, big)
    if "purge_interval_s" in fields:
        kw["purge_interval_s"] = 0
    return root_settings(database_url=db, key_dir=keys, **kw)


async def _drive(app: Any, bodies: list[bytes], tag: str, inflight: int = 8) -> list[int]:
    statuses: list[int] = []
    queue = list(enumerate(bodies))

    async def one(i: int, body: bytes) -> None:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": "/v1/applications", "raw_path": b"/v1/applications",
            "query_string": b"", "root_path": "", "client": ("127.0.0.1", 40000 + i % 1000),
            "server": ("127.0.0.1", 8600),
            "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"x-kiosk-id", f"bench-{i % 100:03d}".encode()),
                        (b"idempotency-key", f"{tag}-{i:08d}".encode())],
        }
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app(scope, receive, send)

    async def worker() -> None:
        while queue:
            i, body = queue.pop()
            await one(i, body)

    await asyncio.gather(*(worker() for _ in range(inflight)))
    return statuses


def _callgrind(state: str) -> None:
    """Under `valgrind --tool=callgrind --instr-atstart=no` (--callgrind): count instructions
    of the measured phase only, not of the imports and the set-up."""
    if os.environ.get("BENCH_CALLGRIND"):
        subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], check=True,
                       capture_output=True)


def in_process(db: str, n: int, tag: str, profile: str | None = None) -> float:
    """CPU milliseconds of this process per submission."""
    from registry_service import samples
    from registry_service.app import ServiceSettings, create_app

    with tempfile.TemporaryDirectory() as keys:
        app = create_app(_settings(ServiceSettings, db, Path(keys)))
        industries = ["H6210", "F5211", "F5261", "O8010"]
        bodies = [json.dumps(samples.application(
            trade_name=samples.trade_name(i % 13824), industry_code=industries[i // 13824 % 4],
            operator_name="王芳")).encode() for i in range(n)]
        import uvloop

        loop = uvloop.new_event_loop()
        try:
            loop.run_until_complete(_drive(app, bodies[:50], tag + "w"))  # warm-up
            prof = cProfile.Profile() if profile else None
            _callgrind("on")
            t0 = time.process_time()
            if prof:
                prof.enable()
            statuses = loop.run_until_complete(_drive(app, bodies[50:], tag))
            if prof:
                prof.disable()
                prof.dump_stats(profile)
            cpu = time.process_time() - t0
            _callgrind("off")
        finally:
            loop.close()
            app.state.engine.dispose()
    bad = [s for s in statuses if s != 201]
    if bad:
        raise RuntimeError(f"{len(bad)} submissions failed: {sorted(set(bad))}")
    return cpu * 1000 / len(statuses)


def end_to_end(db: str, workers: int, root: Path) -> float:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_registry as b

    with b.service(db, workers, root) as (url, pid):
        b.load(url, 100, 1, "warm")
        cpu0 = b.process_cpu_s(pid)
        r = b.load(url, 100, 20, "closed")
        return (b.process_cpu_s(pid) - cpu0) * 1000 / (r["submissions"] + 100)


def callgrind(args: argparse.Namespace) -> int:
    """Each backend's in-process phase once under callgrind, instrumented only while measured."""
    print(f"instructions per submission, in-process (callgrind), root {args.root}")
    for name, skip in (("SQLite", "--skip-postgres"), ("PostgreSQL", "--skip-sqlite")):
        if getattr(args, f"skip_{'sqlite' if name == 'SQLite' else 'postgres'}"):
            continue
        counts = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "callgrind.out"
                subprocess.run(
                    ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                     f"--callgrind-out-file={out}", sys.executable, __file__, skip, "--n",
                     str(args.n), "--repeat", "1", "--root", str(args.root)],
                    env={**os.environ, "BENCH_CALLGRIND": "1"}, check=True, capture_output=True)
                totals = next(line for line in out.read_text().splitlines()
                              if line.startswith("totals:"))
                counts.append(int(totals.split()[1]) / (args.n - 50))
        c = sorted(counts)
        print(f"  {name:<34}{statistics.median(c) / 1e6:7.3f} M [{c[0] / 1e6:.3f}-{c[-1] / 1e6:.3f}]")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="submissions per in-process run")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--e2e", action="store_true", help="also the CLI service over loopback")
    ap.add_argument("--workers", type=int, default=2, help="service processes end to end (PostgreSQL)")
    ap.add_argument("--profile", metavar="FILE",
                    help="cProfile of the first in-process run per backend (FILE.sqlite, FILE.postgresql)")
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout whose service is measured")
    ap.add_argument("--callgrind", action="store_true",
                    help="instructions per submission in-process under valgrind's callgrind "
                    "(stable on a busy machine; about 40x slower, so use a small --n)")
    args = ap.parse_args()
    if args.callgrind:
        return callgrind(args)
    sys.path.insert(0, str(args.root))
    results: dict[str, list[float]] = {}

    @contextlib.contextmanager
    def sqlite():  # type: ignore[no-untyped-def]
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/b.db"

    def postgres():  # type: ignore[no-untyped-def]
        sys.path.append(str(ROOT))  # after --root: the service measured comes from there
        from tests.registry_service.pg_sandbox import cluster

        return cluster()

    backends = [b for b, skip in ((("SQLite", sqlite, 1), args.skip_sqlite),
                                  (("PostgreSQL", postgres, args.workers), args.skip_postgres))
                if not skip]
    for r in range(args.repeat):
        for name, database, workers in backends:
            prof = f"{args.profile}.{name.lower()}" if args.profile and r == 0 else None
            with database() as db:
                results.setdefault(f"{name} in-process", []).append(
                    in_process(db, args.n, f"r{r}", prof))
            if args.e2e:
                with database() as db:
                    results.setdefault(f"{name} end to end, {workers} proc", []).append(
                        end_to_end(db, workers, args.root))
    print(f"service CPU per submission, ms (median [min-max] of {args.repeat}), root {args.root}")
    for name, values in results.items():
        v = sorted(values)
        print(f"  {name:<34}{statistics.median(v):7.3f} [{v[0]:.3f}-{v[-1]:.3f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
