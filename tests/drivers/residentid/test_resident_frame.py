"""Frame encoding and the stream scanner, against the byte sequences vendors publish."""

from __future__ import annotations

import pytest
from resident_testkit import TODAY

from drivers.residentid import commands, frame
from drivers.residentid.sim import cards
from drivers.residentid.sim.virtual_sam import record_data

H = bytes.fromhex


@pytest.mark.parametrize(("command", "wire"), [
    (commands.FIND, "AAAAAA9669 0003 2001 22"),
    (commands.SELECT, "AAAAAA9669 0003 2002 21"),
    (commands.READ_TEXT_PHOTO, "AAAAAA9669 0003 3001 32"),
    (commands.READ_NEW_ADDRESS, "AAAAAA9669 0003 3003 30"),
    (commands.READ_TEXT_PHOTO_FINGERPRINT, "AAAAAA9669 0003 3010 23"),
    (commands.SAM_STATUS, "AAAAAA9669 0003 11FF ED"),
    (commands.SAM_ID, "AAAAAA9669 0003 12FF EE"),
    (commands.SAM_RESET, "AAAAAA9669 0003 10FF EC"),
])
def test_request_vectors(command: commands.Command, wire: str) -> None:
    assert command.encode() == H(wire.replace(" ", ""))


@pytest.mark.parametrize(("wire", "payload", "command"), [
    ("AAAAAA9669 0008 00009F 00000000 97", "00009F00000000", commands.FIND),  # card found
    ("AAAAAA9669 0004 000080 84", "000080", commands.FIND),  # no card
    ("AAAAAA9669 000C 000090 0000000000000000 9C", "0000900000000000000000", commands.SELECT),
])
def test_reply_vectors(wire: str, payload: str, command: commands.Command) -> None:
    frames = frame.FrameScanner().feed(H(wire.replace(" ", "")))
    assert [f.payload for f in frames] == [H(payload)]
    assert command.accepts(frames[0].payload)
    assert frame.encode(H(payload)) == H(wire.replace(" ", ""))


def test_read_reply_header_matches_the_published_one() -> None:
    # "AA AA AA 96 69 05 08 00 00 90 01 00 04 00": LEN 1288, OK, text 256, photo 1024; 1295 bytes in all
    wire = frame.encode(b"\x00\x00\x90" + record_data(cards.make("resident", TODAY), fingerprints=False))
    assert wire[:14] == H("AAAAAA96690508000090 01000400".replace(" ", ""))
    assert len(wire) == 1295


@pytest.mark.parametrize(("fp_len", "total"), [(0, 1297), (512, 1809), (1024, 2321)])
def test_fingerprint_read_sizes_match_published_totals(fp_len: int, total: int) -> None:
    card = cards.make("resident", TODAY)
    data = b"".join(len(p).to_bytes(2, "big") for p in (card.text, card.wlt, bytes(fp_len)))
    data += card.text + card.wlt + bytes(fp_len)
    wire = frame.encode(b"\x00\x00\x90" + data)
    assert len(wire) == total
    assert commands.READ_TEXT_PHOTO_FINGERPRINT.accepts(b"\x00\x00\x90" + data)


def test_scanner_reassembles_byte_by_byte() -> None:
    wire = commands.FIND.encode() + H("AAAAAA9669000800009F0000000097")
    scanner = frame.FrameScanner()
    got = [f.payload for b in wire for f in scanner.feed(bytes((b,)))]
    assert got == [H("2001"), H("00009F00000000")]
    assert scanner.junk == 0


def test_scanner_skips_junk_and_a_split_preamble() -> None:
    reply = H("AAAAAA9669000400008084")
    scanner = frame.FrameScanner()
    assert scanner.feed(b"\x01\x02\xaa\xaa") == []  # "AA AA" may start a preamble: kept
    assert scanner.pending == 2
    assert [f.payload for f in scanner.feed(reply[2:] + b"junk")] == [H("000080")]
    assert scanner.junk == 2 + 4


def test_scanner_resyncs_after_a_bad_check_byte() -> None:
    good = H("AAAAAA9669000400008084")
    bad = good[:-1] + b"\x00"
    scanner = frame.FrameScanner()
    assert [f.payload for f in scanner.feed(bad + good)] == [H("000080")]
    assert scanner.bad_frames == 1


def test_scanner_gives_up_on_a_truncated_frame_when_a_whole_one_follows() -> None:
    long_reply = frame.encode(b"\x00\x00\x90" + bytes(1284))
    short = H("AAAAAA9669000400008084")
    scanner = frame.FrameScanner()
    assert scanner.feed(long_reply[:40]) == []  # waits: the rest may still come
    assert [f.payload for f in scanner.feed(short)] == [H("000080")]
    assert scanner.bad_frames == 1


@pytest.mark.parametrize("length", [b"\x00\x00", b"\x00\x02", b"\xff\xff"])
def test_scanner_rejects_impossible_lengths(length: bytes) -> None:
    scanner = frame.FrameScanner()
    assert scanner.feed(frame.PREAMBLE + length + bytes(8)) == []
    assert scanner.bad_frames == 1


def test_encode_refuses_payloads_that_do_not_fit() -> None:
    with pytest.raises(ValueError):
        frame.encode(b"\x01")
    with pytest.raises(ValueError):
        frame.encode(bytes(frame.MAX_LEN))


def test_accepts_rejects_another_commands_answer() -> None:
    found = H("00009F00000000")
    assert commands.FIND.accepts(found)
    assert not commands.SELECT.accepts(found)  # a late find reply is not a select reply
    assert not commands.SELECT.accepts(H("000080"))
    assert commands.SELECT.accepts(H("000081"))
    assert commands.SELECT.accepts(H("6A8241"))  # an error status can answer anything
    assert not commands.READ_NEW_ADDRESS.accepts(b"\x00\x00\x90" + bytes(1284))  # a late read reply
    assert not commands.SAM_ID.accepts(b"\x00\x00\x90")
