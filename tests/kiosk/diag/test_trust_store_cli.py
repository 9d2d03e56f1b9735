"""`main.py diag trust-store`: listing, importing, exit codes 0/1/2."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from drivers.idcard.sim import test_pki
from kiosk.diag import trust_store as cli
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> test_pki.TestPki:
    return test_pki.ensure(tmp_path_factory.mktemp("trust-cli") / "test-pki")


@pytest.fixture(scope="module")
def small_list(pki: test_pki.TestPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every kind of entry of the faithful master list, in 60 entries to keep the test fast."""
    raw, _ = pki.master_list(60)
    path = tmp_path_factory.mktemp("ml") / "icao.ml"
    path.write_bytes(raw)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str, options: object = None) -> tuple[int, dict]:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args([*argv, "--json"])
    if options is not None:
        args.reader_options = options
    code = cli.run(args)
    return code, json.loads(capsys.readouterr().out)


def test_import_faithful_master_list(capsys: pytest.CaptureFixture[str], pki: test_pki.TestPki,
                                     small_list: Path, tmp_path: Path) -> None:
    store = tmp_path / "trust"
    code, out = _run(capsys, "--trust-store", str(store), "--import", str(small_list),
                     "--ml-signers", str(pki.ml_signers_dir))
    # the damaged entry and the link whose old CSCA is missing are not imported: exit 1
    assert code == 1 and out["import"]["signature"]["verified"]
    assert out["import"]["signature"]["signer"] == "Master List Signer (CN)"
    assert [r["source"].split("#")[0] for r in out["import"]["rejected"]] == ["icao.ml", "icao.ml"]
    assert out["import"]["added"] == out["csca_keys"] == 58 and out["ok"]
    keys = [c["key"] for entry in out["countries"].values() for c in entry["cscas"]]
    assert sum("explicit parameters" in k for k in keys) >= 8 and any("unnamed" in k for k in keys)
    assert out["countries"]["AT"]["expired"] == 1  # listed as expired, not unusable
    assert not out["unusable"]
    # listing the store afterwards: everything usable
    code, out = _run(capsys, "--trust-store", str(store))
    assert code == 0 and out["ok"] and out["csca_keys"] == 58


def test_unverified_master_list_needs_the_flag(capsys: pytest.CaptureFixture[str], pki: test_pki.TestPki,
                                               small_list: Path, tmp_path: Path) -> None:
    store = tmp_path / "trust"
    code, out = _run(capsys, "--trust-store", str(store), "--import", str(small_list))
    assert (code, out["error"]) == (1, "master_list_unverified") and "no master-list signer" in out["detail"]
    assert not store.exists()
    bad_raw, manifest = pki.master_list(20, bad_signature=True)
    bad = tmp_path / "bad.ml"
    bad.write_bytes(bad_raw)
    code, out = _run(capsys, "--trust-store", str(store), "--import", str(bad), "--ml-signers",
                     str(pki.ml_signers_dir))
    assert (code, out["error"]) == (1, "master_list_unverified")
    code, out = _run(capsys, "--trust-store", str(store), "--import", str(bad), "--ml-signers",
                     str(pki.ml_signers_dir), "--allow-unverified")
    assert out["import"]["signature"]["code"] == "signature" and out["import"]["added"] == manifest.total - 2


def test_could_not_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out = _run(capsys, "--trust-store", str(tmp_path / "missing"))
    assert (code, out["error"]) == (2, "cannot_run")
    code, out = _run(capsys, "--trust-store", str(tmp_path), "--import", str(tmp_path / "nothing.ml"))
    assert (code, out["error"]) == (2, "cannot_run")
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    code, out = _run(capsys, "--trust-store", str(tmp_path), "--import", str(junk))
    assert (code, out["error"]) == (2, "trust_import_unreadable")


def test_stale_crl_policy_from_the_reader_config(capsys: pytest.CaptureFixture[str], pki: test_pki.TestPki,
                                                 tmp_path: Path) -> None:
    store = tmp_path / "trust"
    store.mkdir()
    (store / "csca.pem").write_bytes((pki.trust_dir / "csca.pem").read_bytes())
    csca = x509.load_pem_x509_certificate((pki.trust_dir / "csca.pem").read_bytes())
    key = serialization.load_pem_private_key((pki.base / "issuer" / "csca.key.pem").read_bytes(), None)
    now = dt.datetime.now(dt.UTC)
    crl = (x509.CertificateRevocationListBuilder().issuer_name(csca.subject).last_update(now - dt.timedelta(30))
           .next_update(now - dt.timedelta(1)).sign(key, hashes.SHA256()))
    (store / "old.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    code, out = _run(capsys, "--trust-store", str(store))
    assert code == 0 and out["crls"][0]["status"] == "stale" and out["stale_crl_policy"] == "warn"
    code, out = _run(capsys, "--trust-store", str(store), options=SimpleNamespace(stale_crl="refuse",
                                                                               trust_store=""))
    assert code == 1 and not out["ok"]


def test_text_output_through_main(pki: test_pki.TestPki, tmp_path: Path) -> None:
    store = tmp_path / "trust"
    store.mkdir()
    for name in ("csca.pem", "csca-explicit.der", "csca-link-old.pem", "csca-link.der"):
        (store / name).write_bytes((pki.trust_dir / name).read_bytes())
    (store / "broken.der").write_bytes(b"\x30\x03\x02\x01\x00")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "diag", "trust-store", "--trust-store",
                             str(store)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "4 CSCA keys" in result.stdout and "brainpoolP384r1 (explicit parameters)" in result.stdout
    assert "[link]" in result.stdout and "UNUSABLE      broken.der" in result.stdout
