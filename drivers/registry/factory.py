"""Configuration of the registration client: the TOML [registry] table maps onto these."""

from __future__ import annotations

from pathlib import Path

from drivers.registry.base import RegistrationClient
from drivers.registry.http_client import HttpRegistrationClient
from drivers.registry.options import EmbeddedServiceOptions, HttpClientOptions


def _resolve(value: str, var_dir: Path) -> str | None:
    if not value:
        return None
    p = Path(value)
    return str(p if p.is_absolute() else var_dir / p)


def create_http(options: HttpClientOptions, var_dir: Path) -> RegistrationClient:
    key_path = _resolve(options.authority_public_key, var_dir)
    if key_path is None:
        raise ValueError("authority_public_key is required")
    return HttpRegistrationClient(
        options.base_url,
        options.kiosk_id,
        Path(key_path),
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        ca_bundle=_resolve(options.ca_bundle, var_dir),
        client_cert=_resolve(options.client_cert, var_dir),
        client_key=_resolve(options.client_key, var_dir),
        max_attempts=options.max_attempts,
        deadline_s=options.deadline_s,
    )


def create_embedded(options: EmbeddedServiceOptions, var_dir: Path) -> RegistrationClient:
    """Start the reference service and return a client for it; client.close() stops it."""
    from registry_service import embedded  # lazy: only the demo config needs FastAPI

    db_file = var_dir / "registry" / "registry.db"
    database_url = options.database_url or f"sqlite:///{db_file}"
    if options.fresh_database and not options.database_url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    key_dir = Path(_resolve(options.key_dir, var_dir) or var_dir / "registry" / "keys")
    service = embedded.start(database_url, key_dir, recent_application_hours=options.recent_application_hours)
    try:
        return HttpRegistrationClient(
            service.url,
            options.kiosk_id,
            service.public_key_path,
            connect_timeout=options.connect_timeout,
            read_timeout=options.read_timeout,
            on_close=service.stop,
        )
    except Exception:
        service.stop()
        raise
