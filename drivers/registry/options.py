"""Registration client options, checked against their declared ranges when made: light to import."""

from __future__ import annotations

import ipaddress
import unicodedata
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field
from pydantic.dataclasses import dataclass

from drivers.option_fields import STRICT, OptionError, Text, rule

ConnectTimeout = Annotated[float, Field(gt=0, le=60)]
ReadTimeout = Annotated[float, Field(gt=0, le=600)]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _authority_url(url: str) -> bool:
    """https, or plain http to this machine only: applicants' data never crosses a network in clear."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        return False
    return bool(host) and (parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host)))


def _service_root(url: str) -> bool:
    """The client adds the versioned paths (/v1/applications ...) itself: a base_url that already
    ends in /v1 would send every request to /v1/v1/... and get 404s."""
    return _authority_url(url) and not urlsplit(url).path.rstrip("/").endswith("/v1")


def _e_licence_template(url: str) -> bool:
    """A verification page address with the one placeholder {uscc}, by the same transport rule."""
    if url == "":
        return True
    rest = url.replace("{uscc}", "")
    return url.count("{uscc}") == 1 and "{" not in rest and "}" not in rest and _authority_url(
        url.replace("{uscc}", "914403001922038216"))


# the QR code on the done screen opens this page for the licence just issued
ELicenceUrl = Annotated[str, Field(max_length=300), rule(
    _e_licence_template, 'empty, or an https:// URL (plain http only to 127.0.0.1 or localhost) with {uscc} '
                         'once, e.g. "https://example.gov.cn/verify/{uscc}"')]
# where applicants ask about an application sent to manual review: the authority's counter, phone
Enquiries = Annotated[str, Field(max_length=120), rule(
    lambda s: not any(unicodedata.category(c).startswith("C") for c in s),
    "one line of up to 120 characters, without control characters")]


@dataclass(frozen=True, config=STRICT)
class HttpClientOptions:
    """A remote authority over HTTPS."""

    base_url: Annotated[str, rule(_service_root, "an https:// URL (plain http only to 127.0.0.1 or localhost), "
                                                 "the service's root without the /v1 the client adds")]
    kiosk_id: Text
    authority_public_key: Text  # path to the authority's Ed25519 public key (PEM)
    connect_timeout: ConnectTimeout = 3.05
    read_timeout: ReadTimeout = 10.0
    ca_bundle: str = ""  # empty: the system CA store; verification is never disabled
    client_cert: str = ""  # mutual TLS: kiosk certificate (PEM) ...
    client_key: str = ""  # ... and its key
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 4
    # one call, retries and waits (e.g. a 429's Retry-After) included; keep it below the flow's
    # submit timeout ([timeouts] submit, 40 s), so that the flow hears the client's own answer
    deadline_s: Annotated[float, Field(gt=0, le=300)] = 30.0
    # the electronic licence's verification page, "{uscc}" standing for the code; "" = no QR code
    # on the done screen (the printed licence carries its signed one either way)
    e_licence_url: ELicenceUrl = ""
    # where to ask about a referral, on its screen and 受理回执, e.g. "南山区市场监督管理局 3号窗口
    # 电话 0755-12345678"; "" = "the registration counter in this hall"
    enquiries: Enquiries = ""

    def __post_init__(self) -> None:
        if bool(self.client_cert) != bool(self.client_key):
            missing = "client_key" if self.client_cert else "client_cert"
            raise OptionError(missing, "mutual TLS needs both client_cert and client_key (or neither)")


@dataclass(frozen=True, config=STRICT)
class EmbeddedServiceOptions:
    """The reference service started in-process on a loopback port (demo configuration)."""

    kiosk_id: Text = "demo-kiosk-01"
    database_url: str = ""  # empty: sqlite file registry/registry.db under var_dir
    key_dir: str = ""  # empty: registry/keys under var_dir
    connect_timeout: ConnectTimeout = 2.0
    read_timeout: ReadTimeout = 10.0
    fresh_database: bool = False  # demo: delete the default SQLite file first (names free again)
    # the service's operator_recent_application rule (hours; 0: off): off for the demo, whose
    # virtual card applies again and again; a real authority keeps its own (24 h by default)
    recent_application_hours: Annotated[float, Field(ge=0, le=8760)] = 0
    # the electronic licence's verification page; "" = the embedded service's own /verify/{uscc}
    e_licence_url: ELicenceUrl = ""
    # where to ask about a referral, on its screen and 受理回执; "" = "the registration counter in this hall"
    enquiries: Enquiries = ""
