"""Registration API under load: 100 concurrent simulated kiosks on loopback, SQLite vs PostgreSQL.

Each simulated kiosk is an asyncio task with its own keep-alive connection submitting distinct
applications (spread over two generator processes so that the client side is not one GIL), open
loop at fixed rates, then closed loop for the maximum. The service runs as its own process
(`python -m registry_service`), PostgreSQL as a throwaway cluster on loopback. After each load
phase every kiosk replays its last key and the database is checked for duplicate licences.
`--baseline-ref REV` runs an older revision of the service alongside (a git worktree), and
`--repeat N` interleaves the backends over N rounds, because this 2-CPU machine is shared and a
single run's p99 swings by a factor of several.

    .venv/bin/python benchmarks/bench_registry.py [--rates 100,300] [--per-kiosk 20] [--workers 1,2]
        [--skip-sqlite] [--skip-postgres] [--baseline-ref REV] [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from registry_service import samples  # noqa: E402

# distinct 字号 per phase (24**3 = 13824 names; 100 kiosks x 20 = 2000 per phase)
_NAME_BASE = {"warm": 0, "open0": 200, "open1": 2200, "open2": 4200, "open3": 6200,
              "closed": 8200}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def service(db_url: str, workers: int, root: Path = ROOT,  # type: ignore[no-untyped-def]
            key_dir: Path | None = None):
    """The service as its own process on a free loopback port; its authority keys in ``key_dir``
    (for a client that checks signatures), else in a throwaway directory."""
    port = _free_port()
    with contextlib.ExitStack() as stack:
        keys = str(key_dir) if key_dir else stack.enter_context(tempfile.TemporaryDirectory())
        # the simulated kiosks all connect from 127.0.0.1 and each submits 3 times a second:
        # lift the per-address connection bound and the per-kiosk rates (older revisions of
        # the service, as a baseline, have no such options)
        lift = ["--max-connections-per-client", "1000", "--submit-rate", "1000000",
                "--submit-burst", "1000000", "--request-rate", "1000000", "--request-burst", "1000000"]
        extra = lift if root == ROOT else []
        proc = subprocess.Popen(
            [sys.executable, "-m", "registry_service", "--port", str(port), "--database", db_url,
             "--key-dir", keys, "--workers", str(workers), *extra],
            cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url + "/v1/reference-data", timeout=1)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(proc.stderr.read().decode()) from None  # type: ignore[union-attr]
                time.sleep(0.2)
        try:
            yield url, proc.pid
        finally:
            proc.terminate()
            proc.wait(20)


class _Conn:
    """Minimal keep-alive HTTP/1.1 client on asyncio streams. Hand-written because the load
    generator shares the two cores with the service: `requests` spends more CPU per call
    than the service does, and would measure the generator instead of the service."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n".encode() + body
        )
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdrs = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
        payload = await self.reader.readexactly(int(hdrs.get("content-length", "0")))
        if hdrs.get("connection") == "close":
            self.writer.close()
            self.writer = None
        return status, hdrs, payload


async def _kiosk(url: str, kiosk: int, per_kiosk: int, interval: float, t_start: float,
                 tag: str, out: list[tuple[float, int, str]]) -> None:
    host, port = url.removeprefix("http://").split(":")
    conn = _Conn(host, int(port))
    loop = asyncio.get_running_loop()
    offset = (kiosk % 100) / 100 * interval  # spread the kiosks over one interval
    for j in range(per_kiosk):
        n = _NAME_BASE[tag] + kiosk * per_kiosk + j
        body = json.dumps(samples.application(trade_name=samples.trade_name(n),
                                              operator_name="王芳")).encode()
        hdr = {"X-Kiosk-Id": f"bench-{kiosk:03d}", "Idempotency-Key": f"{tag}-{kiosk:03d}-{j:05d}"}
        scheduled = t_start + offset + j * interval
        if interval:
            await asyncio.sleep(max(0.0, scheduled - loop.time()))
        else:
            scheduled = loop.time()
        try:
            status, _h, payload = await conn.post("/v1/applications", body, hdr)
            outcome = json.loads(payload).get("outcome", "") if status == 201 else ""
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status, outcome, conn = 0, "", _Conn(host, int(port))
        # open loop: latency counts from the scheduled time, so queueing is not hidden
        out.append((loop.time() - scheduled, status, outcome))
    # replay the last key: must be the stored answer, never a second licence
    status, h, _ = await conn.post("/v1/applications", body, hdr)
    out.append((-1.0, status, h.get("idempotent-replayed", "")))


