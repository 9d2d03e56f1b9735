"""The metrics endpoint under idle, slow and many clients: bounded threads, a scrape still answers."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager

import pytest
from prometheus_client import CollectorRegistry, Gauge

from kiosk.metrics import Metrics
from kiosk.metrics_http import MetricsServer


def scrape(port: int, path: str = "/metrics", headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def raw(port: int, request: bytes) -> bytes:
    with closing(socket.create_connection(("127.0.0.1", port), timeout=5)) as s:
        s.sendall(request)
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:  # dropped with the request unread
            pass
        return b"".join(chunks)


@contextmanager
def idle_clients(port: int, count: int) -> Iterator[list[socket.socket]]:
    socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]
    try:
        yield socks
    finally:
        for s in socks:
            s.close()


def dropped(sock: socket.socket) -> bool:
    """True once the server has closed this connection (without blocking)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except ConnectionError:
        return True


def wait_for(predicate, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@pytest.fixture
def registry() -> CollectorRegistry:
    reg = CollectorRegistry()
    Gauge("kiosk_test_up", "a test gauge", registry=reg).set(1)
    return reg


def test_idle_connections_take_no_threads_and_a_scrape_still_answers() -> None:
    before = threading.active_count()
    metrics = Metrics()
    port = metrics.serve("127.0.0.1", 0)
    try:
        with idle_clients(port, 100):
            status, content_type, body = scrape(port)
            assert status == 200 and content_type.startswith("text/plain")
            assert 'kiosk_device_up{device="printer"} 1.0' in body
            assert threading.active_count() <= before + 1
    finally:
        metrics.close()
    assert wait_for(lambda: threading.active_count() == before)


def test_past_the_cap_the_oldest_connections_are_dropped(registry: CollectorRegistry) -> None:
    server = MetricsServer(registry, "127.0.0.1", 0, max_connections=8, request_timeout_s=30)
    try:
        with idle_clients(server.port, 40) as socks:
            assert wait_for(lambda: sum(dropped(s) for s in socks[:32]) == 32)
            assert not any(dropped(s) for s in socks[32:])
            assert server.open_connections <= 8
            assert scrape(server.port)[0] == 200
    finally:
        server.close()


def test_silent_and_trickling_clients_are_dropped_at_the_deadline(registry: CollectorRegistry) -> None:
    server = MetricsServer(registry, "127.0.0.1", 0, request_timeout_s=0.5)
    try:
        with idle_clients(server.port, 2) as (silent, trickling):
            t0 = time.monotonic()
            trickling.sendall(b"GET /metrics HTTP/1.1\r\n")
            while not dropped(trickling) and time.monotonic() - t0 < 5:
                trickling.setblocking(True)
                try:
                    trickling.sendall(b"X")  # one header byte at a time, never the blank line
                except ConnectionError:
                    break
                time.sleep(0.05)
            assert time.monotonic() - t0 < 2
            assert wait_for(lambda: dropped(silent), timeout=2)
        assert scrape(server.port)[0] == 200
    finally:
        server.close()


def test_the_answers(registry: CollectorRegistry) -> None:
    server = MetricsServer(registry, "127.0.0.1", 0)
    try:
        status, content_type, body = scrape(server.port)
        assert (status, content_type) == (200, "text/plain; version=0.0.4; charset=utf-8")
        assert "kiosk_test_up 1.0" in body
        status, content_type, body = scrape(server.port, headers={"Accept": "application/openmetrics-text"})
        assert content_type.startswith("application/openmetrics-text") and body.endswith("# EOF\n")
        assert scrape(server.port, "/")[0] == 200
        assert scrape(server.port, "/elsewhere")[0] == 404
        head = raw(server.port, b"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 ") and head.endswith(b"\r\n\r\n")
        assert raw(server.port, b"POST /metrics HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 405 ")
        assert raw(server.port, b"nonsense\r\n\r\n").startswith(b"HTTP/1.1 400 ")
        assert raw(server.port, b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n") == b""  # too long: dropped
    finally:
        server.close()


def test_a_busy_port_raises_in_the_caller(registry: CollectorRegistry) -> None:
    first = MetricsServer(registry, "127.0.0.1", 0)
    try:
        with pytest.raises(OSError):
            MetricsServer(registry, "127.0.0.1", first.port)
    finally:
        first.close()
