"""Every status word: its typed error offline, and through the pty as the reader answers it."""

from __future__ import annotations

import pytest
from resident_testkit import FAST, TODAY

from drivers.errors import CardNotAuthentic, DeviceError
from drivers.residentid import commands, errors, status
from drivers.residentid.link import SerialLink
from drivers.residentid.reader import ResidentIdReader
from drivers.residentid.sam_client import SamClient
from drivers.residentid.sim import cards
from drivers.residentid.sim.pty_reader import VirtualResidentReader
from drivers.residentid.sim.virtual_sam import Faults

# SW3 -> (error class, stable code); SW1 SW2 play no part in the meaning
FAILURES = {
    0x10: (errors.ResidentLinkError, "resident_link_error"),
    0x11: (errors.ResidentLinkError, "resident_link_error"),
    0x21: (errors.ResidentLinkError, "resident_link_error"),
    0x23: (errors.ResidentStatusError, "resident_status_error"),
    0x24: (errors.ResidentStatusError, "resident_status_error"),
    0x31: (errors.ResidentCardAuthFailed, "card_not_authentic"),
    0x32: (errors.ResidentCardAuthFailed, "card_not_authentic"),
    0x33: (errors.ResidentCardAuthFailed, "card_not_authentic"),
    0x40: (errors.ResidentUnknownCardType, "resident_unknown_card_type"),
    0x41: (errors.ResidentReadFailed, "resident_read_failed"),
    0x47: (errors.ResidentReadFailed, "resident_read_failed"),
    0x60: (errors.ResidentSamFault, "resident_sam_fault"),
    0x66: (errors.ResidentSamFault, "resident_sam_fault"),
    0x81: (errors.ResidentSelectFailed, "resident_select_failed"),
    0x55: (errors.ResidentStatusError, "resident_status_error"),  # undocumented
    0x00: (errors.ResidentStatusError, "resident_status_error"),
}


def test_every_documented_failure_status_is_mapped() -> None:
    documented = set(status.MEANINGS) - {0x90, 0x91, 0x9F, 0x80}
    assert documented <= set(FAILURES)


@pytest.mark.parametrize("sw3", sorted(FAILURES))
def test_error_for_status(sw3: int) -> None:
    word = bytes((0x6A, 0x82, sw3))
    exc = status.error_for(word, "read")
    cls, code = FAILURES[sw3]
    assert type(exc) is cls
    assert exc.code == code
    assert exc.status == word
    assert "6a 82" in exc.detail


