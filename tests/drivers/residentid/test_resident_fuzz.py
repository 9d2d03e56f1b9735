"""Hypothesis: whatever the line carries (truncated frames, bad check bytes, wrong lengths, random
bytes), the driver answers with data or a typed DeviceError, before its deadline; never another
exception, never a hang."""

from __future__ import annotations

import contextlib
import itertools
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from resident_testkit import TODAY, make_reader

from drivers.errors import DeviceError
from drivers.residentid import commands, frame, sam_client, text_block, validation
from drivers.residentid.link import SerialLink
from drivers.residentid.reader import ResidentIdReader
from drivers.residentid.sam_client import SamClient, Timeouts
from drivers.residentid.sim import cards
from drivers.residentid.sim.not_wlt_codec import NotWltTestCodec
from drivers.residentid.sim.text_builder import MARKS
from drivers.residentid.sim.virtual_sam import record_data

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
DEADLINE = 0.02
TIMEOUTS = Timeouts(sam_s=DEADLINE, card_s=DEADLINE, read_s=DEADLINE)


class ScriptedSerial:
    """A pyserial stand-in for the production SerialLink: each request gets the next scripted
    answer (bytes, delivered in the given chunks); then the line stays silent."""

    def __init__(self, answers: list[list[bytes]]) -> None:
        self.answers = list(answers)
        self.pending: list[bytes] = []
        self.written = 0

    @property
    def in_waiting(self) -> int:
        return len(self.pending[0]) if self.pending else 0

    def read(self, size: int = 1) -> bytes:
        return self.pending.pop(0) if self.pending else b""

    def write(self, data: bytes) -> int:
        self.written += 1
        self.pending = list(self.answers.pop(0)) if self.answers else []
        return len(data)

    def reset_input_buffer(self) -> None:
        pass

    def close(self) -> None:
        pass


def scripted_link(answers: list[list[bytes]]) -> SerialLink:
    port = ScriptedSerial(answers)
    return SerialLink("/fuzz", poll_s=0, quiet_s=0, serial_factory=lambda *a, **k: port)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points) if b > a]


def _mangled_frames() -> st.SearchStrategy[bytes]:
    """Valid reply frames, then truncated, with a flipped byte, a wrong length or junk around."""
    payloads = st.one_of(
        st.sampled_from([b"\x00\x00\x9f" + bytes(4), b"\x00\x00\x80", b"\x00\x00\x90" + bytes(8),
                         b"\x00\x00\x90", b"\x00\x00\x91", b"\x6a\x82\x41"]),
        st.builds(lambda sw, data: bytes((0, 0, sw)) + data, st.integers(0, 255), st.binary(max_size=40)),
    )

    def mangle(payload: bytes, how: int, where: int, junk: bytes) -> bytes:
        wire = bytearray(frame.encode(payload))
        if how == 1:
            del wire[where % len(wire):]
        elif how == 2:
            wire[where % len(wire)] ^= 0xFF
        elif how == 3:
            wire[5:7] = (where % 0x1100).to_bytes(2, "big")
        elif how == 4:
            wire = bytearray(junk) + wire + junk
        return bytes(wire)

    return st.builds(mangle, payloads, st.integers(0, 4), st.integers(0, 5000), st.binary(max_size=30))


@FUZZ
@given(data=st.one_of(st.binary(max_size=600), _mangled_frames()), cuts=st.lists(st.integers(0, 600), max_size=5))
def test_scanner_yields_only_whole_valid_frames(data: bytes, cuts: list[int]) -> None:
    scanner = frame.FrameScanner()
    for chunk in chunked(data, cuts):
        for f in scanner.feed(chunk):
            assert frame.encode(f.payload) in data  # nothing invented, nothing half-checked
    assert scanner.pending <= len(data)


@FUZZ
@given(junk=st.binary(max_size=200).filter(lambda j: frame.PREAMBLE[:3] not in j),
       cuts=st.lists(st.integers(0, 300), max_size=6))
def test_scanner_recovers_a_frame_after_junk(junk: bytes, cuts: list[int]) -> None:
    wire = frame.encode(b"\x00\x00\x9f" + bytes(4))
    scanner = frame.FrameScanner()
    got = [f.payload for chunk in chunked(junk + wire, cuts) for f in scanner.feed(chunk)]
    assert got == [b"\x00\x00\x9f" + bytes(4)]


