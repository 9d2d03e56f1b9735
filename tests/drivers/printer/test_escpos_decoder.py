"""The in-project ESC/POS decoder: pixel-exact images, text, feeds, cuts, broken streams."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from printer_testutil import random_image

from drivers.printer.decoder import EscposDecodeError, EscposDecoder, decode, preview
from kiosk.printing.raster import encode_raster

SYSTEM_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and np.array_equal(np.asarray(a), np.asarray(b))


def escpos_dummy():  # python-escpos's own encoder, as an independent peer
    from drivers.printer.escpos_import import load_escpos

    load_escpos()
    from escpos.printer import Dummy

    return Dummy()


@settings(max_examples=40, deadline=None)
@given(
    w8=st.integers(1, 72),
    h=st.integers(1, 700),
    seed=st.integers(0, 2**16),
    density=st.floats(0, 1),
)
def test_decode_encode_is_identity(w8: int, h: int, seed: int, density: float) -> None:
    img = random_image(w8 * 8, h, seed, density)
    pieces = decode(encode_raster(img), width_dots=w8 * 8)
    assert len(pieces) == 1 and pieces[0].cut == "none"
    assert same(pieces[0].image, img)


@settings(max_examples=30, deadline=None)
@given(cuts=st.lists(st.integers(0, 30000), max_size=12), seed=st.integers(0, 1000))
def test_any_split_of_the_stream_decodes_the_same(cuts: list[int], seed: int) -> None:
    img = random_image(576, 300, seed)
    data = encode_raster(img) + b"\x1bJ\x10\x1dV\x41\x10"
    dec = EscposDecoder(576)
    last = 0
    for c in [*sorted(c % len(data) for c in cuts), len(data)]:
        dec.feed(data[last:c])
        last = c
    pieces = dec.finish()
    assert len(pieces) == 1 and pieces[0].cut == "full"
    assert pieces[0].image.height == 300 + 16 + 16
    assert same(pieces[0].image.crop((0, 0, 576, 300)), img)


def test_slices_of_at_most_256_rows() -> None:
    img = random_image(576, 1000, 3)
    data = encode_raster(img)
    # 4 headers: 256 + 256 + 256 + 232 rows
    assert data.count(b"\x1dv0\x00") == 4
    assert len(data) == 4 * 8 + 72 * 1000


def test_narrow_image_is_placed_left_and_justified_centre() -> None:
    img = random_image(200, 50, 1)
    left = decode(encode_raster(img))[0].image
    assert left.size == (576, 50)
    assert same(left.crop((0, 0, 200, 50)), img)
    centred = decode(b"\x1ba\x01" + encode_raster(img))[0].image
    x = (576 - 200) // 2
    assert same(centred.crop((x, 0, x + 200, 50)), img)


def test_python_escpos_raster_and_column_output_decode_to_the_image() -> None:
    img = random_image(576, 120, 9)
    for impl in ("bitImageRaster", "bitImageColumn"):
        d = escpos_dummy()
        d.image(img, impl=impl)
        piece = decode(d.output)[0].image
        assert same(piece.crop((0, 0, 576, 120)), img), impl
        assert not np.asarray(piece)[120:].size or np.asarray(piece)[120:].all()


def test_graphics_command_small_image() -> None:
    img = random_image(576, 100, 5)
    d = escpos_dummy()
    d.image(img, impl="graphics")
    assert same(decode(d.output)[0].image, img)


def test_python_escpos_graphics_length_bug_is_detected() -> None:
    """3.1 announces len % 65536 for GS ( L: a 576x960 fragment claims 3,594 bytes."""
    img = random_image(576, 960, 6)
    d = escpos_dummy()
    d.image(img, impl="graphics")
    assert d.output[3:5] == (3594).to_bytes(2, "little")
    with pytest.raises(EscposDecodeError):
        decode(d.output)


def test_column_mode_8_dot_bands_scale_up() -> None:
    # ESC * 1 (8-dot double density): one column byte 0x80 = top dot, three rows tall
    pieces = decode(b"\x1b3\x18\x1b*\x01\x01\x00\x80\n")
    a = ~np.asarray(pieces[0].image)
    assert a[0:3, 0].all() and not a[3:, 0].any() and pieces[0].image.height == 24


def test_feeds_and_cuts_make_pieces() -> None:
    img = random_image(576, 10, 2)
    raster = encode_raster(img)
    data = b"\x1b@" + raster + b"\x1bJ\x14" + b"\x1dV\x00" + raster + b"\x1bd\x02\x1dV\x01"
    pieces = decode(data)
    assert [p.cut for p in pieces] == ["full", "partial"]
    assert pieces[0].image.height == 10 + 20
    assert pieces[1].image.height == 10 + 2 * 30  # ESC d: lines of the default 30-dot spacing


def test_text_with_gb18030_and_extension_b() -> None:
    text = "名称：𠮷䶮小吃店 ABC"
    data = b"\x1b@\x1c&" + text.encode("gb18030") + b"\n\x1c.plain\n\x1dV\x00"
    font = SYSTEM_CJK if SYSTEM_CJK.exists() else None
    pieces = decode(data, font_path=font, font_index=2)
    assert pieces[0].text == [text, "plain"]
    assert len("𠮷".encode("gb18030")) == 4  # the 4-byte form went through
    if SYSTEM_CJK.exists():
        assert not np.asarray(pieces[0].image)[:30].all()  # dots were burnt for the text


def test_gb18030_split_across_feeds() -> None:
    dec = EscposDecoder(576)
    raw = b"\x1c&" + "𠮷".encode("gb18030") + b"\n"
    for k in range(len(raw)):
        dec.feed(raw[k : k + 1])
    dec.finish()
    assert dec.text == ["𠮷"]


def test_realtime_status_query_reported_mid_stream() -> None:
    seen: list[tuple[str, int]] = []
    dec = EscposDecoder(576, on_realtime=lambda c, n: seen.append((c, n)))
    dec.feed(encode_raster(random_image(576, 5)) + b"\x10\x04\x01\x10\x04\x04")
    assert seen == [("status", 1), ("status", 4)]


@pytest.mark.parametrize("data", [b"\x1b\xee", b"\x1d\xee", b"\x1c\xee", b"\x07", b"\x1bv"])
def test_strict_mode_rejects_unknown_commands(data: bytes) -> None:
    with pytest.raises(EscposDecodeError, match="offset 0"):
        decode(data)


def test_truncated_stream_is_an_error() -> None:
    data = encode_raster(random_image(576, 40))
    with pytest.raises(EscposDecodeError, match="ends inside a command"):
        decode(data[:-1])


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_never_crashes_in_lenient_mode(data: bytes) -> None:
    dec = EscposDecoder(576, strict=False)
    dec.feed(data)
    dec.finish()  # garbage in: skipped bytes, never an exception other than our own


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_strict_mode_raises_only_decode_errors(data: bytes) -> None:
    with contextlib.suppress(EscposDecodeError):
        decode(data)


def test_preview_marks_cuts() -> None:
    img = random_image(576, 20, 4)
    pieces = decode(encode_raster(img) + b"\x1dV\x00" + encode_raster(img) + b"\x1dV\x00")
    pv = preview(pieces)
    assert pv.height == 20 + 9 + 20
    buf = io.BytesIO()
    pv.save(buf, "PNG")
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


def test_decoding_is_fast() -> None:
    import time

    data = encode_raster(random_image(576, 1200, 7))
    t = time.thread_time()  # this thread's CPU time: other processes on the core do not count
    decode(data)
    assert time.thread_time() - t < (0.5 if os.environ.get("CI") else 0.2)


def test_process_id_request_is_reported_in_order() -> None:
    from drivers.printer.commands import process_id

    seen: list[tuple[int, bytes]] = []
    dec = EscposDecoder(576)
    dec.on_process_id = lambda pid: seen.append((dec.rows_printed, pid))
    dec.feed(encode_raster(random_image(576, 30)) + process_id(b"0042"))
    assert seen == [(30, b"0042")]  # after the rows before it were on paper
    with pytest.raises(ValueError):
        process_id(b"\x00abc")