def test_sam_and_link_failures_take_the_kiosk_out_of_service_card_failures_do_not() -> None:
    assert status.error_for(b"\x00\x00\x60", "x").fault
    assert status.error_for(b"\x00\x00\x10", "x").fault
    assert not status.error_for(b"\x00\x00\x41", "x").fault
    assert not status.error_for(b"\x00\x00\x31", "x").fault
    assert isinstance(status.error_for(b"\x00\x00\x32", "x"), CardNotAuthentic)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One simulator and link for the many small status exchanges (a pty per test costs more
    than the test); each test starts from an empty reader without faults."""
    with VirtualResidentReader(tmp_path_factory.mktemp("status")) as virtual:
        link = SerialLink(virtual.path, poll_s=0.01)
        yield virtual, SamClient(link, FAST), cards.make("resident", TODAY)
        link.close()


@pytest.fixture
def sim(shared) -> VirtualResidentReader:
    virtual = shared[0]
    virtual.lift_card()
    virtual.sam.faults = Faults()
    return virtual


@pytest.fixture
def client(shared, sim) -> SamClient:
    return shared[1]


@pytest.fixture
def card(shared) -> cards.SimCard:
    return shared[2]


THROUGH_PTY = [commands.FIND, commands.SELECT, commands.READ_TEXT_PHOTO, commands.READ_NEW_ADDRESS,
               commands.SAM_STATUS, commands.SAM_ID]


@pytest.mark.parametrize(("command", "sw3"), [
    (c, sw3) for c in THROUGH_PTY for sw3 in sorted(FAILURES)
    if c.accepts(bytes((0x6A, 0x82, sw3)))  # 81 answers only select: elsewhere it is a stale reply
], ids=lambda v: getattr(v, "name", hex(v) if isinstance(v, int) else v))
def test_each_status_through_the_pty(sim: VirtualResidentReader, client: SamClient, card: cards.SimCard,
                                     command: commands.Command, sw3: int) -> None:
    sim.place_card(card)
    if command in (commands.SELECT, commands.READ_TEXT_PHOTO, commands.READ_NEW_ADDRESS):
        client.find()
    if command in (commands.READ_TEXT_PHOTO, commands.READ_NEW_ADDRESS):
        client.select()
    sim.faults.status_once[(command.cmd, command.para)] = bytes((0x6A, 0x82, sw3))
    calls = {
        commands.FIND: client.find, commands.SELECT: client.select,
        commands.READ_TEXT_PHOTO: client.read_text_photo, commands.READ_NEW_ADDRESS: client.read_new_address,
        commands.SAM_STATUS: client.sam_status, commands.SAM_ID: client.sam_id,
    }
    cls, code = FAILURES[sw3]
    with pytest.raises(cls) as caught:
        calls[command]()
    assert caught.value.code == code
    assert caught.value.status == bytes((0x6A, 0x82, sw3))


def test_another_commands_answer_is_discarded_as_stale(sim: VirtualResidentReader, client: SamClient) -> None:
    sim.faults.status_once[(0x20, 0x01)] = b"\x00\x00\x81"  # a select failure cannot answer find
    with pytest.raises(errors.ResidentNoReply):
        client.find()
    assert client.link.stats.junk_bytes >= 11


def test_success_and_nothing_there_statuses(sim: VirtualResidentReader, client: SamClient,
                                            card: cards.SimCard) -> None:
    assert client.find() is None  # 80: no card
    sim.place_card(card)
    assert client.find() == bytes(4)  # 9F
    assert client.select() == bytes(8)  # 90
    assert client.read_new_address() is None  # 91: no appended address
    record = client.read_text_photo()
    assert (len(record.text), len(record.photo), len(record.fingerprints)) == (256, 1024, 0)
    assert client.find() is None  # read: not found again until lifted and placed again
    client.sam_status()
    client.sam_reset()  # the reader restarts its RF and SAM: the card is found afresh
    assert client.find() == bytes(4)
    # 05 00 | 01 00 | 20231018 | 47112233 | 3502761984, little-endian, printed as reader tools do
    assert client.sam_id() == "05.01-20231018-0047112233-3502761984"


def test_a_forced_read_failure_leaves_the_card_unread(sim: VirtualResidentReader, client: SamClient,
                                                       card: cards.SimCard) -> None:
    sim.place_card(card)
    client.find()
    client.select()
    sim.faults.status_once[(0x30, 0x01)] = b"\x6a\x82\x41"
    with pytest.raises(errors.ResidentReadFailed):
        client.read_text_photo()
    assert len(client.read_text_photo().text) == 256


def test_find_with_an_error_status_raises_it_from_wait_for_card(sim: VirtualResidentReader, client: SamClient,
                                                                card: cards.SimCard) -> None:
    sim.place_card(card)
    sim.faults.status_once[(0x20, 0x01)] = b"\x00\x00\x40"
    reader = ResidentIdReader(client.link, timeouts=FAST, poll_interval_s=0.02, today=lambda: TODAY)
    with pytest.raises(errors.ResidentUnknownCardType):
        reader.wait_for_card(0.5)


def test_every_error_code_is_a_device_error() -> None:
    classes = [getattr(errors, n) for n in dir(errors) if n.startswith("Resident")]
    assert all(issubclass(c, DeviceError) for c in classes)
    codes = {c.code for c in classes}
    assert set(errors.ALL_CODES) <= codes
    assert codes - set(errors.ALL_CODES) <= {"reader_unavailable", "card_removed", "card_not_authentic"}
