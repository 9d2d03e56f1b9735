"""The soak's other parts: the trend fit, the seeded schedules, the applicants, and the fault
proxy against a tiny loopback server."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
import requests

from benchmarks.soak import faults, resources
from benchmarks.soak.applicants import generate
from benchmarks.soak.proxy import FaultProxy
from drivers.idcard import resident_id


def _samples(values: list[float], pid_every: int = 0) -> list[resources.Sample]:
    out = []
    for i, v in enumerate(values):
        pid = 1 + (i // pid_every if pid_every else 0)
        out.append(resources.Sample(i * 50, pid, int(v), 0, 40, 20))
    return out


def test_a_steady_leak_is_growing_and_noise_is_flat() -> None:
    leak = resources.trend(_samples([100_000 + 800 * i + (37 * i % 5) for i in range(20)]), "rss_kb")
    assert leak is not None and not leak.flat and leak.slope_per_100 == pytest.approx(1600, rel=0.01)
    noise = resources.trend(_samples([100_000 + (7919 * i % 13) * 50 for i in range(20)]), "rss_kb")
    assert noise is not None and noise.flat


def test_a_restart_drop_is_not_taken_for_a_trend() -> None:
    # each process grows nothing; the second one starts 50 MB lower
    values = [150_000 + (i % 3) * 100 for i in range(10)] + [100_000 + (i % 3) * 100 for i in range(10)]
    t = resources.trend(_samples(values, pid_every=10), "rss_kb")
    assert t is not None and t.flat and abs(t.slope_per_100) < 100


def test_warm_up_after_each_start_is_left_out_of_the_trend() -> None:
    # three processes (two kills), each warming up from 60 MB to a flat 100 MB
    values = [60_000, 100_000, 100_100, 99_900, 60_000, 100_050, 99_950, 60_000, 100_000, 100_080]
    pids = [1, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    samples = [resources.Sample(i * 50, pid, v, 0, 40, 20) for i, (pid, v) in enumerate(zip(pids, values, strict=True))]
    naive = resources.trend(samples, "rss_kb")
    assert naive is not None and not naive.flat  # the warm-up reads as growth
    t = resources.trend(resources.after_warm_up(samples), "rss_kb")
    assert t is not None and t.flat and t.points == 7


def test_the_schedule_is_seeded_and_near_its_rate() -> None:
    plan = faults.schedule(2000, 0.1, seed=4)
    assert plan == faults.schedule(2000, 0.1, seed=4) != faults.schedule(2000, 0.1, seed=5)
    share = sum(1 for f in plan if f) / len(plan)
    assert 0.08 < share < 0.12
    assert {f["kind"] for f in plan if f} == set(faults.KINDS)


def test_applicants_are_distinct_valid_people() -> None:
    people = generate(500, seed=2)
    assert len({p.document_number for p in people}) == 500
    assert all(resident_id.is_valid(p.personal_number) for p in people)
    assert all(resident_id.birth_date(p.personal_number).strftime("%y%m%d") == p.birth_date for p in people)
    tags = {t for p in people for t in p.tags}
    assert {"namesake", "rare_characters", "prior_permit"} <= tags
    assert all(len(p.name_national) >= 3 for p in people)  # UTF-16 needles of at least 6 bytes


class _Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = 0

    def do_POST(self) -> None:  # the name http.server dispatches POST to
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen += 1
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def proxied() -> Iterator[FaultProxy]:
    _Echo.seen = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proxy = FaultProxy("127.0.0.1", server.server_address[1], late_s=0.6)
    yield proxy
    proxy.close()
    server.shutdown()


def test_the_proxy_forwards_and_fails_what_it_is_told_to(proxied: FaultProxy) -> None:
    s = requests.Session()
    url = proxied.url + "/v1/applications"
    assert s.post(url, json={"a": 1}, timeout=2).json() == {"a": 1}
    proxied.arm("503", 1, "POST /v1/applications")
    assert s.post(url, json={}, timeout=2).status_code == 503
    assert _Echo.seen == 1, "a gateway 503 never reaches the service"
    proxied.arm("lost_answer", 1, "POST /v1/applications")
    with pytest.raises(requests.ConnectionError):
        s.post(url, json={}, timeout=2)
    assert _Echo.seen == 2, "the service answered; the answer was lost"
    proxied.arm("late_answer", 1, "POST /v1/applications")
    with pytest.raises(requests.exceptions.ReadTimeout):
        s.post(url, json={}, timeout=(1, 0.3))
    proxied.arm("outage")
    assert [s.post(url, json={}, timeout=2).status_code for _ in range(3)] == [503, 503, 503]
    proxied.clear()
    assert s.post(url, json={"b": 2}, timeout=2).json() == {"b": 2}
    assert dict(proxied.applied) == {"503": 1, "lost_answer": 1, "late_answer": 1, "outage": 3}
