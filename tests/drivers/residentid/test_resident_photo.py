"""Photo decoding: BMP building, the NOT-WLT test codec, outcomes, and the vendor ctypes adapter."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from drivers.residentid import photo
from drivers.residentid.errors import ResidentDecoderMissing
from drivers.residentid.photo import PhotoDecodeError
from drivers.residentid.sim.not_wlt_codec import MAGIC, NotWltTestCodec, placeholder_portrait
from drivers.residentid.wlt_vendor import VendorWltDecoder


def pixels_of(bmp: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(bmp, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def gradient() -> np.ndarray:
    """Top-down BGR test pixels with distinct channels."""
    y, x = np.mgrid[0:photo.HEIGHT, 0:photo.WIDTH]
    return np.stack([x * 2, y * 2, np.full_like(x, 200)], axis=2).astype(np.uint8)


def test_bmp_layout_and_channel_order() -> None:
    src = gradient()
    bmp = photo.bmp_from_pixels(src.tobytes(), order="bgr")
    assert len(bmp) == 38862 == 14 + 40 + 308 * 126  # the size vendor decoders produce
    assert np.array_equal(pixels_of(bmp), src)
    rgb = photo.bmp_from_pixels(src[:, :, ::-1].tobytes(), order="rgb")
    assert rgb == bmp
    with pytest.raises(PhotoDecodeError):
        photo.bmp_from_pixels(b"\x00" * 10)


def test_not_wlt_codec_round_trip() -> None:
    codec = NotWltTestCodec()
    src = placeholder_portrait(3)
    wlt = codec.encode(src)
    assert len(wlt) == 1024 and wlt.startswith(MAGIC)
    out = pixels_of(codec.decode(wlt))
    assert out.shape == (126, 102, 3)
    assert np.abs(out[:, :, 0].astype(int) - src.astype(int)).mean() < 3  # WebP inside: near, not exact
    assert codec.decode(wlt) == codec.decode(wlt)
    assert codec.unwrap(codec.wrap(b"payload")) == b"payload"  # the container itself is lossless


def test_not_wlt_codec_refuses_anything_else() -> None:
    codec = NotWltTestCodec()
    with pytest.raises(PhotoDecodeError):
        codec.decode(bytes(1024))  # e.g. a real WLT photo
    with pytest.raises(PhotoDecodeError):
        codec.decode(MAGIC + b"\xff\xff" + bytes(1014))


def test_outcomes() -> None:
    wlt = NotWltTestCodec().encode(placeholder_portrait())
    none = photo.decode_photo(photo.NoPhotoDecoder(), wlt)
    assert (none.status, none.usable, bytes(none.image)) == ("no_decoder", False, b"")
    failed = photo.decode_photo(NotWltTestCodec(), bytes(1024))
    assert failed.status == "decode_failed" and not failed.usable
    assert photo.decode_photo(NotWltTestCodec(), b"").status == "decode_failed"
    ok = photo.decode_photo(NotWltTestCodec(), wlt)
    assert ok.status == "decoded" and ok.usable and ok.image[:2] == b"BM"


def test_vendor_decoder_missing_library(tmp_path: Path) -> None:
    with pytest.raises(ResidentDecoderMissing) as caught:
        VendorWltDecoder(str(tmp_path / "libwlt2bmp.so"))
    assert caught.value.code == "resident_decoder_missing" and caught.value.fault
    not_a_library = tmp_path / "libfake.so"
    not_a_library.write_bytes(b"not an ELF file")
    with pytest.raises(ResidentDecoderMissing, match="cannot be loaded"):
        VendorWltDecoder(str(not_a_library))
    with pytest.raises(ResidentDecoderMissing, match="empty"):
        VendorWltDecoder("")


# A stand-in with the vendor ABI ``int fn(const char *in, char *out, int arg)``: it writes a
# gradient (so the adapter's pixel handling is checked), or a whole BMP, and fails for arg 0.
FAKE_VENDOR_C = r"""
#include <string.h>
int unpack(const char *in, char *out, int arg) {
    if (arg == 0 || in[0] != 'W') return -3;
    for (int y = 0; y < 126; y++) for (int x = 0; x < 102; x++) {
        char *p = out + (y * 102 + x) * 3;
        p[0] = (char)(x * 2); p[1] = (char)(y * 2); p[2] = (char)200;
    }
    return 1;
}
int unpack_bmp(const char *in, char *out, int arg) {
    static const unsigned char head[2] = {'B', 'M'};
    memcpy(out, head, 2);
    out[2] = (char)0xce; out[3] = (char)0x97; out[4] = 0; out[5] = 0;  /* 38862 */
    return unpack(in, out + 54, arg) == 1 ? 0 : -1;
}
"""


@pytest.fixture(scope="module")
def fake_vendor_library(tmp_path_factory: pytest.TempPathFactory) -> str:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the stand-in vendor library")
    d = tmp_path_factory.mktemp("wlt")
    (d / "fake.c").write_text(FAKE_VENDOR_C)
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(d / "libfakewlt.so"), str(d / "fake.c")], check=True)
    return str(d / "libfakewlt.so")


def test_vendor_decoder_through_ctypes(fake_vendor_library: str) -> None:
    wlt = b"W" + bytes(1023)
    bgr = VendorWltDecoder(fake_vendor_library, "unpack", arg=1, output="bgr")
    assert np.array_equal(pixels_of(bgr.decode(wlt)), gradient())
    rgb = VendorWltDecoder(fake_vendor_library, "unpack", output="rgb")
    assert np.array_equal(pixels_of(rgb.decode(wlt)), gradient()[:, :, ::-1])
    with pytest.raises(PhotoDecodeError, match="returned -3"):
        VendorWltDecoder(fake_vendor_library, "unpack", arg=0).decode(wlt)
    outcome = photo.decode_photo(bgr, b"X" + bytes(1023))
    assert outcome.status == "decode_failed" and "returned -3" in outcome.detail


def test_vendor_decoder_bmp_output_and_success_value(fake_vendor_library: str) -> None:
    dec = VendorWltDecoder(fake_vendor_library, "unpack_bmp", success=0, output="bmp")
    out = dec.decode(b"W" + bytes(1023))
    assert len(out) == 38862 and out[:2] == b"BM"
    with pytest.raises(PhotoDecodeError, match="not a BMP"):
        VendorWltDecoder(fake_vendor_library, "unpack", output="bmp").decode(b"W" + bytes(1023))


def test_vendor_decoder_missing_function(fake_vendor_library: str) -> None:
    with pytest.raises(ResidentDecoderMissing, match="no function 'Unpack'"):
        VendorWltDecoder(fake_vendor_library, "Unpack")
