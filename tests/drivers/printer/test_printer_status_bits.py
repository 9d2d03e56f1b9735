"""DLE EOT reply parsing against the bit layouts of the Epson reference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import (
    PrinterCoverOpen,
    PrinterCutterError,
    PrinterOffline,
    PrinterPaperOut,
    PrinterStatusGarbled,
)
from drivers.printer.base import PrinterStatus
from drivers.printer.status import RawStatus, check_reply, encode_reply, raise_for_status

IDLE = 0x12  # bits 1 and 4 fixed on, everything else off


def test_idle_printer_is_ready() -> None:
    st_ = RawStatus(IDLE, IDLE, IDLE, IDLE).to_status()
    assert st_ == PrinterStatus(True, True, False, False, False)
    assert st_.ready
    raise_for_status(st_)  # no fault


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (RawStatus(IDLE | 0x08, IDLE, IDLE, IDLE), "offline"),
        (RawStatus(IDLE | 0x08, IDLE | 0x04, IDLE, IDLE), "cover"),
        (RawStatus(IDLE | 0x08, IDLE | 0x20, IDLE, IDLE | 0x6C), "paper"),
        (RawStatus(IDLE | 0x08, IDLE | 0x40, IDLE | 0x08, IDLE), "cutter"),
    ],
)
def test_documented_bits(raw: RawStatus, field: str) -> None:
    s = raw.to_status()
    assert not s.ready
    assert s.online is False
    assert s.cover_open is (field == "cover")
    assert s.paper_present is (field != "paper")
    assert s.cutter_error is (field == "cutter")


def test_near_end_is_not_a_fault() -> None:
    s = RawStatus(IDLE, IDLE, IDLE, IDLE | 0x0C).to_status()
    assert s.paper_near_end and s.paper_present and s.ready
    raise_for_status(s)


def test_paper_end_from_either_sensor_bit() -> None:
    # some models set only bit 5 of n=4, others only bit 5 of n=2
    assert not RawStatus(IDLE, IDLE, IDLE, IDLE | 0x20).to_status().paper_present
    assert not RawStatus(IDLE, IDLE | 0x20, IDLE, IDLE).to_status().paper_present


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (PrinterStatus(False, True, False, True, False), PrinterCoverOpen),
        (PrinterStatus(False, False, True, False, False), PrinterPaperOut),
        (PrinterStatus(False, True, False, False, True), PrinterCutterError),
        (PrinterStatus(False, True, False, False, False), PrinterOffline),
    ],
)
def test_raise_for_status(status: PrinterStatus, error: type[Exception]) -> None:
    with pytest.raises(error):
        raise_for_status(status)


@pytest.mark.parametrize("reply", [b"", b"\x12\x12", b"\x00", b"\xff", b"\x13", b"\x92"])
def test_garbage_is_rejected(reply: bytes) -> None:
    with pytest.raises(PrinterStatusGarbled):
        check_reply(1, reply)


@given(
    offline=st.booleans(),
    cover=st.booleans(),
    paper_out=st.booleans(),
    near=st.booleans(),
    cutter=st.booleans(),
)
def test_encode_parse_roundtrip(offline: bool, cover: bool, paper_out: bool, near: bool, cutter: bool) -> None:
    kw = dict(offline=offline, cover_open=cover, paper_out=paper_out, near_end=near,
              cutter_error=cutter)  # fmt: skip
    raw = RawStatus(*(check_reply(n, encode_reply(n, **kw)) for n in (1, 2, 3, 4)))
    s = raw.to_status()
    assert s.online is not (offline or cover or paper_out or cutter)
    assert s.cover_open is cover
    assert s.paper_present is not paper_out
    assert s.paper_near_end is (near or paper_out)
    assert s.cutter_error is cutter


@given(st.integers(0, 255))
def test_any_byte_parses_or_is_garbled(b: int) -> None:
    if b & 0x93 == 0x12:
        assert check_reply(2, bytes((b,))) == b
    else:
        with pytest.raises(PrinterStatusGarbled):
            check_reply(2, bytes((b,)))
