"""IPP over HTTP to CUPS or to a printer: one request, one response, each with a deadline.

CUPS on the same machine is best reached through its domain socket (``/run/cups/cups.sock``): no
port to configure, and CUPS knows the kiosk's user from the socket itself (``PeerCred``), which
its default policy needs before it lets a user cancel its own job. A ``host:port`` or an
``ipp://`` URI works too (a CUPS server elsewhere, or a printer asked directly for its state).
"""

from __future__ import annotations

import http.client
import os
import pwd
import socket
import ssl
from urllib.parse import urlsplit

from drivers.errors import PrinterOffline
from drivers.sheetprinter import ipp


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def local_user() -> str:
    """The name CUPS sees on the domain socket; jobs are submitted and cancelled as this user."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid{os.geteuid()}"


class IppClient:
    """Posts IPP requests to one server: a socket path (``/run/cups/cups.sock``), ``host:port``
    or a URI (``ipp://``, ``ipps://``, ``http://``). Any transport failure is PrinterOffline."""

    def __init__(self, server: str, timeout_s: float = 5.0, user: str = "") -> None:
        self.server = server
        self.timeout_s = timeout_s
        self.user = user or local_user()
        self._request_id = 0
        if server.startswith("/"):
            self._unix, self._host, self._port, self._tls = server, "localhost", 0, False
            return
        parts = urlsplit(server if "://" in server else f"ipp://{server}")
        self._unix = ""
        self._host = parts.hostname or "localhost"
        self._tls = parts.scheme in ("ipps", "https")
        self._port = parts.port or (443 if parts.scheme == "https" else 80 if parts.scheme == "http" else 631)

    def _connection(self) -> http.client.HTTPConnection:
        if self._unix:
            return _UnixConnection(self._unix, self.timeout_s)
        if self._tls:  # printers' certificates are self-signed: the link is encrypted, not authenticated
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout_s, context=ctx)
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout_s)

    def uri(self, path: str) -> str:
        """The ipp:// URI a request names for ``path`` (CUPS matches printers by resource path)."""
        host = "localhost" if self._unix else self._host
        port = 631 if self._unix else self._port
        return f"{'ipps' if self._tls else 'ipp'}://{host}:{port}{path}"

    def request(self, operation: int, path: str, *, uri_name: str = "printer-uri") -> ipp.Message:
        self._request_id += 1
        return ipp.request(operation, self.uri(path), user=self.user, request_id=self._request_id,
                           uri_name=uri_name)

    def call(self, path: str, msg: ipp.Message) -> ipp.Message:
        """Send ``msg`` to ``path`` and decode the answer. Transport errors and HTTP errors are
        PrinterOffline; an IPP error status is returned for the caller to judge."""
        body = ipp.encode(msg)
        headers = {"Content-Type": "application/ipp"}
        if self._unix:
            headers["Authorization"] = f"PeerCred {self.user}"
        conn = self._connection()
        try:
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            where = self._unix or f"{self._host}:{self._port}"
            raise PrinterOffline(f"IPP {where}{path}: {type(exc).__name__}") from None
        finally:
            conn.close()
        if resp.status != 200:
            raise PrinterOffline(f"IPP {path}: HTTP {resp.status}")
        try:
            return ipp.decode(data)
        except ipp.IppDecodeError as exc:
            raise PrinterOffline(f"IPP {path}: unreadable answer ({exc})") from None
