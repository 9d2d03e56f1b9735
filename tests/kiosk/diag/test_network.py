"""TLS expiry and clock offset against real loopback servers."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk.diag import network


class SkewedClock(http.server.BaseHTTPRequestHandler):
    skew = dt.timedelta(0)

    def do_GET(self) -> None:
        self.send_response(200)  # its Date header comes from date_time_string below
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def date_time_string(self, timestamp: float | None = None) -> str:  # our Date header only
        return email.utils.format_datetime(dt.datetime.now(dt.UTC) + self.skew, usegmt=True)

    def log_message(self, *_: object) -> None:
        pass


def serve(handler: type, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("skew_s", [0, 120, -400])
def test_clock_offset(skew_s: int) -> None:
    handler = type("Skewed", (SkewedClock,), {"skew": dt.timedelta(seconds=skew_s)})
    for url in serve(handler):
        offset = network.clock_offset_s(requests.Session(), url)
        assert offset is not None and abs(offset - skew_s) <= 1.0


class BigDocument(SkewedClock):
    """Serves a 14 KB document on GET, as the registration service's /openapi.json."""

    body_bytes = 0

    def do_GET(self) -> None:
        body = b"x" * 14_336
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        type(self).body_bytes += len(body)

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "14336")
        self.end_headers()


def test_clock_offset_reads_only_the_date_header() -> None:
    for url in serve(BigDocument):
        assert network.clock_offset_s(requests.Session(), url) is not None
    assert BigDocument.body_bytes == 0


def self_signed(tmp: Path, days: int) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "registry.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=400))
            .not_valid_after(now + dt.timedelta(days=days)).sign(key, hashes.SHA256()))
    (tmp / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "k.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp / "c.pem", tmp / "k.pem")
    return context


@pytest.mark.parametrize("days", [90, 5, -3])
def test_tls_days_left(tmp_path: Path, days: int) -> None:
    for url in serve(SkewedClock, self_signed(tmp_path, days)):
        left = network.tls_days_left(url)
        assert left is not None and abs(left - days) < 0.1


def test_plain_http_has_no_certificate() -> None:
    assert network.tls_days_left("http://127.0.0.1:9") is None