CALLS = [
    ("find", lambda c: c.find()), ("select", lambda c: c.select()), ("read", lambda c: c.read_text_photo()),
    ("read_fp", lambda c: c.read_text_photo_fingerprint()), ("address", lambda c: c.read_new_address()),
    ("status", lambda c: c.sam_status()), ("sam_id", lambda c: c.sam_id()),
]


@settings(FUZZ, max_examples=60)  # many examples end at a deadline
@given(answers=st.lists(st.one_of(st.binary(max_size=300), _mangled_frames()), min_size=0, max_size=4),
       cuts=st.lists(st.integers(0, 300), max_size=4), which=st.integers(0, len(CALLS) - 1))
def test_every_command_on_a_garbled_line(answers: list[bytes], cuts: list[int], which: int) -> None:
    client = SamClient(scripted_link([chunked(a, cuts) for a in answers]), TIMEOUTS)
    start = time.monotonic()
    with contextlib.suppress(DeviceError):
        CALLS[which][1](client)
    # one deadline per attempt, at most 1 + resends attempts (+ a drain when dirty)
    assert time.monotonic() - start < (DEADLINE + 0.01) * (2 + client.link.resends) + 1.0


@FUZZ
@given(block=st.binary(min_size=256, max_size=256), mark=st.sampled_from([None, *MARKS.values()]))
def test_text_block_parse_and_validate(block: bytes, mark: str | None) -> None:
    if mark is not None:
        block = block[:248] + mark.encode("utf-16-le") + block[250:]
    try:
        fields = text_block.parse(block)
        validation.validate(fields, TODAY)
    except DeviceError:
        pass


@FUZZ
@given(data=st.binary(max_size=3000), fingerprints=st.booleans())
def test_split_record(data: bytes, fingerprints: bool) -> None:
    try:
        record = sam_client.split_record(data, fingerprints)
        assert len(record.text) == 256
    except DeviceError:
        pass


def _reader_for(read_reply: bytes) -> ResidentIdReader:
    found = frame.encode(b"\x00\x00\x9f" + bytes(4))
    selected = frame.encode(b"\x00\x00\x90" + bytes(8))
    answers = [[found], [selected], [read_reply], [frame.encode(b"\x00\x00\x91")]]
    return ResidentIdReader(scripted_link(answers), decoder=NotWltTestCodec(), timeouts=TIMEOUTS,
                            today=lambda: TODAY)


@FUZZ
@given(text=st.binary(min_size=256, max_size=256), photo=st.binary(min_size=0, max_size=1024),
       keep_real_text=st.booleans(), flip=st.integers(0, 1300))
def test_reader_read_with_fuzzed_card_data(text: bytes, photo: bytes, keep_real_text: bool, flip: int) -> None:
    """Well-framed read replies with arbitrary content: parse, checks and photo decoding only
    ever end in an identity or a typed error."""
    card = cards.make("resident", TODAY)
    if keep_real_text:
        data = bytearray(record_data(card, fingerprints=False))
        data[flip % len(data)] ^= 0x41
    else:
        data = bytearray(len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo)
    reader = _reader_for(frame.encode(b"\x00\x00\x90" + bytes(data)))
    try:
        assert reader.wait_for_card(0) is not None
        ident = reader.read()
        assert ident.photo.usable
    except DeviceError:
        pass


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(wire=st.one_of(st.binary(min_size=1, max_size=200), _mangled_frames()))
def test_garbled_replies_through_the_pty(sim, wire: bytes) -> None:
    """The same through pyserial and a real pty (few examples: each costs a deadline)."""
    reader = make_reader(sim.path, timeouts=Timeouts(sam_s=0.05, card_s=0.05, read_s=0.05))
    try:
        sim.faults.raw_wire = [wire]
        with contextlib.suppress(DeviceError):
            reader.wait_for_card(0.05)
        sim.faults.raw_wire = []
        assert reader.check().sam_id  # and the line is usable again afterwards
    finally:
        reader.close()


@pytest.mark.parametrize("command", commands.ALL, ids=lambda c: c.name)
def test_silence_is_a_no_reply_error_after_one_deadline(command: commands.Command) -> None:
    client = SamClient(scripted_link([]), TIMEOUTS)
    start = time.monotonic()
    with pytest.raises(DeviceError) as caught:
        client.call(command)
    assert caught.value.code == "resident_no_reply"
    assert time.monotonic() - start < DEADLINE + 0.2
