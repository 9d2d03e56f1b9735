"""A real loopback HTTP server that misbehaves on cue, optionally in front of the real service.

Each request takes the next behaviour from a script (the last one repeats):
  "proxy"          forward to the real service and return its answer unchanged
  "proxy_then_hang" forward (so the service commits), then never answer: the response is lost
  "hang"           never answer
  "reset"          close the connection with an RST before answering
  "status:N"       answer HTTP N with a problem document
  ("status", N, {header: value}) the same with extra response headers
  "garbage"        200 with a body that is not JSON
  "html"           200 text/html
  ("tamper", fn)   forward, then return fn(parsed JSON) re-serialised
  "endless"        200 application/json without a length, bytes until the client hangs up
  "endless_chunked" the same in chunked transfer encoding
  "huge_length"    the same with Content-Length: 10**12
  "deep_json"      200 with 200,000 nested JSON arrays (about 400 KB)
  "gzip_bomb"      200 with Content-Encoding: gzip, 10 MB of spaces in 10 KB
Endless bodies stop at ENDLESS_CAP; ``sent`` counts the body bytes the server got out.
"""

from __future__ import annotations

import gzip
import json
import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

ENDLESS_CAP = 256 * 1024 * 1024


class FaultServer:
    def __init__(self, upstream: str | None = None, hang_s: float = 2.0) -> None:
        self.upstream = upstream
        self.hang_s = hang_s  # the longest a "hang" lasts; close() ends every hang at once
        self._released = threading.Event()
        self.script: list[Any] = ["proxy"]
        self.requests: list[dict[str, Any]] = []
        self.sent = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_a: object) -> None:
                pass

            def do_GET(self) -> None:
                outer._handle(self)

            def do_POST(self) -> None:
                outer._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._released.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _next(self) -> Any:
        with self._lock:
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        with self._lock:
            self.requests.append(
                {"method": h.command, "path": h.path, "headers": dict(h.headers.items()), "body": body}
            )
        action = self._next()
        if action == "hang":
            self._released.wait(self.hang_s)
            h.close_connection = True
            return
        if action == "reset":
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.close_connection = True
            h.connection.close()
            return
        if isinstance(action, str) and action.startswith("status:"):
            action = ("status", int(action.split(":")[1]), {})
        if isinstance(action, tuple) and action[0] == "status":
            _, status, extra = action
            self._send(
                h,
                status,
                json.dumps({"type": "about:blank", "title": "x", "status": status, "code": "service_busy"}).encode(),
                "application/problem+json",
                extra,
            )
            return
        if action in ("endless", "endless_chunked", "huge_length"):
            self._endless(h, action)
            return
        if action == "gzip_bomb":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Encoding", "gzip")
            payload = gzip.compress(b" " * 10_000_000)
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            return
        if action == "deep_json":
            self._send(h, 200, b"[" * 200_000 + b"]" * 200_000, "application/json")
            return
        if action == "garbage":
            self._send(h, 200, b'{"outcome": "approved", ', "application/json")
            return
        if action == "html":
            self._send(h, 200, b"<html>captive portal</html>", "text/html")
            return
        status, ctype, payload = self._forward(h, body)
        if action == "proxy_then_hang":
            self._released.wait(self.hang_s)
            h.close_connection = True
            return
        if isinstance(action, tuple) and action[0] == "tamper":
            fn: Callable[[Any], Any] = action[1]
            payload = json.dumps(fn(json.loads(payload)), ensure_ascii=False).encode()
        self._send(h, status, payload, ctype)

    def _endless(self, h: BaseHTTPRequestHandler, action: str) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        if action == "endless_chunked":
            h.send_header("Transfer-Encoding", "chunked")
        elif action == "huge_length":
            h.send_header("Content-Length", str(10**12))
        h.end_headers()
        h.close_connection = True
        piece = b"[" + b" " * 65535
        try:
            while self.sent < ENDLESS_CAP:
                h.wfile.write(b"10000\r\n" + piece + b"\r\n" if action == "endless_chunked" else piece)
                self.sent += len(piece)
        except OSError:
            pass  # the client hung up

    def _forward(self, h: BaseHTTPRequestHandler, body: bytes) -> tuple[int, str, bytes]:
        assert self.upstream
        headers = {k: v for k, v in h.headers.items() if k.lower() in ("content-type", "idempotency-key", "x-kiosk-id")}
        r = requests.request(h.command, self.upstream + h.path, data=body or None, headers=headers, timeout=10)
        return r.status_code, r.headers.get("Content-Type", ""), r.content

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, payload: bytes, ctype: str,
              extra: dict[str, str] | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        for name, value in (extra or {}).items():
            try:  # latin-1 where it can be (superscript 2 is one byte), else raw UTF-8 bytes
                value.encode("latin-1")
            except UnicodeEncodeError:
                value = value.encode().decode("latin-1")
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)
