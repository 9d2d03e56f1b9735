"""Active Authentication: the check that tells a genuine chip from a copy."""

from __future__ import annotations

import hashlib
import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from drivers.errors import CardReadError
from drivers.idcard import active_auth, clone_check, tlv, trust_store
from drivers.idcard.base import AccessKey, PassiveAuthResult
from drivers.idcard.session import ChipSession
from drivers.idcard.sim import chip_variants, test_pki
from drivers.idcard.transport import InProcessTransport

MRZ = AccessKey(document_number="E90000001", birth_date="850312", expiry_date="360630")


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 1024)  # small key: fast; the scheme is the same


def test_rsa_iso9796_2_sha1_roundtrip(rsa_key: rsa.RSAPrivateKey) -> None:
    challenge = os.urandom(8)
    signature = active_auth.sign_rsa(rsa_key, challenge, os.urandom)
    active_auth.verify_rsa(rsa_key.public_key(), challenge, signature)
    with pytest.raises(active_auth.AaFailed):
        active_auth.verify_rsa(rsa_key.public_key(), os.urandom(8), signature)
    with pytest.raises(active_auth.AaFailed):
        active_auth.verify_rsa(rsa_key.public_key(), challenge, signature[:-1])


def test_rsa_iso9796_2_sha256_trailer(rsa_key: rsa.RSAPrivateKey) -> None:
    """Chips with SHA-256 use the two-byte trailer 34 CC."""
    numbers = rsa_key.private_numbers()
    n = numbers.public_numbers.n
    k = (n.bit_length() + 7) // 8
    challenge = os.urandom(8)
    m1 = os.urandom(k - 32 - 3)
    f = b"\x6a" + m1 + hashlib.sha256(m1 + challenge).digest() + b"\x34\xcc"
    sig = pow(int.from_bytes(f, "big"), numbers.d, n).to_bytes(k, "big")
    active_auth.verify_rsa(rsa_key.public_key(), challenge, sig)
    bad = b"\x4a" + f[1:]  # wrong header
    sig = pow(int.from_bytes(bad, "big"), numbers.d, n).to_bytes(k, "big")
    with pytest.raises(active_auth.AaFailed, match="header"):
        active_auth.verify_rsa(rsa_key.public_key(), challenge, sig)


def test_ecdsa_plain_signature() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    challenge = os.urandom(8)
    sig = active_auth.sign_ecdsa(key, challenge, "sha256")
    assert len(sig) == 64
    active_auth.verify_ecdsa(key.public_key(), challenge, sig, "sha256")
    for bad in (sig[:-1], sig[:32] + bytes(32), os.urandom(64)):
        with pytest.raises(active_auth.AaFailed):
            active_auth.verify_ecdsa(key.public_key(), challenge, bad, "sha256")


def test_dg14_and_dg15_encoding() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    assert active_auth.parse_dg15(active_auth.build_dg15(key)) == key
    for name in ("sha1", "sha256", "sha512"):
        assert active_auth.ecdsa_hash_from_dg14(active_auth.build_dg14(name)) == name
    assert active_auth.ecdsa_hash_from_dg14(None) == "sha256"
    with pytest.raises(CardReadError):
        active_auth.parse_dg15(tlv.encode(0x6F, b"\x30\x03\x02\x01\x00"))


def test_rsa_chip_through_the_session(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    session = ChipSession(InProcessTransport(chip_variants.make_chip("bac", pki)), trust)
    ident = session.read(MRZ)
    assert ident.authenticity.verified and session.report.active_auth == "RSA-ISO9796-2"


def test_cloned_chip_is_refused_and_named(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    session = ChipSession(InProcessTransport(chip_variants.make_chip("cloned", pki)), trust)
    ident = session.read(MRZ)
    assert (ident.authenticity.verified, ident.authenticity.failure) == (False, "active_auth")
    assert session.report.active_auth == "failed"


def test_chip_without_aa_or_ca_is_a_policy_question(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    session = ChipSession(InProcessTransport(chip_variants.make_chip("no_aa", pki)), trust)
    ident = session.read(MRZ)  # the default refuses: staff look at the document
    assert (ident.authenticity.verified, ident.authenticity.failure) == (False, "no_chip_proof")
    assert "copy of the chip is not excluded" in ident.authenticity.detail
    assert session.report.active_auth == "absent" and ident.authenticity.chip_auth == "absent"
    accepting = ChipSession(InProcessTransport(chip_variants.make_chip("no_aa", pki)), trust, unproven_chip="accept")
    ident = accepting.read(MRZ)
    assert ident.authenticity.verified and "copy of the chip is not excluded" in ident.authenticity.detail
    with pytest.raises(ValueError, match="unproven_chip"):
        ChipSession(InProcessTransport(chip_variants.make_chip("no_aa", pki)), trust, unproven_chip="maybe")


def test_passive_auth_failure_takes_precedence() -> None:
    pa_bad = PassiveAuthResult(False, "dg_hash:DG15", "x")
    none = clone_check.ChipAuthRun()
    assert clone_check.verdict(pa_bad, "failed", "AA failed", none, "refuse").failure == "dg_hash:DG15"
    ok = PassiveAuthResult(True, None, "signed")
    assert clone_check.verdict(ok, "failed", "AA failed", none, "refuse").failure == "active_auth"
    assert clone_check.verdict(ok, "passed", "AA ok", none, "refuse").verified
    failed_ca = clone_check.ChipAuthRun("failed", "CA-ECDH-AES-128", "wrong keys")
    assert clone_check.verdict(ok, "passed", "AA ok", failed_ca, "accept").failure == "chip_auth"


def test_garbled_aa_answer_is_a_read_error_not_a_verdict(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    """Tag loss during INTERNAL AUTHENTICATE must say "read again", not "this is a copy"."""

    class FlipLast(InProcessTransport):
        def transmit(self, apdu: bytes) -> bytes:
            answer = super().transmit(apdu)
            if len(apdu) > 1 and apdu[1] == 0x88:
                return bytes([answer[0] ^ 1]) + answer[1:]
            return answer

    session = ChipSession(FlipLast(chip_variants.make_chip("pace", pki)), trust)
    with pytest.raises(CardReadError):
        session.read(MRZ)
