"""Connection limits, over raw sockets against the real server (embedded and CLI-started):
an oversized head, a slowloris head, a stalled body, silent and idle connections, many
connections from one client."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from registry_service import embedded
from registry_service.limits import ConnectionLimits
from tests.registry_service.svc_helpers import free_port, wait_until_serving

LIMITS = ConnectionLimits(max_head_bytes=4096, head_timeout_s=0.6, body_timeout_s=0.6,
                          idle_timeout_s=0.6, max_connections_per_client=4, max_connections=50)
GET = b"GET /v1/reference-data HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[embedded.EmbeddedService]:
    d = tmp_path_factory.mktemp("guard")
    s = embedded.start(f"sqlite:///{d / 'r.db'}", d / "keys", limits=LIMITS)
    yield s
    s.stop()


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    s = socket.create_connection((host, int(port)), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def _read_until_closed(s: socket.socket, timeout: float = 5.0) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and when it closed (monotonic)."""
    s.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic()


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response else 0


def _wait_until(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def test_keep_alive_requests_within_the_limits_are_served(svc: embedded.EmbeddedService) -> None:
    with _connect(svc.url) as s:
        for _ in range(3):
            s.sendall(GET.replace(b"\r\n\r\n", b"\r\nX-Pad: " + b"a" * 3000 + b"\r\n\r\n"))
            head = b""
            while b"\r\n\r\n" not in head:
                head += s.recv(65536)
            assert _status(head) == 200
            length = int(head.split(b"content-length: ")[1].split(b"\r\n")[0])
            body = head.split(b"\r\n\r\n", 1)[1]
            while len(body) < length:
                body += s.recv(65536)


def test_oversized_head_is_431_and_closed_early(svc: embedded.EmbeddedService) -> None:
    with _connect(svc.url) as s:
        s.sendall(b"GET /v1/reference-data HTTP/1.1\r\nHost: x\r\nX-Big: ")
        sent = 0
        try:
            for _ in range(2000):  # up to 128 MB; the server must stop us long before
                s.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass
        response, _ = _read_until_closed(s)
    assert sent < 16 * 1024 * 1024, "the server kept reading"
    if response:  # the 431 may be lost to the reset when the server closes on unread data
        assert _status(response) == 431 and b"headers_too_large" in response


def test_oversized_head_in_small_pieces_is_431(svc: embedded.EmbeddedService) -> None:
    with _connect(svc.url) as s:
        s.sendall(b"GET /v1/reference-data HTTP/1.1\r\nHost: x\r\n")
        # 110-byte header lines up to just past the limit and no further, so that nothing is
        # left unread when the server closes (unread data would turn its close into a reset)
        for i in range(LIMITS.max_head_bytes // 110 + 1):
            s.sendall(b"X-H%02d: %s\r\n" % (i, b"b" * 100))
        response, _ = _read_until_closed(s)
    assert _status(response) == 431


def test_slowloris_head_is_408_at_the_head_deadline(svc: embedded.EmbeddedService) -> None:
    """One byte at a time, each well inside the idle timeout: the head deadline still ends it."""
    with _connect(svc.url) as s:
        start = time.monotonic()
        s.sendall(b"GET /v1/reference-data HTTP/1.1\r\nHost: x\r\n")
        s.settimeout(0.1)
        response = b""
        for byte in b"X-Slow: " + b"z" * 100:
            try:
                s.send(bytes([byte]))
                chunk = s.recv(65536)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            response += chunk
            if not chunk:
                break
        closed = time.monotonic()
    assert _status(response) == 408 and b"request_timeout" in response
    assert LIMITS.head_timeout_s <= closed - start < LIMITS.head_timeout_s + 2


def test_stalled_body_is_408_at_the_body_deadline(svc: embedded.EmbeddedService) -> None:
    with _connect(svc.url) as s:
        start = time.monotonic()
        s.sendall(b"POST /v1/heartbeat HTTP/1.1\r\nHost: x\r\nX-Kiosk-Id: k1\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"soft")
        response, closed = _read_until_closed(s)
    assert _status(response) == 408
    assert LIMITS.body_timeout_s <= closed - start < LIMITS.body_timeout_s + 2


@pytest.mark.parametrize("first", [b"", b"\r\n"])
def test_silent_connection_is_closed_at_the_idle_deadline(svc: embedded.EmbeddedService,
                                                           first: bytes) -> None:
    with _connect(svc.url) as s:
        start = time.monotonic()
        s.sendall(first)
        response, closed = _read_until_closed(s)
    assert closed - start < max(LIMITS.idle_timeout_s, LIMITS.head_timeout_s) + 2
    assert response in (b"", ) or _status(response) == 408


def test_idle_keep_alive_connection_is_closed(svc: embedded.EmbeddedService) -> None:
    with _connect(svc.url) as s:
        s.sendall(GET)
        s.settimeout(5)
        data, closed = _read_until_closed(s)
        answered = time.monotonic()
    assert _status(data) == 200  # answered, then closed for idling, without a second status
    assert data.count(b"HTTP/1.1") == 1
    assert closed - answered < LIMITS.idle_timeout_s + 2


def test_connections_per_client_are_bounded(svc: embedded.EmbeddedService) -> None:
    held = [_connect(svc.url) for _ in range(LIMITS.max_connections_per_client)]
    try:
        for s in held:  # every held connection is really open: it answers
            s.sendall(GET)
        extra = _connect(svc.url)
        response, _ = _read_until_closed(extra)
        extra.close()
        assert _status(response) == 503 and b"retry-after: 1" in response.lower()
    finally:
        for s in held:
            s.close()
    # the closed ones no longer count: a new connection is served again

    def served() -> bool:
        try:
            return requests.get(svc.url + "/v1/reference-data", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    _wait_until(served)


def test_cli_started_service_has_the_limits(tmp_path: Path) -> None:
    """The same guard in the standalone service: a huge head is cut off, memory stays flat."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "registry_service", "--port", str(port),
         "--database", f"sqlite:///{tmp_path / 'r.db'}", "--key-dir", str(tmp_path / "keys"),
         "--idle-timeout", "0.5", "--max-connections-per-client", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(proc, port)
        rss_before = _rss_kib(proc.pid)
        url = f"http://127.0.0.1:{port}"
        with _connect(url) as s:
            s.sendall(b"GET /v1/reference-data HTTP/1.1\r\nHost: x\r\nX-Big: ")
            sent = 0
            try:
                for _ in range(2048):  # 128 MB
                    s.sendall(b"a" * 65536)
                    sent += 65536
            except (BrokenPipeError, ConnectionResetError):
                pass
        assert sent < 16 * 1024 * 1024
        assert _rss_kib(proc.pid) - rss_before < 20 * 1024
        with _connect(url) as s:  # silent: closed at the idle deadline
            start = time.monotonic()
            _, closed = _read_until_closed(s)
            assert closed - start < 3
        held = [_connect(url) for _ in range(3)]
        extra = _connect(url)
        response, _ = _read_until_closed(extra)
        assert _status(response) == 503
        for s in (*held, extra):
            s.close()
    finally:
        proc.terminate()
        proc.wait(15)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")
