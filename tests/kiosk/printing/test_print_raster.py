"""Encoding: GS v 0 slices, whole jobs, and the decode(encode(licence)) round trip with its QR."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from printing_testutil import PAYLOAD, make_licence, make_referral

from drivers.printer.decoder import decode
from drivers.printer.profiles import get_profile
from kiosk.printing.layout import render_licence, render_referral
from kiosk.printing.raster import MAX_SLICE_ROWS, build_job, encode_raster


def headers(data: bytes) -> list[tuple[int, int]]:
    out, i = [], 0
    while True:
        i = data.find(b"\x1dv0\x00", i)
        if i < 0:
            return out
        xb = data[i + 4] | data[i + 5] << 8
        y = data[i + 6] | data[i + 7] << 8
        out.append((xb, y))
        i += 8 + xb * y


def test_slices_never_exceed_256_rows() -> None:
    img = render_licence(make_licence())
    hs = headers(encode_raster(img))
    assert all(y <= MAX_SLICE_ROWS for _, y in hs)
    assert sum(y for _, y in hs) == img.height and {xb for xb, _ in hs} == {72}


def test_bytes_within_one_percent_of_the_raw_raster() -> None:
    img = render_licence(make_licence())
    raw = img.width // 8 * img.height
    job = build_job(img, get_profile("tm-t20"))
    assert len(job) <= raw * 1.01


@pytest.mark.parametrize("profile", ["tm-t20", "tm-t88"])
def test_licence_round_trip_is_pixel_exact_and_scannable(profile: str) -> None:
    prof = get_profile(profile)
    img = render_licence(make_licence(), prof.width_dots)
    pieces = decode(build_job(img, prof), prof.width_dots)
    assert [p.cut for p in pieces] == ["full"]
    paper = pieces[0].image
    assert paper.height == img.height + prof.feed_before_cut_dots
    assert np.array_equal(np.asarray(paper)[: img.height], np.asarray(img))
    assert np.asarray(paper)[img.height :].all()  # only blank feed after the image
    codes = zxingcpp.read_barcodes(paper.convert("L"))
    assert [c.text for c in codes] == [PAYLOAD]


def test_referral_round_trip() -> None:
    img = render_referral(make_referral())
    paper = decode(build_job(img, get_profile("tm-t20")))[0].image
    assert np.array_equal(np.asarray(paper)[: img.height], np.asarray(img))


def test_job_structure_and_presenter() -> None:
    img = Image.new("1", (576, 10), 1)
    prof = get_profile("tm-t20", presenter_hex="1b 40 1d 65 05")
    job = build_job(img, prof)
    assert job.startswith(b"\x1b@\x1dv0\x00")
    assert job.endswith(b"\x1dV\x41" + bytes((prof.feed_before_cut_dots,)) + b"\x1b@\x1de\x05")


def test_refuses_wrong_images() -> None:
    with pytest.raises(ValueError, match="1-bit"):
        encode_raster(Image.new("L", (576, 10)))
    with pytest.raises(ValueError, match="wide"):
        build_job(Image.new("1", (640, 10)), get_profile("tm-t20"))
    with pytest.raises(ValueError):
        encode_raster(Image.new("1", (8, 8)), slice_rows=257)


def test_odd_width_is_padded_to_whole_bytes() -> None:
    img = Image.new("1", (13, 3), 0)  # all black
    data = encode_raster(img)
    assert data[8:10] == b"\xff\xf8"
