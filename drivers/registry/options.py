"""Registration client options, validated by the kiosk's config loader: light to import."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HttpClientOptions:
    """A remote authority over HTTPS."""

    base_url: str
    kiosk_id: str
    authority_public_key: str  # path to the authority's Ed25519 public key (PEM)
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    ca_bundle: str = ""  # empty: the system CA store; verification is never disabled
    client_cert: str = ""  # mutual TLS: kiosk certificate (PEM) ...
    client_key: str = ""  # ... and its key
    max_attempts: int = 4
    deadline_s: float = 30.0  # one call, retries and waits included; below the flow's submit timeout


@dataclass(frozen=True)
class EmbeddedServiceOptions:
    """The reference service started in-process on a loopback port (demo configuration)."""

    kiosk_id: str = "demo-kiosk-01"
    database_url: str = ""  # empty: sqlite file registry/registry.db under var_dir
    key_dir: str = ""  # empty: registry/keys under var_dir
    connect_timeout: float = 2.0
    read_timeout: float = 10.0
    fresh_database: bool = False  # demo: delete the default SQLite file first (names free again)