def _generator(url: str, kiosks: list[int], per_kiosk: int, interval: float, start_at: float,
               tag: str, queue) -> None:  # type: ignore[no-untyped-def]
    async def run_all() -> list[tuple[float, int, str]]:
        out: list[tuple[float, int, str]] = []
        loop = asyncio.get_running_loop()
        t_start = loop.time() + max(0.0, start_at - time.time())
        await asyncio.gather(*(_kiosk(url, k, per_kiosk, interval, t_start, tag, out)
                               for k in kiosks))
        return out

    queue.put(asyncio.run(run_all()))


def load(url: str, kiosks: int, per_kiosk: int, tag: str, rate: float = 0.0, procs: int = 1
         ) -> dict[str, float]:
    """rate 0: closed loop (each kiosk submits as soon as its last answer arrives);
    otherwise open loop at ``rate`` submissions/s spread evenly over the kiosks."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    interval = kiosks / rate if rate else 0.0
    start_at = time.time() + 1.0
    parts = [list(range(kiosks))[i::procs] for i in range(procs)]
    ps = [ctx.Process(target=_generator, args=(url, p, per_kiosk, interval, start_at, tag, queue))
          for p in parts]
    for p in ps:
        p.start()
    results = [r for _ in ps for r in queue.get()]
    wall = time.time() - start_at
    for p in ps:
        p.join()
    lat = sorted(x[0] * 1000 for x in results if x[0] >= 0)
    ok = [x for x in results if x[0] >= 0 and x[1] == 201]
    replays = [x for x in results if x[0] < 0]
    q = statistics.quantiles(lat, n=100)
    return {
        "submissions": len(lat),
        "ok": len(ok),
        "approved": sum(1 for x in ok if x[2] == "approved"),
        "errors": len(lat) - len(ok),
        "replays_ok": sum(1 for x in replays if x[1] == 201 and x[2] == "true"),
        "replays": len(replays),
        "p50_ms": q[49],
        "p99_ms": q[98],
        "max_ms": lat[-1],
        "throughput_per_s": len(lat) / wall,
    }


@contextlib.contextmanager
def baseline_tree(ref: str):  # type: ignore[no-untyped-def]
    rev = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    tree = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        yield tree, rev
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,
                       capture_output=True)


def process_cpu_s(pid: int) -> float:
    """CPU seconds of a process and its live children (uvicorn workers)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def duplicates(db_url: str) -> tuple[int, int, int]:
    e = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with e.connect() as c:
        lic = c.execute(text("select count(*), count(distinct uscc), "
                             "count(distinct application_id) from licences")).one()
    e.dispose()
    return lic[0], lic[1], lic[2]


def _cpu_times() -> list[int]:
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]


