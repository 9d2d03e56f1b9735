"""Through the real stack: pyscard -> pcscd -> vpcd -> the virtual chip over TCP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from card_testkit import VPCD_TEST_PORT, VPCD_TEST_READER

from drivers.errors import CardAccessDenied, CardBlocked, CardRemoved, CardUnsupported, ReaderUnavailable
from drivers.idcard.base import AccessKey
from drivers.idcard.factory import PcscReaderOptions, create_pcsc
from drivers.idcard.pcsc_reader import PcscIdReader, list_readers
from drivers.idcard.sim import chip_variants, test_pki
from drivers.idcard.sim.vpcd_card import VpcdCard

pytestmark = [pytest.mark.pcscd, pytest.mark.usefixtures("pcscd")]

CAN = AccessKey(can="123456")
MRZ = AccessKey(document_number="E90000001", birth_date="850312", expiry_date="360630")


class Rig:
    def __init__(self, pki: test_pki.TestPki, var_dir: Path) -> None:
        self.pki = pki
        self.var_dir = var_dir
        self.card: VpcdCard | None = None
        self.reader: PcscIdReader | None = None

    def insert(self, variant: str = "pace") -> PcscIdReader:
        self.card = VpcdCard(lambda: chip_variants.make_chip(variant, self.pki), port=VPCD_TEST_PORT)
        self.card.insert()
        reader = create_pcsc(
            PcscReaderOptions(reader=VPCD_TEST_READER, trust_store=str(self.pki.trust_dir)), self.var_dir
        )
        assert isinstance(reader, PcscIdReader)
        self.reader = reader
        assert reader.wait_for_card(5.0) is not None
        return reader

    def close(self) -> None:
        if self.card is not None:
            self.card.remove()
        if self.reader is not None:
            # let pcscd notice the removal before the next test inserts a new card
            self.reader.wait_for_removal(3.0)
            self.reader.close()


@pytest.fixture
def rig(pki: test_pki.TestPki, var_dir: Path) -> Iterator[Rig]:
    r = Rig(pki, var_dir)
    yield r
    r.close()


def test_lists_vpcd_readers() -> None:
    assert VPCD_TEST_READER in list_readers()


def test_full_read_through_pcscd(rig: Rig) -> None:
    reader = rig.insert()
    ident = reader.read(CAN)
    assert ident.authenticity.verified and ident.name_national == "张伟"
    report = reader.last_report
    assert report is not None and report.extended_length
    assert report.read_apdus <= 15 and report.seconds < 2.0


def test_plain_atr_chip_read_with_extended_apdus_through_pcscd(rig: Rig) -> None:
    """A Type B ATR says nothing about extended length: the probe finds it through pcscd too,
    and the second read of the same card goes straight to extended APDUs."""
    reader = rig.insert("plain_atr")
    assert reader.read(CAN).authenticity.verified
    report = reader.last_report
    assert report is not None and report.extended_source == "probe" and report.extended_length
    assert report.read_apdus <= 15
    reader.read(CAN)
    again = reader.last_report
    assert again is not None and again.extended_source == "remembered" and again.read_apdus == report.read_apdus


def test_wait_for_insertion_and_removal(rig: Rig) -> None:
    reader = rig.insert()
    assert reader.card_present()
    assert rig.card is not None
    rig.card.remove()
    assert reader.wait_for_removal(3.0)
    assert reader.wait_for_card(0.3) is None
    rig.card.insert()
    info = reader.wait_for_card(5.0)
    assert info is not None and info.protocols == ("PACE", "BAC")
    assert reader.read(CAN).authenticity.verified


def test_exclusive_connection(rig: Rig, pki: test_pki.TestPki, var_dir: Path) -> None:
    rig.insert()
    other = create_pcsc(PcscReaderOptions(reader=VPCD_TEST_READER), var_dir)
    try:
        with pytest.raises(ReaderUnavailable, match="in use"):
            other.wait_for_card(1.0)
    finally:
        other.close()


def test_unknown_reader_name(var_dir: Path) -> None:
    reader = create_pcsc(PcscReaderOptions(reader="No Such Reader 42"), var_dir)
    with pytest.raises(ReaderUnavailable):
        reader.wait_for_card(0.1)
    reader.close()


def test_short_apdus_do_not_stall(rig: Rig) -> None:
    """~100 APDUs: without TCP_NODELAY/QUICKACK each would wait ~40 ms for a delayed ACK."""
    reader = rig.insert("no_extended")
    ident = reader.read(CAN)
    report = reader.last_report
    assert ident.authenticity.verified and report is not None
    assert report.read_apdus > 80 and report.seconds < 1.5, report


@pytest.mark.parametrize(
    ("variant", "key", "protocol", "failure"),
    [
        ("bac", MRZ, "BAC", None),
        ("pace_only", MRZ, "PACE-ECDH-GM-AES-128", None),
        ("pace_3des", CAN, "PACE-ECDH-GM-3DES", None),
        ("pace_nist_p256", CAN, "PACE-ECDH-GM-AES-128", None),
        ("pace_p384_aes192", CAN, "PACE-ECDH-GM-AES-192", None),
        ("pace_bp384_aes256", CAN, "PACE-ECDH-GM-AES-256", None),
        ("small_le", CAN, "PACE-ECDH-GM-AES-128", None),
        ("small_le_6c", CAN, "PACE-ECDH-GM-AES-128", None),
        ("dg2_large", CAN, "PACE-ECDH-GM-AES-128", None),
        ("dg2_large_extended", CAN, "PACE-ECDH-GM-AES-128", None),
        ("tampered_dg", CAN, "PACE-ECDH-GM-AES-128", "dg_hash:DG2"),
        ("revoked_signer", CAN, "PACE-ECDH-GM-AES-128", "signer_revoked"),
        ("expired_signer", CAN, "PACE-ECDH-GM-AES-128", "signer_expired"),
        ("unknown_csca", CAN, "PACE-ECDH-GM-AES-128", "csca_unknown"),
        ("cloned", CAN, "PACE-ECDH-GM-AES-128", "active_auth"),
    ],
)
def test_variants_through_pcscd(rig: Rig, variant: str, key: AccessKey, protocol: str, failure: str | None) -> None:
    ident = rig.insert(variant).read(key)
    assert (ident.access_protocol, ident.authenticity.failure) == (protocol, failure)
    assert ident.authenticity.verified is (failure is None)


@pytest.mark.parametrize(
    ("variant", "key", "error"),
    [
        ("pace", AccessKey(can="000000"), CardAccessDenied),
        ("bac", CAN, CardUnsupported),
        ("pace_unsupported", CAN, CardUnsupported),
        ("blocked", CAN, CardBlocked),
        ("pulled", CAN, CardRemoved),
    ],
)
def test_failures_through_pcscd(rig: Rig, variant: str, key: AccessKey, error: type[Exception]) -> None:
    reader = rig.insert(variant)
    with pytest.raises(error):
        reader.read(key)


def test_consecutive_reads_on_one_connection(rig: Rig) -> None:
    reader = rig.insert()
    first = reader.read(CAN)
    second = reader.read(MRZ)
    assert first.authenticity.verified and second.authenticity.verified
    assert second.access_protocol == "PACE-ECDH-GM-AES-128"
