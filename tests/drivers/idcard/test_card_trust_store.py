"""Trust store: every certificate on its own, explicit EC parameters, link certificates, CRLs.

Real fixtures (tests/drivers/idcard/data/README.md): the UK CSCA, its link certificate and a UK
document signer from the ICAO PKD, all with explicit EC domain parameters.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from asn1crypto import pem
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from drivers.idcard import certificates, passive_auth, public_keys, sod, trust_store
from drivers.idcard.base import AccessKey
from drivers.idcard.session import ChipSession
from drivers.idcard.sim import cert_builder, chip_variants, test_pki
from drivers.idcard.transport import InProcessTransport

DATA = Path(__file__).parent / "data"
CAN = AccessKey(can="123456")
FILES = {1: b"\x61\x03dg1", 2: b"\x75\x03dg2"}
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _fixture(name: str) -> certificates.Certificate:
    return certificates.load(pem.unarmor((DATA / name).read_bytes())[2])


def _store(tmp_path: Path, *files: tuple[str, bytes], **kwargs) -> trust_store.TrustStore:
    d = tmp_path / "store"
    d.mkdir(exist_ok=True)
    for name, content in files:
        (d / name).write_bytes(content)
    return trust_store.load_directory(d, **kwargs)


def _read(variant: str, pki: test_pki.TestPki, trust: trust_store.TrustStore):
    return ChipSession(InProcessTransport(chip_variants.make_chip(variant, pki)), trust).read(CAN)


# --- real certificates with explicit EC parameters ------------------------------------------
def test_real_uk_csca_and_document_signer_with_explicit_parameters(tmp_path: Path) -> None:
    store = _store(tmp_path, ("gb.pem", (DATA / "gb-csca-2021.pem").read_bytes()))
    assert [a.kind for a in store.anchors] == ["self-signed"] and not store.problems
    assert store.anchors[0].key.description == "EC P-384 (explicit parameters)"
    ds = _fixture("gb-ds-key37.pem")
    assert ds.key.description == "EC P-256 (explicit parameters)"
    (csca,) = store.candidates_for(ds)
    assert ds.verify_signed_by(csca.key)
    assert not ds.verify_signed_by(ds.key)  # and not by any other key


def test_real_uk_link_certificate_needs_its_previous_key(tmp_path: Path) -> None:
    link = (DATA / "gb-csca-2021-link.pem").read_bytes()
    alone = _store(tmp_path, ("link.pem", link))
    assert not alone.anchors
    (problem,) = alone.problems
    assert problem.reason.startswith("link certificate") and problem.country == "GB"
    # the same key is also published self-signed: then the store trusts it once per certificate
    both = _store(tmp_path, ("link.pem", link), ("self.pem", (DATA / "gb-csca-2021.pem").read_bytes()))
    assert [a.source for a in both.anchors] == ["self.pem"]


def test_explicit_parameters_match_named_curves_or_verify_with_ecdsa() -> None:
    for key, expected in (
        (ec.generate_private_key(ec.BrainpoolP256R1()), "EC brainpoolP256r1 (explicit parameters)"),
        (ec.generate_private_key(ec.SECP384R1()), "EC P-384 (explicit parameters)"),
    ):
        spki = cert_builder.public_key_info(key, explicit=True)
        loaded = public_keys.load(spki)
        assert loaded.description == expected and loaded.domain is not None and loaded.domain.named
        signature = key.sign(b"data", ec.ECDSA(hashes.SHA256()))
        loaded.verify(signature, b"data", public_keys.Scheme("ecdsa", "sha256"))
    import ecdsa  # a curve that matches no standard one: verified by ecdsa, not cryptography

    sk = ecdsa.SigningKey.generate(cert_builder.unnamed_curve())
    loaded = public_keys.load(cert_builder.public_key_info(sk, explicit=True))
    assert loaded.description == "EC unnamed 256-bit curve (explicit parameters)"
    sig = sk.sign_deterministic(b"data", hashfunc=__import__("hashlib").sha256, sigencode=ecdsa.util.sigencode_der)
    loaded.verify(sig, b"data", public_keys.Scheme("ecdsa", "sha256"))
    with pytest.raises(Exception, match="invalid|Invalid|Signature"):
        loaded.verify(sig, b"other", public_keys.Scheme("ecdsa", "sha256"))


def test_explicit_parameters_that_lie_are_refused() -> None:
    from asn1crypto import keys

    key = ec.generate_private_key(ec.SECP256R1())
    spki = cert_builder.public_key_info(key, explicit=True)
    params = spki["algorithm"]["parameters"].chosen
    wrong_order = keys.PublicKeyInfo({
        "algorithm": {"algorithm": "ec", "parameters": keys.ECDomainParameters(
            name="specified", value={**params.native, "order": params["order"].native + 2})},
        "public_key": bytes(spki["public_key"]),
    })
    with pytest.raises(public_keys.KeyUnsupported, match="order"):
        public_keys.load(wrong_order)
    import ecdsa

    small = ecdsa.SigningKey.generate(ecdsa.SECP112r1)
    with pytest.raises(public_keys.KeyUnsupported, match="too small"):
        public_keys.load(cert_builder.public_key_info(small, explicit=True))


# --- the test PKI's explicit-parameter and link CSCAs, end to end ---------------------------
def test_chip_signed_under_explicit_brainpool_csca_verifies(pki: test_pki.TestPki,
                                                           trust: trust_store.TrustStore) -> None:
    explicit = next(a for a in trust.anchors if a.source == "csca-explicit.der")
    assert explicit.cert.serial == 0 and explicit.key.description == "EC brainpoolP384r1 (explicit parameters)"
    with pytest.raises(ValueError):  # what the store used to rely on refuses this CSCA outright
        x509.load_der_x509_certificate((pki.trust_dir / "csca-explicit.der").read_bytes())
    ident = _read("explicit_csca", pki, trust)
    assert ident.authenticity.verified, ident.authenticity
    assert "DS explicit" in ident.authenticity.detail


def test_chip_signed_under_a_linked_key_verifies_and_a_broken_link_does_not(
        pki: test_pki.TestPki, trust: trust_store.TrustStore, tmp_path: Path) -> None:
    ident = _read("link_csca", pki, trust)
    assert ident.authenticity.verified and "link certificate" in ident.authenticity.detail
    # without the old CSCA the link proves nothing: the linked key is not trusted
    d = tmp_path / "no-old"
    shutil.copytree(pki.trust_dir, d)
    (d / "csca-link-old.pem").unlink()
    store = trust_store.load_directory(d)
    assert any(p.source == "csca-link.der" and p.reason.startswith("link certificate") for p in store.problems)
    assert _read("link_csca", pki, store).authenticity.failure == "csca_unknown"


def test_link_signed_by_a_stranger_is_not_followed(pki: test_pki.TestPki, tmp_path: Path) -> None:
    old = x509.load_pem_x509_certificate((pki.trust_dir / "csca-link-old.pem").read_bytes())
    stranger = ec.generate_private_key(ec.SECP256R1())
    new = ec.generate_private_key(ec.SECP256R1())
    subject = cert_builder.name("CSCA Link Test")
    forged = cert_builder.certificate(subject, subject, cert_builder.public_key_info(new), stranger,
                                      cert_builder.public_key_info(stranger), 9, NOW, NOW + dt.timedelta(days=9),
                                      True)
    store = _store(tmp_path, ("old.pem", old.public_bytes(serialization.Encoding.PEM)), ("forged.der", forged))
    assert [a.source for a in store.anchors] == ["old.pem"]
    assert store.problems[0].source == "forged.der"


def test_serials_zero_negative_and_a_document_signer_in_the_store(pki: test_pki.TestPki, tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    spki = cert_builder.public_key_info(key)
    files = []
    for serial in (0, -1, -(2**70)):
        subject = cert_builder.name(f"CSCA serial {serial}")
        files.append((f"s{serial}.der", cert_builder.certificate(subject, subject, spki, key, spki, serial, NOW,
                                                                 NOW + dt.timedelta(days=9), True)))
    ds = pki.signers["valid"].cert_der
    store = _store(tmp_path, *files, ("ds.der", ds))
    assert sorted(a.cert.serial for a in store.anchors) == [-(2**70), -1, 0]
    assert [p.reason for p in store.problems] == ["not a CSCA (key usage does not allow signing certificates)"]


def test_expired_csca_is_listed_as_expired_not_unreadable(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.BrainpoolP256R1())
    spki = cert_builder.public_key_info(key, explicit=True)
    subject = cert_builder.name("CSCA old")
    der = cert_builder.certificate(subject, subject, spki, key, spki, 5, NOW - dt.timedelta(days=4000),
                                   NOW - dt.timedelta(days=10), True)
    store = _store(tmp_path, ("old.der", der))
    (anchor,) = store.anchors
    assert anchor.cert.validity_status(NOW) == "expired" and not store.problems


def test_unreadable_files_are_reported_and_the_rest_loads(pki: test_pki.TestPki, tmp_path: Path) -> None:
    csca = (pki.trust_dir / "csca.pem").read_bytes()
    store = _store(tmp_path, ("a.pem", csca + b"junk between\n" + csca), ("junk.txt", b"not a certificate"),
                   ("trunc.der", pem.unarmor(csca)[2][:-20]))
    assert len(store.anchors) == 1
    assert {p.source for p in store.problems} == {"junk.txt", "trunc.der"}


# --- CRLs -----------------------------------------------------------------------------------
def _crl(pki: test_pki.TestPki, this_update: dt.datetime, next_update: dt.datetime, key=None) -> bytes:
    real = x509.load_pem_x509_certificate((pki.trust_dir / "csca.pem").read_bytes())
    signer = key or serialization.load_pem_private_key((pki.base / "issuer" / "csca.key.pem").read_bytes(), None)
    return (x509.CertificateRevocationListBuilder().issuer_name(real.subject).last_update(this_update)
            .next_update(next_update).sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.DER))


def test_stale_crl_warns_by_default_and_is_refused_by_policy(pki: test_pki.TestPki, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    stale = _crl(pki, now - dt.timedelta(days=60), now - dt.timedelta(days=2))
    files = (("csca.pem", (pki.trust_dir / "csca.pem").read_bytes()), ("old.crl", stale))
    signed = sod.build_sod(FILES, pki.signers["valid"].key, pki.signers["valid"].cert_der)
    warn = passive_auth.verify(signed, FILES, _store(tmp_path, *files))
    assert warn.verified and "past its next update" in warn.detail
    refuse = passive_auth.verify(signed, FILES, _store(tmp_path, *files, stale_crl="refuse"))
    assert (refuse.verified, refuse.failure) == (False, "crl_stale")
    with pytest.raises(ValueError, match="stale_crl"):
        _store(tmp_path, *files, stale_crl="sometimes")


def test_crl_with_bad_signature_fails_closed(pki: test_pki.TestPki, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    bad = _crl(pki, now, now + dt.timedelta(days=1), ec.generate_private_key(ec.SECP256R1()))
    store = _store(tmp_path, ("csca.pem", (pki.trust_dir / "csca.pem").read_bytes()), ("bad.crl", bad))
    assert store.crls[0].signature_ok is False
    signed = sod.build_sod(FILES, pki.signers["valid"].key, pki.signers["valid"].cert_der)
    assert passive_auth.verify(signed, FILES, store).failure == "crl_invalid"


def test_master_list_in_the_directory_loads_entry_by_entry(pki: test_pki.TestPki, tmp_path: Path) -> None:
    raw, manifest = pki.master_list(40)
    store = trust_store.load_directory(_dir_with(tmp_path, "list.ml", raw), ml_signers=trust_store.load_certificates(
        pki.ml_signers_dir))
    (ml,) = store.master_lists
    assert ml.entries == manifest.total and ml.signature.verified
    assert len(store.anchors) == manifest.total - manifest.corrupt - manifest.orphan_links
    assert _read("pace", pki, store).authenticity.verified  # the PKI's own CSCA is in the list


def _dir_with(tmp_path: Path, name: str, raw: bytes) -> Path:
    d = tmp_path / "ml-store"
    d.mkdir()
    (d / name).write_bytes(raw)
    return d


@pytest.mark.parametrize("extension", ["basic_constraints", "key_usage"])
def test_a_csca_with_a_damaged_extension_is_a_problem_not_a_crash(pki: test_pki.TestPki, extension: str) -> None:
    """asn1crypto parses an extension's inner value only when it is read: a certificate that loads
    can still hold a basicConstraints or keyUsage whose body runs past its end."""
    from asn1crypto import x509 as asn1_x509

    der = x509.load_pem_x509_certificate((pki.trust_dir / "csca.pem").read_bytes()).public_bytes(
        serialization.Encoding.DER)
    inner = next(ext["extn_value"].contents for ext in asn1_x509.Certificate.load(der)["tbs_certificate"]["extensions"]
                 if ext["extn_id"].native == extension)
    assert der.count(inner) == 1
    # the outer TLV stays whole (the certificate loads); a field inside it is broken
    at = 3 if extension == "basic_constraints" else 2  # the cA BOOLEAN's length / the BIT STRING's unused bits
    damaged = der.replace(inner, inner[:at] + b"\x7f" + inner[at + 1:])
    items = trust_store.Items()
    trust_store.collect("damaged.der", damaged, items)
    store = trust_store.build(items, "test")
    assert store.problems and all(p.reason for p in store.problems)