def steal_percent(before: list[int], after: list[int]) -> float:
    """CPU time the hypervisor gave to other guests: the noise this VM cannot control."""
    delta = [b - a for a, b in zip(before, after, strict=True)]
    return 100.0 * delta[7] / max(1, sum(delta[:8]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--kiosks", type=int, default=100)
    ap.add_argument("--per-kiosk", type=int, default=20, help="submissions per kiosk and phase")
    ap.add_argument("--rates", default="100,300",
                    help="open-loop phases, submissions/s, comma-separated")
    ap.add_argument("--workers", default="1,2",
                    help="service process counts to run on PostgreSQL, comma-separated")
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--baseline-ref", metavar="REV",
                    help="also run the service as of this git revision (a temporary worktree, "
                    "same venv) on PostgreSQL: before/after in the same run")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds; each round runs every backend once, in turn, so that a noisy "
                    "stretch of the shared machine hits all of them alike")
    args = ap.parse_args()
    pg_workers = sorted({int(w) for w in args.workers.split(",")})
    load_before = os.getloadavg()
    rows: list[tuple[str, str, dict[str, float], tuple[int, int, int, int]]] = []

    def phases(name: str, db: str, workers: int, root: Path = ROOT) -> None:
        with service(db, workers, root) as (url, pid):
            # warm-up (connections, caches), not counted; then open loop, then closed loop
            warm = load(url, args.kiosks, 1, "warm")
            approved = int(warm["approved"])
            for i, rate in enumerate(float(r) for r in args.rates.split(",")):
                t0 = _cpu_times()
                open_loop = load(url, args.kiosks, args.per_kiosk, f"open{i}", rate=rate)
                open_loop["steal"] = steal_percent(t0, _cpu_times())
                approved += int(open_loop["approved"])
                rows.append((name, f"open {rate:.0f}/s", open_loop, (0, 0, 0, 0)))
            cpu0, t0 = process_cpu_s(pid), _cpu_times()
            closed = load(url, args.kiosks, args.per_kiosk, "closed")
            closed["steal"] = steal_percent(t0, _cpu_times())
            closed["cpu_ms"] = (process_cpu_s(pid) - cpu0) * 1000 / (closed["submissions"]
                                                                    + args.kiosks)
            approved += int(closed["approved"])
            rows.append((name, "closed (max)", closed, (*duplicates(db), approved)))

    with contextlib.ExitStack() as stack:
        tree, rev = (stack.enter_context(baseline_tree(args.baseline_ref))
                     if args.baseline_ref else (ROOT, ""))
        for _round in range(args.repeat):
            if not args.skip_sqlite:
                with tempfile.TemporaryDirectory() as tmp:
                    phases("SQLite, 1 proc", f"sqlite:///{tmp}/bench.db", 1)
            if args.skip_postgres:
                continue
            from tests.registry_service.pg_sandbox import cluster

            for workers in pg_workers:
                with cluster() as pg:
                    phases(f"PostgreSQL, {workers} proc", pg, workers)
            if args.baseline_ref:
                with cluster() as pg:
                    phases(f"PG {pg_workers[-1]}p @{rev}", pg, pg_workers[-1], tree)
    print(f"load average before: {load_before}, after: {os.getloadavg()}")
    print(f"{args.kiosks} concurrent kiosks, {args.per_kiosk} submissions each per phase, "
          f"loopback, {mp.cpu_count()} CPUs shared by service, load generator and database")
    print(f"{'backend':<19}{'load':<14}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'subm/s':>8}"
          f"{'errors':>8}{'replays':>9}{'steal %':>8}{'licences':>9}{'dupes':>6}"
          f"{'svc CPU ms':>11}")
    for name, phase, r, (lic, distinct_codes, distinct_apps, approved) in rows:
        tail = ""
        if lic:
            # a duplicate: two licences for one application, one code twice, or more licences
            # in the database than approvals the kiosks received
            dupes = (lic - distinct_codes) + (lic - distinct_apps) + (lic - approved)
            tail = f"{lic:>9}{dupes:>6}{r['cpu_ms']:>11.2f}"
        print(f"{name:<19}{phase:<14}{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}{r['max_ms']:>8.1f}"
              f"{r['throughput_per_s']:>8.0f}{int(r['errors']):>8}"
              f"{int(r['replays_ok']):>5}/{int(r['replays']):<3}{r['steal']:>8.1f}{tail}")
    if args.repeat > 1:
        print(f"\nover {args.repeat} rounds: p99 ms median [min-max]; throughput median")
        groups: dict[tuple[str, str], list[dict[str, float]]] = {}
        for name, phase, r, _ in rows:
            groups.setdefault((name, phase), []).append(r)
        for (name, phase), rs in groups.items():
            p99 = sorted(r["p99_ms"] for r in rs)
            tput = statistics.median(r["throughput_per_s"] for r in rs)
            print(f"{name:<19}{phase:<14}{statistics.median(p99):>8.1f} "
                  f"[{p99[0]:.1f}-{p99[-1]:.1f}]{tput:>8.0f}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
