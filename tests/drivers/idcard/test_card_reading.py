"""Adaptive file reading against the virtual chip: APDU counts, fallbacks, B1, re-authentication."""

from __future__ import annotations

import dataclasses

import pytest

from drivers.errors import CardReadError
from drivers.idcard import atr, lds, trust_store
from drivers.idcard.base import AccessKey
from drivers.idcard.channel import ApduChannel
from drivers.idcard.file_reader import FileReader
from drivers.idcard.session import ChipSession
from drivers.idcard.sim import chip_variants, test_pki
from drivers.idcard.sim.access_control_card import ChipPace, PasswordState
from drivers.idcard.sim.virtual_chip import ChipProfile, Files, VirtualChip
from drivers.idcard.transport import InProcessTransport

CAN = AccessKey(can="123456")


class Recording(InProcessTransport):
    def __init__(self, chip: VirtualChip, **kw: object) -> None:
        super().__init__(chip, **kw)  # type: ignore[arg-type]
        self.log: list[tuple[bytes, bytes]] = []

    def transmit(self, apdu: bytes) -> bytes:
        answer = super().transmit(apdu)
        self.log.append((apdu, answer))
        return answer


def _session(
    pki: test_pki.TestPki, trust: trust_store.TrustStore, variant: str, **kw: object
) -> tuple[Recording, ChipSession]:
    chip = chip_variants.make_chip(variant, pki)
    t = Recording(chip, **kw)
    return t, ChipSession(t, trust)


def test_extended_length_read_is_one_apdu_per_file(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    t, s = _session(pki, trust, "pace")
    ident = s.read(CAN)
    assert ident.authenticity.verified
    # COM, DG1, DG2, DG11, DG14, DG15, SOD + INTERNAL AUTHENTICATE
    assert s.report.extended_length and s.report.read_apdus == 8
    reads = [a for a, _ in t.log[s.report.access_apdus :]]
    assert all(a[1] == 0xB0 and a[2] & 0x80 for a in reads[:-1])  # SFI reads, no SELECT
    assert reads[-1][1] == 0x88


def test_reader_without_extended_length_uses_short_blocks(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    t, s = _session(pki, trust, "pace", supports_extended=False)
    ident = s.read(CAN)
    assert ident.authenticity.verified and not s.report.extended_length
    assert s.report.block == 223
    assert all(len(a) <= 261 for a, _ in t.log) and all(len(r) <= 258 for _, r in t.log)


def test_small_le_6700_shrinks_block(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    t, s = _session(pki, trust, "small_le")
    assert s.read(CAN).authenticity.verified
    assert s.report.block <= 112
    after = [r for _, r in t.log[s.report.access_apdus :]]
    refused = [r for r in after if r[-2:] == b"\x67\x00"]
    assert refused and all(r[0] == 0x99 for r in refused)  # 6700 protected inside DO99


def test_6cxx_gives_the_exact_block(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    _, s = _session(pki, trust, "small_le_6c")
    assert s.read(CAN).authenticity.verified
    assert s.report.block == 100


def test_dg2_over_32k_uses_odd_ins(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    t, s = _session(pki, trust, "dg2_large")
    ident = s.read(CAN)
    assert ident.authenticity.verified and len(ident.portrait) > 32_768
    assert any(a[1] == 0xB1 for a, _ in t.log)
    t, s = _session(pki, trust, "dg2_large_extended")
    assert s.read(CAN).authenticity.verified
    assert not any(a[1] == 0xB1 for a, _ in t.log) and s.report.read_apdus == 8


def test_atr_that_lies_about_extended_length_recovers(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    """The chip drops SM on an extended APDU it cannot parse; the reader re-authenticates
    and continues with short APDUs."""
    chip = chip_variants.make_chip("no_extended", pki)
    chip.atr = atr.build(True)
    t = Recording(chip)
    s = ChipSession(t, trust)
    ident = s.read(CAN)
    assert ident.authenticity.verified and s.report.block == 223
    assert sum(1 for a, _ in t.log if a[1] == 0x22) == 2  # PACE ran twice


def test_plain_read_of_lds_refused(pki: test_pki.TestPki) -> None:
    chip = chip_variants.make_chip("pace", pki)
    ch = ApduChannel(InProcessTransport(chip))
    from drivers.idcard.apdu import Command

    assert ch.send(Command(0x00, 0xA4, 0x04, 0x0C, lds.EMRTD_AID)).ok
    with pytest.raises(CardReadError, match="6982"):
        FileReader(ch, extended=False).read(lds.dg(1))


def test_chip_side_reproduces_icao_g1_transcript() -> None:
    """Drive the virtual chip with the appendix G.1 keys: every byte must match ICAO."""
    from card_testkit import H
    from test_card_pace_vector import CARD_ACCESS, ICAO_KEY, KEYS, SCRIPT

    chip_keys = {
        "mapping": 0x498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560,
        "agreement": 0x107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A,
    }
    from drivers.idcard import card_access, pace

    [info] = card_access.parse_card_access(CARD_ACCESS)
    chip = VirtualChip(
        Files(mf={0x011C: CARD_ACCESS}),
        b"T22000129364081251010318",
        None,
        ChipProfile(pace_infos=(info,)),
        random=lambda n: H("3F00C4D39D153F2B2A214A078D899B22"),
        key_source=lambda step, d: chip_keys[step],
    )
    t = Recording(chip)
    sm = pace.authenticate(ApduChannel(t), info, ICAO_KEY, lambda step, d: KEYS[step])
    assert [(a.hex().upper(), r.hex().upper()) for a, r in t.log] == [(c.upper(), r.upper()) for c, r in SCRIPT]
    assert sm.ks_enc == H("F5F0E35C0D7161EE6724EE513A0D9A7F")


def test_password_state_counts_only_when_limited() -> None:
    s = PasswordState()
    for _ in range(10):
        s.fail()
    assert not s.blocked
    limited = PasswordState(max_failures=2)
    limited.fail()
    limited.succeed()
    limited.fail()
    assert not limited.blocked
    limited.fail()
    assert limited.blocked
    assert ChipPace([], {}, limited).set_at  # constructible without infos


def test_variants_table_is_documented() -> None:
    for name, v in chip_variants.VARIANTS.items():
        assert v.summary, name
        assert dataclasses.is_dataclass(v.profile)


def test_second_session_on_same_card_without_reset(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    """After a read the chip still has the eMRTD application selected and an SM session;
    the next read must still find EF.CardAccess (SELECT MF first) and run PACE again."""
    t = Recording(chip_variants.make_chip("pace", pki))
    for _ in range(2):
        s = ChipSession(t, trust)
        assert s.read(CAN).access_protocol == "PACE-ECDH-GM-AES-128"
