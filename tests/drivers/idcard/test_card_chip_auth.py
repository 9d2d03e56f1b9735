"""Chip Authentication (DG14): ECDH and DH, 3DES and AES, secure messaging restarted with the
new keys; a copy without the private key fails; DG14 is trusted only when EF.SOD covers it.

Published data: DG14 and EF.SOD of the BSI TR-03105-5 reference data set (data/README.md). Its
chip private key is not available here, so it is used as what a copy of that document would
carry: parsed, covered by its own EF.SOD, and refused when a chip without the key answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from card_testkit import H

from drivers.errors import CardReadError
from drivers.idcard import chip_authentication, dg14, passive_auth, sod, trust_store
from drivers.idcard.apdu import Command
from drivers.idcard.base import AccessKey
from drivers.idcard.session import ChipSession
from drivers.idcard.sim import chip_variants, test_pki
from drivers.idcard.sim.chip_authentication_card import ChipCa
from drivers.idcard.transport import InProcessTransport

CAN = AccessKey(can="123456")
DATA = Path(__file__).parent / "data"
BSI_DG14 = bytes.fromhex((DATA / "bsi-tr03105-dg14.hex").read_text().strip())
BSI_SOD = bytes.fromhex((DATA / "bsi-tr03105-ef-sod.hex").read_text().strip())


class Recording(InProcessTransport):
    def __init__(self, chip) -> None:
        super().__init__(chip)
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(apdu)
        return super().transmit(apdu)


def _read(chip, trust: trust_store.TrustStore, **kw: object):
    t = Recording(chip)
    session = ChipSession(t, trust, **kw)  # type: ignore[arg-type]
    return session.read(CAN), session, t


@pytest.mark.parametrize(("variant", "protocol", "commands"), [
    ("ca_only", "CA-ECDH-AES-128", ["22/41A4", "86/0000"]),
    ("ca_3des", "CA-ECDH-3DES", ["22/41A6"]),
    ("ca_p384_aes256", "CA-ECDH-AES-256", ["22/41A4", "86/0000"]),
    ("ca_dh", "CA-DH-AES-128", ["22/41A4", "86/0000"]),
    ("ca_dh_3des", "CA-DH-3DES", ["22/41A6"]),
    ("ca_and_aa", "CA-ECDH-AES-128", ["22/41A4", "86/0000"]),
])
def test_chip_authentication_variants(pki: test_pki.TestPki, trust: trust_store.TrustStore, variant: str,
                                      protocol: str, commands: list[str]) -> None:
    chip = chip_variants.make_chip(variant, pki)
    ident, session, t = _read(chip, trust)
    auth = ident.authenticity
    assert auth.verified and auth.failure is None, auth
    assert auth.chip_auth == "passed" and session.report.chip_auth == protocol
    assert f"Chip Authentication {protocol} ok" in auth.detail
    # the CA commands went out under the access-control keys, everything after under new ones
    ins = [f"{a[1]:02X}/{a[2]:02X}{a[3]:02X}" for a in t.sent[session.report.access_apdus:]
           if a[0] & 0x0C and a[1] in (0x22, 0x86)]
    assert ins == commands
    # the new session counted from zero: two steps (command, answer) per command after CA
    last_ca = max(i for i, a in enumerate(t.sent) if a[0] & 0x0C and a[1] in (0x22, 0x86))
    assert chip.sm is not None and int.from_bytes(chip.sm.ssc, "big") == 2 * len(t.sent[last_ca + 1:])
    if variant == "ca_and_aa":
        assert auth.active_auth == "skipped" and not any(a[1] == 0x88 for a in t.sent)


def test_copy_without_the_private_key_fails_and_is_still_read(pki: test_pki.TestPki,
                                                               trust: trust_store.TrustStore) -> None:
    ident, session, _ = _read(chip_variants.make_chip("ca_cloned", pki), trust)
    assert (ident.authenticity.verified, ident.authenticity.failure) == (False, "chip_auth")
    assert ident.authenticity.chip_auth == "failed" and session.report.chip_auth == "failed"
    assert ident.name_national == "张伟" and ident.portrait  # read on under the PACE keys


def test_garbled_answer_after_chip_authentication_is_a_read_error_not_a_verdict(
        pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    """Tag loss on the first command under the new keys must say "read again", not "copy"."""

    class FlipAfterCa(InProcessTransport):
        armed = False

        def transmit(self, apdu: bytes) -> bytes:
            answer = super().transmit(apdu)
            if len(apdu) > 1 and apdu[0] & 0x0C and apdu[1] == 0x86:
                self.armed = True
            elif self.armed and apdu[1] == 0xB0:
                self.armed = False
                return answer[:-3] + bytes([answer[-3] ^ 1]) + answer[-2:]  # last MAC byte
            return answer

    with pytest.raises(CardReadError, match="MAC"):
        ChipSession(FlipAfterCa(chip_variants.make_chip("ca_only", pki)), trust).read(CAN)


def test_chip_that_refuses_chip_authentication_is_a_copy(pki: test_pki.TestPki,
                                                         trust: trust_store.TrustStore) -> None:
    chip = chip_variants.make_chip("ca_only", pki)
    chip.ca = None  # DG14 copied onto a chip that has no Chip Authentication at all
    ident, _, _ = _read(chip, trust)
    assert ident.authenticity.failure == "chip_auth" and "refused" in ident.authenticity.detail


def test_dg14_not_covered_by_the_sod_is_never_used(pki: test_pki.TestPki, trust: trust_store.TrustStore,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(chip_variants.VARIANTS, "ca_tampered", chip_variants.Variant(aa="", ca="ecdh_aes128",
                                                                                     tamper_dg=14))
    ident, _, t = _read(chip_variants.make_chip("ca_tampered", pki), trust)
    assert ident.authenticity.failure == "dg_hash:DG14" and ident.authenticity.chip_auth == "not_trusted"
    assert not any(a[0] & 0x0C and a[1] in (0x22, 0x86) for a in t.sent)  # no CA attempted
    # nor when EF.SOD does not verify at all
    ident, _, t = _read(chip_variants.make_chip("ca_only", pki), trust_store.TrustStore(source="empty"))
    assert ident.authenticity.failure == "csca_unknown" and ident.authenticity.chip_auth == "not_trusted"


def test_bsi_reference_dg14(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    infos, keys = dg14.parse(BSI_DG14)
    chosen = dg14.choose(infos, keys)
    assert chosen is not None and chosen.info.name == "CA-ECDH-3DES" and chosen.info.version == 1
    group, public = chip_authentication.group_of(chosen.key.spki)
    assert isinstance(group, chip_authentication.EcdhGroup)
    assert group.domain.describe() == "brainpoolP224r1 (explicit parameters)" and len(public) == 57
    # the BSI EF.SOD covers this DG14 and its RSA-PSS signature verifies (its CSCA is not public)
    bsi = sod.parse_sod(BSI_SOD)
    assert bsi.dg_hashes[14] == hashlib.sha256(BSI_DG14).digest()
    check = passive_auth.SodCheck(BSI_SOD, trust_store.TrustStore(source="none"), dt.datetime(2014, 6, 1,
                                                                                             tzinfo=dt.UTC))
    assert check.failure is not None and check.failure.code == "csca_unknown"
    # a chip carrying that DG14 without BSI's private key: the reader runs MSE:Set KAT, then fails
    chip = chip_variants.make_chip("ca_3des", pki, dg14_file=BSI_DG14)
    ident, session, t = _read(chip, trust)
    kat = [a for a in t.sent if a[0] & 0x0C and a[1] == 0x22 and a[2:4] == H("41A6")]
    assert len(kat) == 1
    assert (ident.authenticity.failure, ident.authenticity.chip_auth) == ("chip_auth", "failed")


def test_card_side_refuses_malformed_commands(pki: test_pki.TestPki) -> None:
    spec = chip_variants.CA_SPECS["ecdh_aes128"]
    _, group, private = chip_variants.ca_key(spec)
    ca = ChipCa(group, private, dg14.ChipAuthInfo(dg14.ca_oid("ECDH"), 1))
    assert ca.general_authenticate(Command(0, 0x86, 0, 0, H("7C00")))[0][1] == 0x6985  # no MSE first
    assert ca.set_at(Command(0, 0x22, 0x41, 0xA4, H("8003000000")))[1] == 0x6A80  # another protocol
    assert ca.set_kat(Command(0, 0x22, 0x41, 0xA6, H("9101FF")))[0][1] == 0x6A80  # AES chip: no KAT
    assert ca.set_at(Command(0, 0x22, 0x41, 0xA4, H("8005")))[1] == 0x6A80  # truncated
    from drivers.idcard import card_access, tlv

    good = Command(0, 0x22, 0x41, 0xA4, tlv.encode(0x80, card_access.oid_to_bytes(dg14.ca_oid("ECDH"))))
    assert ca.set_at(good)[1] == 0x9000
    off_curve = tlv.encode(0x7C, tlv.encode(0x80, b"\x04" + bytes(64)))
    (answer, sm) = ca.general_authenticate(Command(0, 0x86, 0, 0, off_curve))
    assert answer[1] == 0x6A80 and sm is None


def test_reader_refuses_bad_group_elements() -> None:
    spec = chip_variants.CA_SPECS["dh_aes128"]
    spki, group, _ = chip_variants.ca_key(spec)
    assert isinstance(group, chip_authentication.DhGroup)
    private, _ = group.keypair()
    for bad in (b"\x01", (group.p - 1).to_bytes(group.size, "big"), (2).to_bytes(group.size, "big")):
        with pytest.raises(ValueError):
            group.shared(private, bad)
    with pytest.raises(chip_authentication.CaUnsupported):
        chip_authentication.DhGroup(23, 5, 11)  # a toy group
