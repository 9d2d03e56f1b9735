"""The integration contract: the config-selectable simulated reader on the production path."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
import typing
from pathlib import Path

import pytest

from drivers.errors import CardAccessDenied, CardBlocked, CardRemoved, CardUnsupported
from drivers.idcard import dg2, resident_id
from drivers.idcard.base import AccessKey, IdReader
from drivers.idcard.factory import VirtualReaderOptions, create, create_virtual
from drivers.idcard.sim.virtual_reader import VirtualIdReader

CAN = AccessKey(can="123456")
MRZ = AccessKey(document_number="E90000001", birth_date="850312", expiry_date="360630")


def _reader(var_dir: Path, **kw: object) -> VirtualIdReader:
    reader = create_virtual(VirtualReaderOptions(insert_after_s=0.0, **kw), var_dir)
    assert isinstance(reader, VirtualIdReader) and isinstance(reader, IdReader)
    assert reader.wait_for_card(2.0) is not None
    return reader


def test_demo_read_with_can(var_dir: Path) -> None:
    reader = _reader(var_dir)
    assert (var_dir / "test-pki" / "trust" / "csca.pem").exists()
    seen: list[float] = []
    ident = reader.read(CAN, seen.append)
    assert ident.authenticity.verified, ident.authenticity
    assert ident.access_protocol == "PACE-ECDH-GM-AES-128"
    assert (ident.surname, ident.given_names, ident.name_national) == ("ZHANG", "WEI", "张伟")
    assert resident_id.is_valid(ident.personal_number or "")
    assert ident.birth_date == dt.date(1985, 3, 12) and ident.sex == "M"
    assert ident.issuing_state == "CHN" and ident.expiry_date > dt.date.today()
    assert ident.portrait_format == "jp2" and dg2.decode_image(ident.portrait).shape[2] == 3
    assert ident.address and "北京" in ident.address
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3
    assert ident.stats.apdus > 0 and ident.stats.bytes_in > 20_000
    assert "ZHANG" not in repr(ident) and "123456" not in repr(CAN)
    ident.wipe()
    assert ident.portrait == bytearray() and ident.personal_number == ""


def test_demo_read_with_mrz(var_dir: Path) -> None:
    ident = _reader(var_dir).read(MRZ)
    assert ident.access_protocol.startswith("PACE") and ident.authenticity.verified


def test_generic_create_dispatches(var_dir: Path) -> None:
    reader = create(VirtualReaderOptions(insert_after_s=0.0), var_dir)
    assert isinstance(reader, VirtualIdReader)


def test_insertion_delay_and_removal(var_dir: Path) -> None:
    reader = create_virtual(VirtualReaderOptions(insert_after_s=0.3), var_dir)
    assert not reader.card_present()
    t0 = time.monotonic()
    assert reader.wait_for_card(0.1) is None  # starts the clock; card not there yet
    info = reader.wait_for_card(60.0)
    elapsed = time.monotonic() - t0
    assert info is not None and 0.25 <= elapsed < 60.0  # not before the delay, woken by the card, not the timeout
    assert info.protocols == ("PACE", "BAC") and info.accepts_can and info.atr
    assert reader.card_present()
    reader.remove_card()  # type: ignore[attr-defined]
    assert not reader.card_present()
    with pytest.raises(CardRemoved):
        reader.read(CAN)
    reader.insert_card()  # type: ignore[attr-defined]
    assert reader.read(CAN).authenticity.verified


def test_never_inserted_when_negative_delay(var_dir: Path) -> None:
    reader = create_virtual(VirtualReaderOptions(insert_after_s=-1), var_dir)
    assert reader.wait_for_card(0.2) is None and not reader.card_present()


def test_card_pulled_from_another_thread_mid_read(var_dir: Path) -> None:
    reader = _reader(var_dir, variant="small_le")
    timer = threading.Timer(0.0, reader.remove_card)
    progress_hits = []

    def progress(p: float) -> None:
        progress_hits.append(p)
        if len(progress_hits) == 3:
            timer.start()
            timer.join()

    with pytest.raises(CardRemoved):
        reader.read(CAN, progress)


@pytest.mark.parametrize(
    ("variant", "key", "error"),
    [
        ("pace", AccessKey(can="654321"), CardAccessDenied),
        ("pace", AccessKey(document_number="E90000002", birth_date="850312", expiry_date="360630"), CardAccessDenied),
        ("bac", AccessKey(document_number="E90000002", birth_date="850312", expiry_date="360630"), CardAccessDenied),
        ("bac", CAN, CardUnsupported),
        ("pace_unsupported", CAN, CardUnsupported),
        ("pace_unsupported", MRZ, CardUnsupported),
        ("blocked", CAN, CardBlocked),
        ("pulled", CAN, CardRemoved),
    ],
)
def test_failure_outcomes(var_dir: Path, variant: str, key: AccessKey, error: type[Exception]) -> None:
    reader = _reader(var_dir, variant=variant)
    with pytest.raises(error):
        reader.read(key)


def test_lockout_after_three_wrong_cans(var_dir: Path) -> None:
    reader = _reader(var_dir, variant="lockout")
    for _ in range(2):
        with pytest.raises(CardAccessDenied):
            reader.read(AccessKey(can="000000"))
    with pytest.raises(CardBlocked):
        reader.read(AccessKey(can="000000"))
    with pytest.raises(CardBlocked):  # even the right CAN now
        reader.read(CAN)


@pytest.mark.parametrize(
    ("variant", "key", "protocol", "failure"),
    [
        ("bac", MRZ, "BAC", None),
        ("pace_only", CAN, "PACE-ECDH-GM-AES-128", None),
        ("pace_only", MRZ, "PACE-ECDH-GM-AES-128", None),
        ("pace_nist_p256", CAN, "PACE-ECDH-GM-AES-128", None),
        ("pace_p384_aes192", CAN, "PACE-ECDH-GM-AES-192", None),
        ("pace_bp384_aes256", CAN, "PACE-ECDH-GM-AES-256", None),
        ("pace_3des", CAN, "PACE-ECDH-GM-3DES", None),
        ("no_extended", CAN, "PACE-ECDH-GM-AES-128", None),
        ("small_le", CAN, "PACE-ECDH-GM-AES-128", None),
        ("small_le_6c", CAN, "PACE-ECDH-GM-AES-128", None),
        ("dg2_large", CAN, "PACE-ECDH-GM-AES-128", None),
        ("dg2_large_extended", CAN, "PACE-ECDH-GM-AES-128", None),
        ("tampered_dg", CAN, "PACE-ECDH-GM-AES-128", "dg_hash:DG2"),
        ("revoked_signer", CAN, "PACE-ECDH-GM-AES-128", "signer_revoked"),
        ("expired_signer", CAN, "PACE-ECDH-GM-AES-128", "signer_expired"),
        ("unknown_csca", CAN, "PACE-ECDH-GM-AES-128", "csca_unknown"),
        ("cloned", CAN, "PACE-ECDH-GM-AES-128", "active_auth"),
        ("no_aa", CAN, "PACE-ECDH-GM-AES-128", "no_chip_proof"),
        ("ca_only", CAN, "PACE-ECDH-GM-AES-128", None),
        ("ca_cloned", CAN, "PACE-ECDH-GM-AES-128", "chip_auth"),
        ("ca_3des", CAN, "PACE-ECDH-GM-AES-128", None),
        ("ca_dh", CAN, "PACE-ECDH-GM-AES-128", None),
        ("explicit_csca", CAN, "PACE-ECDH-GM-AES-128", None),
        ("link_csca", CAN, "PACE-ECDH-GM-AES-128", None),
        ("plain_atr", CAN, "PACE-ECDH-GM-AES-128", None),
    ],
)
def test_variant_outcomes(var_dir: Path, variant: str, key: AccessKey, protocol: str, failure: str | None) -> None:
    ident = _reader(var_dir, variant=variant).read(key)
    assert ident.access_protocol == protocol
    assert ident.authenticity.verified is (failure is None)
    assert ident.authenticity.failure == failure
    assert ident.personal_number == VirtualReaderOptions().personal_number


def test_custom_portrait_file_is_served_unchanged(var_dir: Path, tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "face.jpg"
    Image.new("RGB", (64, 80), (200, 150, 120)).save(path, "JPEG")
    ident = _reader(var_dir, portrait=str(path)).read(CAN)
    assert ident.portrait_format == "jpeg" and bytes(ident.portrait) == path.read_bytes()


@pytest.mark.parametrize(
    "change",
    [
        {"personal_number": "110105198503121235"},  # wrong check character
        {"birth_date": "850313"},
        {"sex": "F"},
        {"expiry_date": "200101"},
        {"can": "12345"},
        {"variant": "nonexistent"},
    ],
)
def test_options_validation(var_dir: Path, change: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        create_virtual(dataclasses.replace(VirtualReaderOptions(), **change), var_dir)


def test_options_are_frozen_simple_types_and_redacted() -> None:
    opts = VirtualReaderOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.can = "1"  # type: ignore[misc]
    for name, tp in typing.get_type_hints(VirtualReaderOptions).items():
        assert tp in (str, int, float, bool) or typing.get_origin(tp) is typing.Literal, name
    assert "张伟" not in repr(opts) and opts.personal_number not in repr(opts)


@pytest.mark.parametrize(
    "key",
    [
        AccessKey(can="12ab56"),
        AccessKey(),
        AccessKey(document_number="E90000001", birth_date="85031", expiry_date="360630"),
        AccessKey(document_number="", birth_date="850312", expiry_date="360630"),
        AccessKey(document_number="E9000000é", birth_date="850312", expiry_date="360630"),
    ],
)
def test_malformed_keys_are_access_denied_before_any_apdu(var_dir: Path, key: AccessKey) -> None:
    reader = _reader(var_dir)
    assert reader.chip is not None
    before = reader.chip.apdu_count
    with pytest.raises(CardAccessDenied):
        reader.read(key)
    assert reader.chip.apdu_count == before
