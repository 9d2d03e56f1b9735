"""The production reader through a real pty and pyserial: every card kind, the card's life on the
reader (placed, read, lifted), and the faults a kiosk meets (garbage, corruption, a slow or busy
SAM, a card lifted mid-read, the USB-serial adapter pulled and plugged back)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from resident_testkit import TODAY, make_reader

from drivers.errors import CardRemoved
from drivers.idcard.base import ChipIdentity, IdReader
from drivers.idcard.dg2 import decode_image
from drivers.residentid import errors
from drivers.residentid.identity import ResidentIdentity
from drivers.residentid.reader import ResidentIdReader
from drivers.residentid.sam_client import Timeouts
from drivers.residentid.sim import cards
from drivers.residentid.sim.pty_reader import VirtualResidentReader
from drivers.residentid.text_block import CardKind

KINDS = {
    "resident": CardKind.RESIDENT, "long_term": CardKind.RESIDENT, "minor": CardKind.RESIDENT,
    "foreign_2017": CardKind.FOREIGN_PERMANENT_2017, "foreign_2023": CardKind.FOREIGN_PERMANENT_2023,
    "hmt_hk": CardKind.HMT_RESIDENCE, "hmt_macao": CardKind.HMT_RESIDENCE, "hmt_tw": CardKind.HMT_RESIDENCE,
    "rare_ext_a": CardKind.RESIDENT, "rare_ext_a_multi": CardKind.RESIDENT, "non_bmp_name": CardKind.RESIDENT,
    "private_use_name": CardKind.RESIDENT, "minority_long_name": CardKind.RESIDENT,
    "minority_full_name": CardKind.RESIDENT, "resident_new_address": CardKind.RESIDENT,
}


def place_and_read(sim: VirtualResidentReader, reader: ResidentIdReader, label: str, **kw) -> ResidentIdentity:
    sim.place_card(cards.make(label, TODAY))
    info = reader.wait_for_card(1.0)
    assert info is not None and info.protocols == ("SAM",) and not info.accepts_can
    return reader.read(**kw)


@pytest.mark.parametrize("label", sorted(KINDS))
def test_every_card_kind_end_to_end(sim: VirtualResidentReader, reader: ResidentIdReader, label: str) -> None:
    ident = place_and_read(sim, reader, label)
    assert isinstance(ident, ChipIdentity) and isinstance(reader, IdReader)
    assert ident.card_kind is KINDS[label]
    assert ident.personal_number and ident.document_number == ident.personal_number
    assert ident.photo.status == "decoded" and ident.portrait_format == "bmp"
    assert decode_image(ident.portrait).shape == (126, 102, 3)  # what the face check decodes
    assert ident.authenticity.verified and ident.access_protocol.startswith("SAM")
    assert ident.stats.apdus == 2 and ident.stats.bytes_in > 1295


def test_resident_fields(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    ident = place_and_read(sim, reader, "resident")
    assert (ident.name_national, ident.sex, ident.nationality) == ("张伟", "M", "CHN")
    assert ident.nation == ("汉族", "Han") and ident.sex_name == ("男", "male")
    assert ident.birth_date == dt.date(1985, 3, 12)
    assert ident.address == ident.address_on_card == "北京市朝阳区建国路88号"
    assert ident.issuing_authority == "北京市公安局朝阳分局"
    assert ident.valid_to == ident.expiry_date and ident.valid_from <= TODAY
    assert "张伟" not in repr(ident) and ident.personal_number not in repr(ident)


def test_appended_address_is_the_current_one(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    ident = place_and_read(sim, reader, "resident_new_address")
    assert ident.address == "北京市海淀区中关村大街27号"
    assert ident.address_on_card == "北京市朝阳区建国路88号"


def test_foreigner_and_permit_fields(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    f17 = place_and_read(sim, reader, "foreign_2017")
    assert (f17.english_name, f17.surname, f17.name_national, f17.nationality) == ("SMITH JOHN", "SMITH JOHN",
                                                                                    "史密斯", "USA")
    assert f17.nation is None and f17.card_version == "01"
    sim.lift_card()
    f23 = place_and_read(sim, reader, "foreign_2023")
    assert f23.english_name == "WILLIAMSON-MONTGOMERY ALEXANDRA ELIZABETH" and f23.sex == "F"
    sim.lift_card()
    hk = place_and_read(sim, reader, "hmt_hk")
    assert (hk.region, hk.pass_number, hk.issue_count, hk.nationality) == ("HK", "H12345678", "01", "CHN")


def test_long_term_and_minor(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    lt = place_and_read(sim, reader, "long_term")
    assert lt.long_term and lt.valid_to is None and lt.expiry_date == dt.date.max
    sim.lift_card()
    minor = place_and_read(sim, reader, "minor")
    assert minor.age_on(TODAY) == 16


def test_names_staff_should_confirm_are_flagged(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    assert place_and_read(sim, reader, "non_bmp_name").warnings == ("name_supplementary",)
    sim.lift_card()
    assert place_and_read(sim, reader, "private_use_name").warnings == ("name_private_use",)
    sim.lift_card()
    assert place_and_read(sim, reader, "rare_ext_a").name_national == "刘䶮"


# --- the card's life on the reader ------------------------------------------------------------
def test_no_card(reader: ResidentIdReader) -> None:
    assert reader.wait_for_card(0.05) is None
    assert not reader.card_present()
    with pytest.raises(CardRemoved):
        reader.read()


def test_a_read_card_must_be_lifted_before_it_is_found_again(sim: VirtualResidentReader,
                                                             reader: ResidentIdReader) -> None:
    place_and_read(sim, reader, "resident")
    assert reader.card_present()
    assert reader.wait_for_card(0.1) is None  # still on the reader, but already read
    assert not reader.wait_for_removal(0.05)
    card = sim.card
    sim.lift_card()
    assert reader.wait_for_removal(1.0)
    assert reader.last_removal is not None and not reader.card_present()
    sim.place_card(card)
    assert reader.wait_for_card(1.0) is not None


def test_card_lifted_mid_read(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    sim.place_card(cards.make("resident", TODAY))
    assert reader.wait_for_card(1.0)
    sim.faults.lift_during_read = True
    with pytest.raises(CardRemoved) as caught:
        reader.read()
    assert caught.value.code == "card_removed"
    assert reader.last_removal is not None


def test_card_lifted_before_the_appended_address_is_read(sim: VirtualResidentReader,
                                                          reader: ResidentIdReader) -> None:
    sim.place_card(cards.make("resident_new_address", TODAY))
    assert reader.wait_for_card(1.0)
    sim.faults.status_once[(0x30, 0x03)] = b"\x6a\x82\x41"
    with pytest.raises(CardRemoved):
        reader.read()


def test_progress_and_stats(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    steps: list[float] = []
    ident = place_and_read(sim, reader, "resident", progress=steps.append)
    assert steps == sorted(steps) and steps[-1] == 1.0
    assert ident.stats.bytes_out == 20 and ident.stats.seconds > 0


# --- policies ---------------------------------------------------------------------------------
def test_expired_card_refused_by_default(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    with pytest.raises(errors.ResidentCardExpired):
        place_and_read(sim, reader, "expired")


def test_expired_card_accepted_by_policy(sim: VirtualResidentReader) -> None:
    reader = make_reader(sim.path, expired_policy="accept")
    try:
        ident = place_and_read(sim, reader, "expired")
        assert ident.valid_to is not None and ident.valid_to < TODAY
    finally:
        reader.close()


def test_no_decoder_goes_to_staff(sim: VirtualResidentReader) -> None:
    reader = make_reader(sim.path, decoder=None)
    try:
        with pytest.raises(errors.ResidentPhotoUnavailable) as caught:
            place_and_read(sim, reader, "resident")
        assert (caught.value.code, caught.value.reason, caught.value.fault) == (
            "resident_photo_unavailable", "no_decoder", False)
    finally:
        reader.close()


def test_photo_optional_returns_the_outcome_and_no_portrait(sim: VirtualResidentReader) -> None:
    reader = make_reader(sim.path, decoder=None, photo_required=False)
    try:
        ident = place_and_read(sim, reader, "resident")
        assert ident.photo.status == "no_decoder" and not ident.portrait and ident.portrait_format == ""
        assert len(ident.wlt_photo) == 1024  # the encoded photo stays available (and is wiped)
    finally:
        reader.close()


def test_undecodable_photo(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    card = dataclasses.replace(cards.make("resident", TODAY), wlt=bytes(1024))  # as a real WLT photo would be
    sim.place_card(card)
    assert reader.wait_for_card(1.0)
    with pytest.raises(errors.ResidentPhotoUnavailable) as caught:
        reader.read()
    assert caught.value.reason == "decode_failed"


def test_fingerprints_and_wipe(sim: VirtualResidentReader) -> None:
    reader = make_reader(sim.path, read_fingerprints=True)
    try:
        ident = place_and_read(sim, reader, "resident")
        assert len(ident.fingerprints) == 1024 and ident.stats.bytes_in > 2321
        buffers = [ident.fingerprints, ident.wlt_photo, ident.portrait]
        ident.wipe()
        assert all(not any(b) for b in buffers)
        assert not ident.fingerprints and not ident.portrait and not ident.name_national
        assert ident.personal_number == "" and ident.address_on_card == ""
    finally:
        reader.close()


# --- faults -----------------------------------------------------------------------------------
def test_check_reports_the_sam(reader: ResidentIdReader) -> None:
    info = reader.check()
    assert info.sam_id.startswith("05.01-") and info.port.endswith("ttyRESIDENT0")


def test_no_sam(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    sim.faults.no_sam = True
    with pytest.raises(errors.ResidentSamFault) as caught:
        reader.check()
    assert caught.value.status == b"\x00\x00\x60" and caught.value.fault
    sim.place_card(cards.make("resident", TODAY))
    with pytest.raises(errors.ResidentSamFault):
        reader.wait_for_card(0.5)


def test_garbage_on_the_line_is_skipped(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    sim.faults.garbage, sim.faults.garbage_len = 3, 300
    place_and_read(sim, reader, "resident")
    assert reader.link.stats.junk_bytes >= 900


def test_bad_check_byte_is_asked_again(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    sim.place_card(cards.make("resident", TODAY))
    assert reader.wait_for_card(1.0)
    sim.faults.bad_check = 1
    reader.read()
    assert reader.link.stats.resends == 1


def test_persistent_corruption_is_a_link_error(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    sim.faults.bad_check = 10
    with pytest.raises(errors.ResidentLinkError) as caught:
        reader.check()
    assert caught.value.code == "resident_link_error"


def test_truncated_reply_is_asked_again(sim: VirtualResidentReader) -> None:
    reader = make_reader(sim.path, timeouts=Timeouts(sam_s=0.2, card_s=0.2, read_s=0.2))
    try:
        sim.place_card(cards.make("resident", TODAY))
        assert reader.wait_for_card(1.0)
        sim.faults.truncate, sim.faults.truncate_at = 1, 600
        ident = reader.read()  # the cut-off reply is given up at the deadline and asked for again
        assert ident.photo.usable and reader.link.stats.resends == 1
    finally:
        reader.close()


def test_slow_sam_within_the_deadline(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    sim.timing.read_s = 0.2
    ident = place_and_read(sim, reader, "resident")
    assert ident.stats.seconds >= 0.2


def test_sam_slower_than_the_deadline(sim: VirtualResidentReader) -> None:
    sim.timing.read_s = 0.6
    reader = make_reader(sim.path, timeouts=Timeouts(sam_s=0.3, card_s=0.5, read_s=0.3))
    try:
        sim.place_card(cards.make("resident", TODAY))
        assert reader.wait_for_card(1.0)
        with pytest.raises(errors.ResidentNoReply) as caught:
            reader.read()  # the card is still there (the presence probe says so): not "removed"
        assert caught.value.fault
    finally:
        reader.close()


def test_busy_sam_answers_late_and_the_late_reply_is_not_mistaken(sim: VirtualResidentReader,
                                                                  reader: ResidentIdReader) -> None:
    sim.faults.busy_replies, sim.faults.busy_delay_s = 1, 0.4  # longer than the 0.3 s card deadline
    ident = place_and_read(sim, reader, "resident")
    assert ident.personal_number and ident.photo.usable


def test_silent_reader(sim: VirtualResidentReader) -> None:
    reader = make_reader(sim.path, timeouts=Timeouts(sam_s=0.1, card_s=0.1, read_s=0.1))
    try:
        sim.faults.mute = True
        with pytest.raises(errors.ResidentNoReply):
            reader.wait_for_card(5.0)  # gives up after 3 silent polls, not after 5 s
        # the kiosk polls in short calls: the silent polls add up across them
        assert reader.wait_for_card(0) is None
        assert reader.wait_for_card(0) is None
        with pytest.raises(errors.ResidentNoReply):
            reader.wait_for_card(0)
        with pytest.raises(errors.ResidentNoReply):  # the device check is strict: one probe
            reader.card_present()
    finally:
        reader.close()


def test_one_lost_reply_is_not_a_fault(sim: VirtualResidentReader) -> None:
    reader = make_reader(sim.path, timeouts=Timeouts(sam_s=0.1, card_s=0.1, read_s=0.1))
    try:
        sim.place_card(cards.make("resident", TODAY))
        sim.faults.busy_replies, sim.faults.busy_delay_s = 1, 0.15
        assert reader.wait_for_card(0) is None  # that find's reply came too late
        assert reader.wait_for_card(1.0) is not None
    finally:
        reader.close()


def test_unplugged_while_idle_and_plugged_back(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    assert reader.check()
    sim.place_card(cards.make("resident", TODAY))
    sim.unplug()
    replug = threading.Timer(0.2, sim.replug)
    replug.start()
    try:
        assert reader.wait_for_card(3.0) is not None  # the reader restarted; the card is found afresh
        assert reader.read().photo.usable
        assert reader.link.stats.reconnects == 1
    finally:
        replug.cancel()


def test_unplugged_for_good(sim: VirtualResidentReader) -> None:
    reader = make_reader(sim.path, reconnect_timeout_s=0.3)
    try:
        assert reader.check()
        sim.unplug()
        with pytest.raises(errors.ResidentPortUnavailable) as caught:
            reader.wait_for_card(1.0)
        assert caught.value.code == "reader_unavailable" and caught.value.fault
        sim.replug()
        assert reader.check()  # the next use reopens the port
    finally:
        reader.close()


def test_unplugged_mid_read(sim: VirtualResidentReader, reader: ResidentIdReader) -> None:
    sim.place_card(cards.make("resident", TODAY))
    assert reader.wait_for_card(1.0)
    sim.faults.unplug_on, sim.faults.replug_after_s = (0x30, 0x01), 0.1
    with pytest.raises(errors.ResidentLinkReset) as caught:
        reader.read()
    assert caught.value.code == "resident_link_reset" and not caught.value.fault
    assert reader.wait_for_card(1.0) is not None  # back, and the card is found again
    assert reader.read().photo.usable


def test_missing_port(tmp_path) -> None:
    reader = make_reader(str(tmp_path / "ttyNONE"), reconnect_timeout_s=0.1)
    with pytest.raises(errors.ResidentPortUnavailable):
        reader.wait_for_card(0.1)
