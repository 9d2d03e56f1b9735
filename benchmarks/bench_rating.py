"""Rating (好差评) latency as the kiosk sees it, next to submission latency in the same run.

The service runs as its own process (`python -m registry_service`, as in bench_registry.py) on
loopback, SQLite or (``--postgres``) a throwaway PostgreSQL cluster; one kiosk talks to it
through the real HttpRegistrationClient, one case after another, as one kiosk serves its
applicants. For each case, in turn:

- ``submit``: HttpRegistrationClient.submit() of a distinct application (distinct operator and
  字号, so each is decided and, almost always, approved and signed), the peer for comparison;
- ``queue``: RatingOutbox.add() of that case's rating, the only part on the kiosk's UI thread
  (one SQLite transaction, synchronous=FULL);
- ``rate``: the HTTP exchange of POST /v1/ratings made by the outbox's sender (the client's
  rate(): request, validation, lookup of the case, one write transaction, receipt checked); every
  other rating is 不满意 and also writes a follow-up record;
- ``send``: the sender's whole flush of that one row (rate plus marking it sent on disk);
- ``replay``: the same key again, answered from the stored first answer.

Submissions and ratings alternate, so a noisy stretch of this shared machine hits both alike.
Prints p50/p95/p99/max in milliseconds per round and over all rounds; it asserts nothing
beyond every call succeeding.

    .venv/bin/python benchmarks/bench_rating.py [--cases 300] [--rounds 3] [--warm-up 20] [--postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_registry import service  # noqa: E402
from drivers.registry.http_client import HttpRegistrationClient  # noqa: E402
from drivers.registry.models import Application, Rating, RatingReceipt  # noqa: E402
from kiosk.rating_outbox import RatingOutbox  # noqa: E402
from registry_service import samples  # noqa: E402
from registry_service.keys import PUBLIC_KEY_FILE  # noqa: E402

COLUMNS = ("submit", "queue", "rate", "send", "replay")


def application(n: int) -> Application:
    """A distinct operator (birth date) and 字号 per n, so no rule sends it to review for being
    a repeat."""
    birth = date(1960, 1, 1) + timedelta(days=n)
    return Application(**samples.application(birth=birth, trade_name=samples.trade_name(n)))


def rating(application_id: str, ending: str, n: int) -> Rating:
    bad = n % 2 == 1
    return Rating("application", application_id, ending, "dissatisfied" if bad else "satisfied",
                  ("too_slow", "unclear_guidance") if bad else (),
                  time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))


class TimedClient:
    """The outbox's client, timing each rate() call and keeping what it sent (for the replay)."""

    def __init__(self, client: HttpRegistrationClient) -> None:
        self.client = client
        self.last: tuple[Rating, str] | None = None
        self.last_ms = 0.0

    def rate(self, r: Rating, key: str) -> RatingReceipt:
        t0 = time.perf_counter()
        receipt = self.client.rate(r, key)
        self.last_ms = (time.perf_counter() - t0) * 1000
        self.last = (r, key)
        return receipt


def _ms_since(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def one_case(n: int, client: HttpRegistrationClient, box: RatingOutbox, out: dict[str, list[float]]) -> str:
    """One applicant's submission and rating, timed into ``out``; the authority's outcome."""
    t0 = time.perf_counter()
    decision = client.submit(application(n), uuid.uuid4().hex)
    out["submit"].append(_ms_since(t0))
    ending = "issued" if decision.outcome == "approved" else "referred"
    t0 = time.perf_counter()
    box.add(rating(decision.application_id, ending, n))
    out["queue"].append(_ms_since(t0))
    timed = TimedClient(client)
    t0 = time.perf_counter()
    report = box.flush(timed)  # type: ignore[arg-type]  # duck-typed: the outbox calls rate() only
    out["send"].append(_ms_since(t0))
    if report.sent != 1 or timed.last is None:
        raise RuntimeError(f"rating not sent: {report}")
    out["rate"].append(timed.last_ms)
    t0 = time.perf_counter()
    client.rate(*timed.last)
    out["replay"].append(_ms_since(t0))
    return decision.outcome


@contextlib.contextmanager
def database(tmp: Path, postgres: bool) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{tmp / 'registry.db'}"
        return
    from tests.registry_service.pg_sandbox import cluster

    with cluster() as url:
        yield url


def one_round(cases: int, warm_up: int, postgres: bool) -> tuple[dict[str, list[float]], Counter[str]]:
    """A fresh service, database and outbox: no round inherits another's tables or caches."""
    with tempfile.TemporaryDirectory() as d, database(Path(d), postgres) as url, \
            service(url, 1, key_dir=Path(d) / "keys") as (base_url, _pid):
        client = HttpRegistrationClient(base_url, "bench-kiosk-01", Path(d) / "keys" / PUBLIC_KEY_FILE)
        box = RatingOutbox(Path(d) / "ratings.db")
        try:
            scratch: dict[str, list[float]] = {c: [] for c in COLUMNS}
            for n in range(warm_up):  # connections, caches, the first write
                one_case(n, client, box, scratch)
            out: dict[str, list[float]] = {c: [] for c in COLUMNS}
            outcomes = Counter(one_case(n, client, box, out) for n in range(warm_up, warm_up + cases))
            return out, outcomes
        finally:
            box.close()
            client.close()


def quantiles(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98], "max": max(values)}


def table(title: str, out: dict[str, list[float]]) -> list[str]:
    lines = [title, f"  {'':<8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'n':>6}"]
    for col in COLUMNS:
        q = quantiles(out[col])
        lines.append(f"  {col:<8}{q['p50']:>8.2f}{q['p95']:>8.2f}{q['p99']:>8.2f}{q['max']:>8.2f}"
                     f"{len(out[col]):>6}")
    return lines


def run(cases: int, rounds: int, warm_up: int, postgres: bool) -> dict[str, Any]:
    load_before = os.getloadavg()
    results = [one_round(cases, warm_up, postgres) for _ in range(rounds)]
    per_round = [out for out, _ in results]
    pooled = {c: [v for out in per_round for v in out[c]] for c in COLUMNS}
    outcomes = sum((o for _, o in results), Counter())
    return {"rounds": per_round, "pooled": pooled, "outcomes": outcomes,
            "load": (load_before, os.getloadavg())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cases", type=int, default=300, help="measured cases per round")
    ap.add_argument("--rounds", type=int, default=3, help="each with a fresh service and database")
    ap.add_argument("--warm-up", type=int, default=20, help="cases per round before measuring")
    ap.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster, not SQLite")
    args = ap.parse_args(argv)
    if args.cases < 2 or args.rounds < 1 or args.warm_up < 0:
        ap.error("--cases at least 2, --rounds at least 1, --warm-up at least 0")
    if args.cases + args.warm_up > 24 ** 3:
        ap.error("at most 13824 cases per round (distinct 字号)")
    result = run(args.cases, args.rounds, args.warm_up, args.postgres)
    print(f"{'PostgreSQL' if args.postgres else 'SQLite'}, one kiosk, sequential cases on loopback, "
          f"{os.cpu_count()} CPUs shared with the service; ms")
    for i, out in enumerate(result["rounds"]):
        print("\n".join(table(f"round {i + 1}", out)))
    if args.rounds > 1:
        print("\n".join(table(f"all {args.rounds} rounds", result["pooled"])))
    print("decisions: " + ", ".join(f"{k} {v}" for k, v in sorted(result["outcomes"].items())))
    before, after = result["load"]
    print(f"load average before {before[0]:.2f}, after {after[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
