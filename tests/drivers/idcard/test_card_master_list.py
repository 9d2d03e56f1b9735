"""ICAO master lists: entry by entry, signature against a configured anchor, import.

The real ICAO PKD master list file is not available here; `master_list_builder` builds a
faithful one (520 entries, explicit EC parameters, zero/negative serials, links, a damaged
entry) signed by the test PKI's master-list signer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from drivers.idcard import master_list, tlv, trust_import, trust_store
from drivers.idcard.sim import master_list_builder, test_pki


@pytest.fixture
def anchors(pki: test_pki.TestPki) -> list:
    return trust_store.load_certificates(pki.ml_signers_dir)


def test_faithful_master_list_imports_every_usable_entry(
        full_list: tuple[bytes, master_list_builder.Manifest], anchors: list, tmp_path: Path) -> None:
    raw, manifest = full_list
    assert manifest.total == 520 and manifest.countries["CN"] == 34 and len(manifest.explicit) >= 7
    now = dt.datetime.now(dt.UTC)
    result = trust_import.import_file(raw, "icao.ml", tmp_path / "trust", anchors, now=now)
    assert result.signature is not None and result.signature.verified
    assert result.signature.signer == "Master List Signer (CN)"
    # every certificate parsed and every key understood: only the damaged entry and the link
    # whose old CSCA is absent are left out, each with its reason
    reasons = sorted(p.reason.split(" (")[0].split(":")[0] for p in result.rejected)
    assert reasons == ["link certificate", "not a readable X.509 certificate"]
    usable = manifest.total - manifest.corrupt - manifest.orphan_links
    assert len(result.added) == usable
    store = result.store
    assert store is not None and len(store.anchors) == usable
    assert not [p for p in store.problems if "unsupported" in p.reason or "unreadable" in p.reason.lower()]
    statuses = [a.cert.validity_status(now) for a in store.anchors]
    assert statuses.count("expired") == manifest.expired
    assert statuses.count("not_yet_valid") == manifest.not_yet_valid
    explicit = [a for a in store.anchors if "explicit" in a.key.description]
    assert len(explicit) == len(manifest.explicit) + 1  # and the test PKI's own explicit CSCA
    assert any("unnamed" in a.key.description for a in explicit)
    assert sum(a.kind == "link" for a in store.anchors) == manifest.links - manifest.orphan_links + 1
    assert {a.cert.serial for a in store.anchors} >= {0, -0x7A2B}
    assert sorted(p.name for p in (tmp_path / "trust").iterdir()) == sorted(result.added)


def test_master_list_with_a_bad_signature_needs_the_explicit_flag(pki: test_pki.TestPki, anchors: list,
                                                                  tmp_path: Path) -> None:
    raw, manifest = pki.master_list(30, bad_signature=True)
    with pytest.raises(trust_import.MasterListUnverified, match="signature") as info:
        trust_import.import_file(raw, "bad.ml", tmp_path / "t", anchors)
    assert info.value.code == "master_list_unverified"
    assert not (tmp_path / "t").exists()
    forced = trust_import.import_file(raw, "bad.ml", tmp_path / "t", anchors, allow_unverified=True)
    assert forced.signature is not None and forced.signature.code == "signature"
    assert len(forced.added) == manifest.total - manifest.corrupt - manifest.orphan_links
    again = trust_import.import_file(raw, "bad.ml", tmp_path / "t", anchors, allow_unverified=True)
    assert not again.added and again.already_present == len(forced.added)


def test_master_list_signer_must_chain_to_a_configured_anchor(pki: test_pki.TestPki, tmp_path: Path) -> None:
    raw, _ = pki.master_list(12)
    ml = master_list.parse(raw)
    now = dt.datetime.now(dt.UTC)
    assert master_list.check_signature(ml, [], now).code == "no_anchor"
    stranger = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Someone else")])
    other = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(stranger.public_key())
             .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
             .sign(stranger, hashes.SHA256()))
    d = tmp_path / "other"
    d.mkdir()
    (d / "anchor.pem").write_bytes(other.public_bytes(serialization.Encoding.PEM))
    check = master_list.check_signature(ml, trust_store.load_certificates(d), now)
    assert (check.verified, check.code) == (False, "signer_unknown")


def test_damaged_set_keeps_the_entries_before_the_damage(pki: test_pki.TestPki) -> None:
    raw, _ = pki.master_list(10)
    ml = master_list.parse(raw)
    good = b"".join(ml.entries[:4])
    broken = good + b"\x30\x84\xff\xff\xff\xff" + b"\x00" * 8
    split = master_list._split(tlv.encode(0x30, b"\x02\x01\x00" + tlv.encode(0x31, broken)))
    assert split.entries == ml.entries[:4] and split.problems
    # a list cut short: its declared lengths overrun the data, the complete entries still count
    cut = master_list._split(tlv.encode(0x30, b"\x02\x01\x00" + tlv.encode(0x31, good + ml.entries[4]))[:-7])
    assert cut.entries == ml.entries[:4] and cut.problems


def test_single_certificates_and_crls(pki: test_pki.TestPki, anchors: list, tmp_path: Path) -> None:
    target = tmp_path / "t"
    csca = (pki.trust_dir / "csca.pem").read_bytes()
    first = trust_import.import_file(csca, "csca.pem", target, anchors)
    assert first.kind == "certificates" and len(first.added) == 1 and first.added[0].startswith("csca-CN-")
    crl = (pki.trust_dir / "csca.crl").read_bytes()
    assert trust_import.import_file(crl, "csca.crl", target, anchors).added[0].startswith("crl-CN-")
    with pytest.raises(trust_import.TrustImportRejected, match="key usage"):
        trust_import.import_file(pki.signers["valid"].cert_der, "ds.der", target, anchors)
    with pytest.raises(trust_import.TrustImportUnreadable):
        trust_import.import_file(b"hello", "notes.txt", target, anchors)
    rogue = (pki.base / "issuer" / "rogue-csca.pem").read_bytes()
    assert trust_import.import_file(rogue, "rogue.pem", target, anchors).added  # a technician's decision
    unknown_crl = (x509.CertificateRevocationListBuilder()
                   .issuer_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "nobody")]))
                   .last_update(dt.datetime.now(dt.UTC)).next_update(dt.datetime.now(dt.UTC) + dt.timedelta(1))
                   .sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256()))
    with pytest.raises(trust_import.TrustImportRejected, match="no CSCA"):
        trust_import.import_file(unknown_crl.public_bytes(serialization.Encoding.DER), "x.crl", target, anchors)
    assert sorted(p.name.split("-")[0] for p in target.iterdir()) == ["crl", "csca", "csca"]


def test_test_pki_cli_writes_a_master_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "icao.ml"
    assert test_pki.main([str(tmp_path / "pki"), "--master-list", str(target), "--entries", "30"]) == 0
    assert "9 with explicit EC parameters" in capsys.readouterr().out
    ml = master_list.parse(target.read_bytes())
    anchors = trust_store.load_certificates(tmp_path / "pki" / "ml-signers")
    assert master_list.check_signature(ml, anchors, dt.datetime.now(dt.UTC)).verified
