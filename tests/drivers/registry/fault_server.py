"""A real loopback HTTP server that misbehaves on cue, optionally in front of the real service.

Each request takes the next behaviour from a script (the last one repeats):
  "proxy"          forward to the real service and return its answer unchanged
  "proxy_then_hang" forward (so the service commits), then never answer: the response is lost
  "hang"           never answer
  "reset"          close the connection with an RST before answering
  "status:N"       answer HTTP N with a problem document
  "garbage"        200 with a body that is not JSON
  "html"           200 text/html
  ("tamper", fn)   forward, then return fn(parsed JSON) re-serialised
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests


class FaultServer:
    def __init__(self, upstream: str | None = None, hang_s: float = 2.0) -> None:
        self.upstream = upstream
        self.hang_s = hang_s  # the longest a "hang" lasts; close() ends every hang at once
        self._released = threading.Event()
        self.script: list[Any] = ["proxy"]
        self.requests: list[dict[str, Any]] = []
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
            status = int(action.split(":")[1])
            self._send(
                h,
                status,
                json.dumps({"type": "about:blank", "title": "x", "status": status, "code": "service_busy"}).encode(),
                "application/problem+json",
            )
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

    def _forward(self, h: BaseHTTPRequestHandler, body: bytes) -> tuple[int, str, bytes]:
        assert self.upstream
        headers = {k: v for k, v in h.headers.items() if k.lower() in ("content-type", "idempotency-key", "x-kiosk-id")}
        r = requests.request(h.command, self.upstream + h.path, data=body or None, headers=headers, timeout=10)
        return r.status_code, r.headers.get("Content-Type", ""), r.content

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, payload: bytes, ctype: str) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)
