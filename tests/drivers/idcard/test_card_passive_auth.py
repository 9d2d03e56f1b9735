"""Passive Authentication: every failure has its own stable code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from drivers.idcard import passive_auth, sod, tlv, trust_store
from drivers.idcard.sim import test_pki

FILES = {1: b"\x61\x03dg1", 2: b"\x75\x03dg2", 11: b"\x6b\x03d11"}


def _sod(pki: test_pki.TestPki, signer: str = "valid") -> bytes:
    s = pki.signers[signer]
    return sod.build_sod(FILES, s.key, s.cert_der)


def test_valid_document(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    r = passive_auth.verify(_sod(pki), FILES, trust)
    assert r.verified and r.failure is None


def test_signer_failures(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    for signer, code in (
        ("revoked", "signer_revoked"),
        ("expired", "signer_expired"),
        ("unknown_csca", "csca_unknown"),
    ):
        r = passive_auth.verify(_sod(pki, signer), FILES, trust)
        assert (r.verified, r.failure) == (False, code)


def test_each_data_group_hash(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    for n in FILES:
        files = dict(FILES)
        files[n] = files[n] + b"x"
        r = passive_auth.verify(_sod(pki), files, trust)
        assert (r.verified, r.failure) == (False, f"dg_hash:DG{n}")
    r = passive_auth.verify(_sod(pki), {**FILES, 3: b"\x63\x00"}, trust)
    assert r.failure == "dg_not_covered:DG3"


def _resign(raw: bytes, mutate) -> bytes:
    info = cms.ContentInfo.load(tlv.unwrap(raw, 0x77))
    mutate(info["content"])
    return tlv.encode(0x77, info.dump(force=True))


def test_signature_over_set_of_not_the_implicit_tag(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    """Re-sign the attributes as they stand in the SignerInfo ([0] tag): must be refused."""
    s = pki.signers["valid"]

    def wrong(sd: cms.SignedData) -> None:
        si = sd["signer_infos"][0]
        si["signature"] = s.key.sign(si["signed_attrs"].dump(), ec.ECDSA(hashes.SHA256()))

    r = passive_auth.verify(_resign(_sod(pki), wrong), FILES, trust)
    assert r.failure == "sod_signature"


def test_flipped_signature_byte(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    def flip(sd: cms.SignedData) -> None:
        si = sd["signer_infos"][0]
        sig = bytearray(si["signature"].native)
        sig[-1] ^= 1
        si["signature"] = bytes(sig)

    assert passive_auth.verify(_resign(_sod(pki), flip), FILES, trust).failure in ("sod_signature", "sod_malformed")


def test_econtent_swapped(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    other = sod.build_sod({1: b"\x61\x00"}, pki.signers["valid"].key, pki.signers["valid"].cert_der)
    other_econtent = sod.parse_sod(other).econtent

    def swap(sd: cms.SignedData) -> None:
        sd["encap_content_info"]["content"] = other_econtent

    r = passive_auth.verify(_resign(_sod(pki), swap), {1: b"\x61\x00"}, trust)
    assert r.failure == "sod_message_digest"


def test_no_certificate(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    def strip(sd: cms.SignedData) -> None:
        sd["certificates"] = []

    assert passive_auth.verify(_resign(_sod(pki), strip), FILES, trust).failure == "sod_no_signer"


def test_malformed_sod(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    raw = _sod(pki)
    for bad in (b"", raw[:40], b"\x77\x03abc", tlv.encode(0x77, b"\x30\x03\x02\x01\x00")):
        r = passive_auth.verify(bad, FILES, trust)
        assert (r.verified, r.failure) == (False, "sod_malformed")


def test_empty_trust_store_and_forged_csca(pki: test_pki.TestPki, tmp_path: Path) -> None:
    empty = trust_store.load_directory(tmp_path / "missing")
    assert passive_auth.verify(_sod(pki), FILES, empty).failure == "csca_unknown"
    # a CSCA with the right name but another key: the chain must not verify
    real = x509.load_pem_x509_certificate((pki.trust_dir / "csca.pem").read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    fake = (
        x509.CertificateBuilder()
        .subject_name(real.subject)
        .issuer_name(real.subject)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=9))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "fake").mkdir()
    (tmp_path / "fake" / "csca.der").write_bytes(fake.public_bytes(serialization.Encoding.DER))
    forged = trust_store.load_directory(tmp_path / "fake")
    assert passive_auth.verify(_sod(pki), FILES, forged).failure == "signer_chain"


def test_crl_with_bad_signature(pki: test_pki.TestPki, tmp_path: Path) -> None:
    real = x509.load_pem_x509_certificate((pki.trust_dir / "csca.pem").read_bytes())
    other = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(real.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=1))
        .sign(other, hashes.SHA256())
    )
    d = tmp_path / "t"
    d.mkdir()
    (d / "csca.pem").write_bytes((pki.trust_dir / "csca.pem").read_bytes())
    (d / "bad.crl").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    r = passive_auth.verify(_sod(pki), FILES, trust_store.load_directory(d))
    assert r.failure == "crl_invalid"


def test_validity_relative_to_verification_time(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=20 * 365)
    assert passive_auth.verify(_sod(pki), FILES, trust, later).failure == "signer_expired"
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(days=60)
    assert passive_auth.verify(_sod(pki), FILES, trust, earlier).failure == "signer_not_yet_valid"


def test_test_pki_cli_and_renewal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = tmp_path / "pki"
    assert test_pki.main([str(base)]) == 0
    assert "trust store" in capsys.readouterr().out
    first = (base / "trust" / "csca.pem").read_bytes()
    test_pki.ensure(base)  # still valid: kept
    assert (base / "trust" / "csca.pem").read_bytes() == first
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=120)  # CRL lapsed: regenerated
    test_pki.ensure(base, later)
    assert (base / "trust" / "csca.pem").read_bytes() != first
    assert oct((base / "issuer" / "ds-valid.key.pem").stat().st_mode & 0o777) == "0o600"
