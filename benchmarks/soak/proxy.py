"""A fault-injecting HTTP/1.1 proxy on loopback, between the kiosk's registration client and the
registration service.

The service has no fault hooks of its own, and the faults that matter happen on the wire: an
answer lost after the authority decided, a reply that comes too late, a 5xx from a gateway. The
proxy forwards whole requests (Content-Length bodies, keep-alive), so it can fail a request
before the service sees it, or after the service has answered:

- ``503``: answered 503 problem+json by the "gateway"; the service never sees the request;
- ``reset``: the connection is reset before forwarding;
- ``lost_answer``: forwarded and decided, then the connection is reset instead of answering;
- ``late_answer``: forwarded and decided, the answer held past the client's read timeout;
- ``outage``: every request answered 503 until ``clear()`` (the authority is down).

Faults are armed for the next N requests whose request line starts with a prefix (e.g.
``POST /v1/applications``). Only loopback: the harness never sends traffic anywhere else.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass

MODES = ("503", "reset", "lost_answer", "late_answer", "outage")
PROBLEM = b'{"type":"about:blank","title":"Service Unavailable","status":503,"code":"service_unavailable"}'


@dataclass
class _Armed:
    mode: str
    remaining: int | None  # None: until cleared
    prefix: str


class FaultProxy:
    def __init__(self, upstream_host: str, upstream_port: int, late_s: float = 3.0) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.late_s = late_s
        self._armed: list[_Armed] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.applied: Counter[str] = Counter()
        self.requests = 0
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)
        self._thread.start()

    # --- control -------------------------------------------------------------------------------
    def arm(self, mode: str, count: int | None = 1, prefix: str = "") -> None:
        if mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}")
        with self._lock:
            self._armed.append(_Armed(mode, None if mode == "outage" else count, prefix))

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def armed(self) -> bool:
        with self._lock:
            return bool(self._armed)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()

    def _take(self, request_line: str) -> str:
        with self._lock:
            self.requests += 1
            for armed in self._armed:
                if request_line.startswith(armed.prefix):
                    if armed.remaining is not None:
                        armed.remaining -= 1
                        if armed.remaining <= 0:
                            self._armed.remove(armed)
                    self.applied[armed.mode] += 1
                    return armed.mode
        return ""

    # --- serving -------------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True, name="fault-proxy-conn").start()

    @staticmethod
    def _read_request(conn: socket.socket, buf: bytearray) -> tuple[bytes, bytes] | None:
        while b"\r\n\r\n" not in buf:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            buf += chunk
        head, _, rest = bytes(buf).partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            rest += chunk
        del buf[:]
        buf += rest[length:]
        return head, rest[:length]

    @staticmethod
    def _reset(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    def _forward(self, head: bytes, body: bytes) -> bytes:
        """One fresh upstream connection per request: a keep-alive connection the service closed
        while idle would otherwise fail the next request here, a fault nobody scheduled."""
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() not in ("host", "content-length", "connection"):
                headers[name] = value.strip()
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            upstream.request(method, path, body=body or None, headers=headers)
            resp = upstream.getresponse()
            data = resp.read()
        finally:
            upstream.close()
        out = [f"HTTP/1.1 {resp.status} {resp.reason}"]
        for name, value in resp.getheaders():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                out.append(f"{name}: {value}")
        out += [f"Content-Length: {len(data)}", "Connection: keep-alive", "", ""]
        return "\r\n".join(out).encode("latin-1") + data

    def _serve(self, conn: socket.socket) -> None:
        buf = bytearray()
        try:
            while not self._stop.is_set():
                request = self._read_request(conn, buf)
                if request is None:
                    return
                head, body = request
                mode = self._take(head.split(b"\r\n", 1)[0].decode("latin-1"))
                if mode in ("503", "outage"):
                    conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
                                 b"Content-Length: " + str(len(PROBLEM)).encode() + b"\r\n\r\n" + PROBLEM)
                    continue
                if mode == "reset":
                    self._reset(conn)
                    return
                answer = self._forward(head, body)
                if mode == "lost_answer":
                    self._reset(conn)
                    return
                if mode == "late_answer":
                    time.sleep(self.late_s)
                    self._reset(conn)
                    return
                conn.sendall(answer)
        except (OSError, http.client.HTTPException, ValueError):
            return
        finally:
            with contextlib.suppress(OSError):
                conn.close()
