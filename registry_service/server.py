"""Serving the app with uvicorn: the listening socket, and one or several worker processes.

Shared by the standalone service (``cli``) and the in-process one (``embedded``), so that both
run with the same socket options and the same connection limits.
"""

from __future__ import annotations

import socket


def listen(host: str, port: int) -> socket.socket:
    """A bound TCP socket. OSError (address in use, unknown host) surfaces here, before any
    worker starts, so the caller can report it in one line.

    proto must be IPPROTO_TCP, not 0: asyncio only sets TCP_NODELAY on accepted sockets whose
    proto says TCP, and without it every response waits ~40 ms for a delayed ACK.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    family, kind, proto, _canon, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock
