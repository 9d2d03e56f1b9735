"""The reference service in-process, for the kiosk's demo configuration and for tests.

Runs the real ASGI app under uvicorn on a loopback socket bound to port 0 (the kernel picks a
free port, so parallel kiosks/tests never collide), in a daemon thread.
"""

from __future__ import annotations

import dataclasses
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from registry_service import server as server_mod
from registry_service.app import ServiceSettings, create_app
from registry_service.connection_guard import GuardedConfig
from registry_service.limits import ConnectionLimits


@dataclass
class EmbeddedService:
    url: str
    public_key_path: Path
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def public_key(self) -> bytes:
        return self.public_key_path.read_bytes()

    def stop(self, timeout: float = 5.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        state = self._server.config.app.state
        if state.purger is not None:
            state.purger.stop()
        state.name_rules_warm.cancel()
        state.submit_pool.shutdown(wait=False)
        state.engine.dispose()  # close the database file/connections

    def __enter__(self) -> EmbeddedService:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start(
    database_url: str,
    key_dir: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    settings: ServiceSettings | None = None,
    startup_timeout: float = 15.0,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    client_ca: str | None = None,
    limits: ConnectionLimits | None = None,
    recent_application_hours: float | None = None,
) -> EmbeddedService:
    """Start the service; with ``tls_cert``/``tls_key`` it speaks HTTPS, and with
    ``client_ca`` it also requires a client certificate from that CA (mutual TLS).
    ``recent_application_hours`` overrides the default settings' window (without ``settings``)."""
    if settings is None:
        settings = ServiceSettings(database_url=database_url, key_dir=key_dir)
        if recent_application_hours is not None:
            settings = dataclasses.replace(settings, recent_application_hours=recent_application_hours)
    app = create_app(settings)  # migrations and key creation happen here, synchronously
    sock = server_mod.listen(host, port)
    bound_port = sock.getsockname()[1]
    # with a client CA the server demands kiosk certificates (mutual TLS); without one it asks for
    # none, which is uvicorn's default and needs no setting
    client_auth = {"ssl_ca_certs": client_ca, "ssl_cert_reqs": ssl.CERT_REQUIRED} if client_ca else {}
    config = GuardedConfig(
        app, limits or ConnectionLimits(), log_level="warning", access_log=False, lifespan="off",
        backlog=2048,
        ssl_certfile=tls_cert,
        ssl_keyfile=tls_key,
        **client_auth,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="registry-service", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("embedded registration service did not start")
        time.sleep(0.01)
    return EmbeddedService(
        url=f"{'https' if tls_cert else 'http'}://{host}:{bound_port}",
        public_key_path=app.state.keys.public_key_path,
        _server=server,
        _thread=thread,
    )
