"""IPP encoding (RFC 8010): what the driver sends decodes to the same attributes, and a broken
answer is a typed decode error, never an IndexError."""

from __future__ import annotations

import struct

import pytest

from drivers.sheetprinter import ipp


def test_a_request_round_trips_with_its_document() -> None:
    msg = ipp.request(ipp.PRINT_JOB, "ipp://localhost:631/printers/licence", user="kiosk", request_id=7)
    msg.add(ipp.NAME, ipp.OPERATION, "job-name", "kiosk-0123")
    msg.add(ipp.KEYWORD, ipp.OPERATION, "requested-attributes", "printer-state", "printer-state-reasons")
    msg.add(ipp.INTEGER, ipp.JOB, "copies", 1)
    msg.add(ipp.BOOLEAN, ipp.JOB, "flag", True)
    msg.add(ipp.RANGE, ipp.JOB, "range", (1, 5))
    msg.add(ipp.BEG_COLLECTION, ipp.JOB, "media-col", {"media-size-name": (ipp.KEYWORD, "iso_a4_210x297mm")})
    msg.data = b"%PDF-1.4"
    back = ipp.decode(ipp.encode(msg))
    assert (back.code, back.request_id, back.version, back.data) == (ipp.PRINT_JOB, 7, (1, 1), b"%PDF-1.4")
    op = back.first(ipp.OPERATION)
    assert op["job-name"] == "kiosk-0123" and op["requesting-user-name"] == "kiosk"
    assert back.values(ipp.OPERATION, "requested-attributes") == ["printer-state", "printer-state-reasons"]
    assert back.first(ipp.JOB) == {"copies": 1, "flag": True, "range": (1, 5),
                                   "media-col": {"media-size-name": "iso_a4_210x297mm"}}


def test_text_with_language_is_read() -> None:
    raw = struct.pack(">H", 5) + b"zh-cn" + struct.pack(">H", 6) + "卡纸".encode()
    body = (struct.pack(">BBHI", 1, 1, 0, 1) + b"\x04" + struct.pack(">BH", ipp.TEXT_LANG, 21)
            + b"printer-state-message" + struct.pack(">H", len(raw)) + raw + b"\x03")
    assert ipp.decode(body).first(ipp.PRINTER) == {"printer-state-message": "卡纸"}


@pytest.mark.parametrize("data", [b"", b"\x01\x01\x00", b"\x01\x01\x00\x00\x00\x00\x00\x01\x04\x21\x00\x09ab",
                                  b"\x01\x01\x00\x00\x00\x00\x00\x01\x21\x00\x01a\x00\x04\x00\x00\x00\x01\x03",
                                  b"\x01\x01\x00\x00\x00\x00\x00\x01\x04\x21\x00\x01a\x00\x02\x00\x00\x03"])
def test_broken_messages_are_decode_errors(data: bytes) -> None:
    with pytest.raises(ipp.IppDecodeError):
        ipp.decode(data)
