"""The simulator's own photo codec. It is NOT WLT and cannot read a real card's photo.

WLT can only be decoded by the reader vendors' licensed libraries, so simulated cards carry a
photo in this project's own 1024-byte container instead, and tests decode it with this codec
in place of the vendor library:

    b"NOT-WLT\\x02" | payload length (2 bytes, big-endian) | payload | zero padding to 1024

The payload is a 102 x 126 colour WebP at the highest quality that fits. WebP rather than JPEG:
at 1 KB a JPEG of a face is blocks (quality ~10) and the face check no longer recognises the
person (embedding distance 0.48 from the full-size portrait for the demo applicant, against a
threshold of 0.42), while a WebP of the same size keeps it (0.28), which is closer to what a
vendor decoder makes of a real card's wavelet-coded photo. ``decode`` gives the same
102 x 126 BMP the vendor decoders give, so everything after decoding (face enrolment) runs as
in production. Round trip: ``decode(encode(img))`` is the WebP-decoded image, byte for byte
the same on every call; the container itself is lossless.
"""

from __future__ import annotations

import numpy as np

from drivers.residentid.photo import HEIGHT, WIDTH, PhotoDecodeError, bmp_from_pixels

MAGIC = b"NOT-WLT\x02"
SIZE = 1024
_ROOM = SIZE - len(MAGIC) - 2


class NotWltTestCodec:
    name = "not-wlt-test-codec"

    def encode(self, image: np.ndarray) -> bytes:
        """Any greyscale or BGR image -> a 1024-byte container."""
        import cv2

        bgr = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image
        bgr = cv2.resize(bgr, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
        for quality in range(95, 0, -5):
            ok, webp = cv2.imencode(".webp", bgr, [cv2.IMWRITE_WEBP_QUALITY, quality])
            if ok and len(webp) <= _ROOM:
                return self.wrap(webp.tobytes())
        raise ValueError("image does not fit 1024 bytes even at the lowest quality")

    @staticmethod
    def wrap(payload: bytes) -> bytes:
        if len(payload) > _ROOM:
            raise ValueError(f"payload of {len(payload)} bytes exceeds {_ROOM}")
        return (MAGIC + len(payload).to_bytes(2, "big") + payload).ljust(SIZE, b"\x00")

    @staticmethod
    def unwrap(data: bytes) -> bytes:
        if len(data) != SIZE or not data.startswith(MAGIC):
            raise PhotoDecodeError("not a NOT-WLT test container (a real card's WLT photo?)")
        size = int.from_bytes(data[len(MAGIC):len(MAGIC) + 2], "big")
        if size > _ROOM:
            raise PhotoDecodeError("NOT-WLT container length out of range")
        return data[len(MAGIC) + 2:len(MAGIC) + 2 + size]

    def decode(self, wlt: bytes) -> bytes:
        import cv2

        payload = self.unwrap(bytes(wlt))
        bgr = cv2.imdecode(np.frombuffer(payload, np.uint8), cv2.IMREAD_COLOR) if payload else None
        if bgr is None or bgr.shape != (HEIGHT, WIDTH, 3):
            raise PhotoDecodeError("NOT-WLT payload is not a 102x126 WebP image")
        return bmp_from_pixels(np.ascontiguousarray(bgr).tobytes(), order="bgr")


def placeholder_portrait(seed: int = 0) -> np.ndarray:
    """A synthetic 102 x 126 head-and-shoulders shape (no real face): deterministic test pixels."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    head = ((x - WIDTH / 2) / 30) ** 2 + ((y - 50) / 38) ** 2 <= 1
    body = (y > 92) & (np.abs(x - WIDTH / 2) < 20 + (y - 92))
    image = np.full((HEIGHT, WIDTH), 225, np.uint8)
    image[body] = 70
    image[head] = 160 + (seed * 13) % 60
    return image
