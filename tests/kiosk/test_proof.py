"""The outcome's public facts for the done screen, and the [registry] links they lead to."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from kiosk import settings
from kiosk.proof import Proof, ProofLinks, links_for
from kiosk.settings import ConfigError
from tests.conftest import ROOT
from tests.kiosk.flow import builders as b

# the demo configuration without its own [registry] links, so that each test sets its own
BASE = "\n".join(line for line in (ROOT / "config" / "default.toml").read_text(encoding="utf-8").splitlines()
                 if not line.startswith(("e_licence_url =", "enquiries =")))
VALID = "914403001922038216"


def test_an_approval_keeps_only_the_public_facts() -> None:
    d = b.decision("approved")
    proof = Proof.of(d)
    assert (proof.outcome, proof.uscc, proof.name) == ("approved", d.licence.uscc, d.licence.name)
    assert proof.tracking_number == ""
    # what a public register shows; never the operator's premises, scope or anything from the card
    assert {f.name for f in dataclasses.fields(proof)} == {"outcome", "uscc", "name", "tracking_number"}


def test_a_referral_keeps_its_tracking_number() -> None:
    proof = Proof.of(b.decision("manual_review"))
    assert (proof.outcome, proof.tracking_number, proof.uscc) == ("manual_review", "T-0001", "")


def test_the_template_takes_the_code_and_nothing_else() -> None:
    links = ProofLinks("https://example.gov.cn/verify/{uscc}?lang=zh")
    assert links.e_licence_url(VALID) == f"https://example.gov.cn/verify/{VALID}?lang=zh"
    assert links.e_licence_url("91440300192203821/") == "", "not a credit code: no address at all"
    assert links.e_licence_url("914403001922038217") == "", "wrong check character"
    assert ProofLinks().e_licence_url(VALID) == ""


def test_the_embedded_service_serves_the_page_unless_configured_otherwise() -> None:
    client = SimpleNamespace(base_url="http://127.0.0.1:40123")
    embedded = SimpleNamespace(kind="embedded", options=SimpleNamespace(e_licence_url="", enquiries="3号窗口"))
    assert links_for(embedded, client) == ProofLinks("http://127.0.0.1:40123/verify/{uscc}", "3号窗口")
    http = SimpleNamespace(kind="http", options=SimpleNamespace(e_licence_url="", enquiries=""))
    assert links_for(http, client) == ProofLinks("", ""), "a remote authority's page is never guessed"
    own = SimpleNamespace(kind="embedded", options=SimpleNamespace(e_licence_url="https://x.cn/v/{uscc}",
                                                                   enquiries=""))
    assert links_for(own, client).e_licence_template == "https://x.cn/v/{uscc}"


def _load(tmp_path: Path, extra: str) -> settings.Settings:
    text = BASE.replace('kind = "embedded"', 'kind = "embedded"\n' + extra, 1)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return settings.load(path)


@pytest.mark.parametrize("url", [
    "https://registry.example.gov.cn/verify/{uscc}",
    "http://127.0.0.1:8080/verify/{uscc}",
    "http://localhost/verify/{uscc}",
    "",
])
def test_accepted_templates(tmp_path: Path, url: str) -> None:
    assert _load(tmp_path, f'e_licence_url = "{url}"').registry.options.e_licence_url == url


@pytest.mark.parametrize("url", [
    "https://registry.example.gov.cn/verify/",  # no placeholder
    "https://registry.example.gov.cn/verify/{uscc}/{uscc}",  # twice
    "https://registry.example.gov.cn/{name}/{uscc}",  # another placeholder
    "http://registry.example.gov.cn/verify/{uscc}",  # clear text across a network
    "ftp://127.0.0.1/{uscc}",
    "{uscc}",
])
def test_refused_templates_name_the_key(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, f'e_licence_url = "{url}"')
    assert info.value.key == "registry.e_licence_url" and "{uscc}" in info.value.problem


def test_enquiries_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, 'enquiries = "3号窗口\\n电话"')
    assert info.value.key == "registry.enquiries"
    with pytest.raises(ConfigError):
        _load(tmp_path, f'enquiries = "{"窗" * 121}"')
