"""The metrics endpoint's HTTP server: one thread however many clients, a deadline per connection.

prometheus_client's ``start_http_server`` starts a thread per connection and never times one out,
and uvicorn arms no timer before the first request byte either: a client that connects and says
nothing holds its thread or slot for ever. This serves the same exposition (prometheus_client's
own encoders, content negotiation included) from one asyncio loop; each connection must deliver
its request and take its answer within ``request_timeout_s``, and past ``max_connections`` open
ones the oldest is dropped, so a flood of idle clients costs file descriptors for a few seconds,
never threads, and cannot keep a real scrape out.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 8192  # request line and headers; a scrape sends a few hundred
METRICS_PATHS = ("/", "/metrics")


class MetricsServer:
    """Listening when constructed (a busy port raises OSError in the caller); ``close()`` stops it."""

    def __init__(self, registry: CollectorRegistry, host: str, port: int, *, max_connections: int = 16,
                 request_timeout_s: float = 5.0) -> None:
        if max_connections < 1 or request_timeout_s <= 0:
            raise ValueError("max_connections >= 1 and request_timeout_s > 0")
        self.registry = registry
        self.max_connections, self.request_timeout_s = max_connections, request_timeout_s
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.create_server((host, port), family=family, backlog=64,
                                          dualstack_ipv6=host == "::" and socket.has_dualstack_ipv6())
        self.port: int = self._sock.getsockname()[1]
        self._open: dict[asyncio.StreamWriter, None] = {}  # insertion order: oldest first
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="metrics-http", daemon=True)
        self._thread.start()
        ready.wait()

    @property
    def open_connections(self) -> int:
        return len(self._open)

    def close(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)

    # --- the loop's thread ------------------------------------------------------------------------
    def _run(self, ready: threading.Event) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(
            asyncio.start_server(self._serve, sock=self._sock, limit=MAX_REQUEST_BYTES))
        ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            for writer in list(self._open):
                writer.transport.abort()
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self._open) >= self.max_connections:
            oldest = next(iter(self._open))
            del self._open[oldest]
            oldest.transport.abort()
        self._open[writer] = None
        try:
            async with asyncio.timeout(self.request_timeout_s):
                head = await reader.readuntil(b"\r\n\r\n")
                writer.write(self._answer(head))
                await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass  # too slow, too long or gone: the connection is dropped
        finally:
            self._open.pop(writer, None)
            writer.transport.abort()

    def _answer(self, head: bytes) -> bytes:
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            return _response("400 Bad Request", b"bad request\n")
        method, target = parts[0], parts[1]
        if method not in ("GET", "HEAD"):
            return _response("405 Method Not Allowed", b"GET only\n")
        if target.split("?", 1)[0] not in METRICS_PATHS:
            return _response("404 Not Found", b"the metrics are at /metrics\n")
        accept = next((line.split(":", 1)[1].strip() for line in lines[1:]
                       if line.lower().startswith("accept:")), None)
        encoder, content_type = choose_encoder(accept)
        try:
            body = encoder(self.registry)
        except Exception:  # a broken collector must not take the endpoint down
            log.exception("metrics could not be collected")
            return _response("500 Internal Server Error", b"metrics could not be collected\n")
        return _response("200 OK", b"" if method == "HEAD" else body, content_type, len(body))


def _response(status: str, body: bytes, content_type: str = "text/plain; charset=utf-8",
              length: int | None = None) -> bytes:
    head = (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body) if length is None else length}\r\nConnection: close\r\n\r\n")
    return head.encode("latin-1") + body
