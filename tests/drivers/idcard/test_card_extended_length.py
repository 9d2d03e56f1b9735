"""Extended length on chips whose ATR does not say: EF.ATR/INFO, a probe, and its memory."""

from __future__ import annotations

import pytest
from card_testkit import H

from drivers.idcard import atr, extended_length, trust_store
from drivers.idcard.base import AccessKey
from drivers.idcard.channel import ApduChannel
from drivers.idcard.session import ChipSession
from drivers.idcard.sim import chip_variants, test_pki
from drivers.idcard.sim.virtual_reader import VirtualIdReader
from drivers.idcard.transport import InProcessTransport, Transport

CAN = AccessKey(can="123456")
ATR_INFO_READ = H("00B0810000")


class Recording(InProcessTransport):
    def __init__(self, chip, **kw: object) -> None:
        super().__init__(chip, **kw)  # type: ignore[arg-type]
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(apdu)
        return super().transmit(apdu)


def _extended(apdu: bytes) -> bool:
    return len(apdu) >= 7 and apdu[4] == 0x00


def _read(transport: Recording, trust: trust_store.TrustStore, **kw: object) -> tuple[ChipSession, list[bytes]]:
    start = len(transport.sent)
    transport.card.power_on()
    session = ChipSession(transport, trust, **kw)  # type: ignore[arg-type]
    assert session.read(CAN).authenticity.verified
    return session, transport.sent[start:]


def test_type_b_atr_says_nothing() -> None:
    assert atr.extended_length_capability(atr.build_type_b()) is None
    assert atr.extended_length_capability(atr.build(True)) is True
    assert atr.extended_length_capability(atr.build(False)) is False
    assert not atr.supports_extended_length(atr.build_type_b())


def test_plain_atr_chip_is_read_with_extended_apdus(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    t = Recording(chip_variants.make_chip("plain_atr", pki))
    session, sent = _read(t, trust)
    assert session.report.extended_source == "probe" and session.report.extended_length
    assert session.report.read_apdus == 8  # 7 files + INTERNAL AUTHENTICATE, as with a talkative ATR
    assert ATR_INFO_READ in sent  # looked for EF.ATR/INFO first (absent: 6A82)
    assert sum(_extended(a) for a in sent) >= 7
    # the old decision (ATR only) read the same chip with 223-byte blocks: 102 APDUs after access
    old = Recording(chip_variants.make_chip("plain_atr", pki))
    before, _ = _read(old, trust, use_extended=False)
    assert before.report.read_apdus == 102 and not before.report.extended_length
    # the same card read again: no EF.ATR/INFO, no probe, one APDU fewer
    again, sent = _read(t, trust)
    assert again.report.extended_source == "remembered" and ATR_INFO_READ not in sent
    assert again.report.access_apdus == session.report.access_apdus - 1


def test_ef_atr_info_announces_extended_length(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    t = Recording(chip_variants.make_chip("atr_info", pki))
    session, sent = _read(t, trust)
    assert session.report.extended_source == "ef_atr_info" and session.report.read_apdus == 8
    assert sent.count(ATR_INFO_READ) == 1


@pytest.mark.parametrize("variant", ["plain_atr_short", "plain_atr_short_drop"])
def test_chip_refusing_the_probe_is_read_short_and_not_probed_again(
        pki: test_pki.TestPki, trust: trust_store.TrustStore, variant: str) -> None:
    t = Recording(chip_variants.make_chip(variant, pki))
    first, sent = _read(t, trust)
    assert not first.report.extended_length and first.report.block == 223
    assert sum(_extended(a) for a in sent) >= 1  # the one probe (and SM framing of it)
    again, sent = _read(t, trust)
    assert again.report.extended_source == "remembered" and not any(_extended(a) for a in sent)
    assert again.report.read_apdus == 102 and again.report.read_apdus < first.report.read_apdus


def test_reader_switch_off_never_probes(pki: test_pki.TestPki, trust: trust_store.TrustStore) -> None:
    reader = VirtualIdReader(lambda: chip_variants.make_chip("plain_atr", pki), trust, 0.0, reader_extended=False)
    assert reader.wait_for_card(1.0) is not None
    reader.read(CAN)
    report = reader.last_report
    assert report is not None and report.extended_source == "reader" and not report.extended_length


def test_atr_info_parsing_and_the_block_it_allows() -> None:
    info = atr.parse_atr_info(atr.build_atr_info(65535, 65536))
    assert (info.extended, info.max_command, info.max_response) == (True, 65535, 65536)
    assert atr.parse_atr_info(atr.build_atr_info(261, 258)).extended is False
    assert atr.parse_atr_info(H("00 47 03 00 00 40".replace(" ", ""))).extended is True  # card capabilities DO
    assert atr.parse_atr_info(H("7F6603020101")).extended is None  # one size only: says nothing
    assert atr.parse_atr_info(H("7F66FF")).extended is None

    class Answer(Transport):
        def __init__(self, data: bytes) -> None:
            self.data, self.atr = data, atr.build_type_b()

        def transmit(self, apdu: bytes) -> bytes:
            return self.data + b"\x90\x00"

    small = Answer(atr.build_atr_info(1000, 1024))
    plan = extended_length.plan(ApduChannel(small), small, True)
    assert plan == extended_length.Plan(True, "ef_atr_info", 1024 - 37)
    tiny = Answer(atr.build_atr_info(300, 270))
    assert extended_length.plan(ApduChannel(tiny), tiny, True) == extended_length.Plan(False, "ef_atr_info")
