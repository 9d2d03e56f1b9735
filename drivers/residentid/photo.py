"""Turning the card's 1024-byte WLT photo into an image the face check can use.

WLT is a proprietary compressed format: only the reader vendors' licensed libraries decode it
(to 102 x 126 pixels, 24-bit). The driver therefore depends on a ``PhotoDecoder``:

* ``VendorWltDecoder`` (``wlt_vendor.py``) loads the vendor's library through ctypes;
* ``NoPhotoDecoder`` is what runs when none is configured: every photo is ``no_decoder``;
* the simulator has its own test codec (``sim/not_wlt_codec.py``), which is NOT WLT.

The outcome is explicit (``PhotoOutcome.status``): a photo that could not be decoded is never
an empty image that a later step might wave through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

WIDTH = 102
HEIGHT = 126

DECODED = "decoded"
NO_DECODER = "no_decoder"
DECODE_FAILED = "decode_failed"


class PhotoDecodeError(Exception):
    """Raised by a decoder for bytes it cannot decode (not a DeviceError: it never leaves the
    driver; the reader turns it into a ``decode_failed`` outcome)."""


class PhotoDecoder(Protocol):
    name: str

    def decode(self, wlt: bytes) -> bytes:
        """The photo as a BMP file (bytes). Raises PhotoDecodeError."""
        ...


@dataclass(eq=False)
class PhotoOutcome:
    status: str  # DECODED | NO_DECODER | DECODE_FAILED
    image: bytearray = field(default_factory=bytearray)  # BMP bytes when decoded
    decoder: str = ""
    detail: str = ""  # for technicians, no personal data

    def __repr__(self) -> str:
        return f"PhotoOutcome({self.status}, {len(self.image)} bytes, decoder={self.decoder!r})"

    @property
    def usable(self) -> bool:
        return self.status == DECODED and bool(self.image)


class NoPhotoDecoder:
    name = "none"

    def decode(self, wlt: bytes) -> bytes:
        raise PhotoDecodeError("no photo decoder configured")


def decode_photo(decoder: PhotoDecoder, wlt: bytes) -> PhotoOutcome:
    if isinstance(decoder, NoPhotoDecoder):
        return PhotoOutcome(NO_DECODER, decoder=decoder.name, detail="no photo decoder configured")
    if not wlt:
        return PhotoOutcome(DECODE_FAILED, decoder=decoder.name, detail="the card returned no photo")
    try:
        image = decoder.decode(bytes(wlt))
    except PhotoDecodeError as exc:
        return PhotoOutcome(DECODE_FAILED, decoder=decoder.name, detail=str(exc))
    return PhotoOutcome(DECODED, bytearray(image), decoder=decoder.name)


def bmp_from_pixels(pixels: bytes, width: int = WIDTH, height: int = HEIGHT, order: str = "bgr") -> bytes:
    """A 24-bit BMP file from top-down rows of packed pixels (``order`` "bgr" or "rgb").

    BMP stores rows bottom-up, BGR, each padded to 4 bytes (102 px: 306 -> 308 bytes).
    """
    if len(pixels) != width * height * 3:
        raise PhotoDecodeError(f"{len(pixels)} pixel bytes for {width}x{height}")
    row = width * 3
    pad = (-row) % 4
    rows = []
    for y in range(height - 1, -1, -1):
        line = pixels[y * row:(y + 1) * row]
        if order == "rgb":
            swapped = bytearray(line)
            swapped[0::3], swapped[2::3] = line[2::3], line[0::3]
            line = bytes(swapped)
        rows.append(line + bytes(pad))
    image = b"".join(rows)
    header = (b"BM" + (54 + len(image)).to_bytes(4, "little") + bytes(4) + (54).to_bytes(4, "little")
              + (40).to_bytes(4, "little") + width.to_bytes(4, "little") + height.to_bytes(4, "little")
              + (1).to_bytes(2, "little") + (24).to_bytes(2, "little") + bytes(4)
              + len(image).to_bytes(4, "little") + bytes(16))
    return header + image
