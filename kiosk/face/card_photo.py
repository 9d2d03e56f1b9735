"""The resident ID card's photo: made ready for the matcher, and simulated from a full-size
portrait for calibration.

A resident card (居民身份证 and the cards read the same way) stores a 102 x 126 colour photo
in 1024 bytes of WLT, a proprietary codec only the reader vendors' libraries decode, so the
matcher's threshold for such references cannot be calibrated on real card photos here. This
module makes the nearest reproducible stand-in from a calibration portrait, deterministically:

1. framing as GA 461-2004 prescribes for the card photo (358 x 441 px: face width 207 px,
   centred; eyes at least 207 px above the bottom edge), scaled to the chip's 102 x 126
   (face ~59 px wide, outer eye corners ~35 px apart), area-averaged;
2. compression to the chip's budget of 1024 bytes, i.e. 0.64 bit per pixel for colour:
   - ``j2k``: a colour JPEG 2000 codestream (OpenJPEG through Pillow: 9/7 wavelet, YCbCr),
     at the lowest compression ratio that fits. A wavelet codec at the same bit rate blurs and
     rings like the decoded card photos do: the closest stand-in for WLT;
   - ``jpeg``: a colour baseline JPEG at the highest quality that fits (about 20-35 here):
     8x8 blocks and smeared colour, the harsh case;
   - ``sim``: the reader simulator's own test container (``drivers.residentid.sim.not_wlt_codec``),
     whatever it carries: what the demo's simulated reader hands the kiosk.

The result is what a vendor decoder returns: a 102 x 126, 24-bit BGR image.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from drivers.residentid.photo import HEIGHT, WIDTH
from kiosk.face.landmarks import FaceObservation

BUDGET_BYTES = 1024
CODECS = ("j2k", "jpeg", "sim")

# GA 461-2004 geometry on the 358 x 441 master, as fractions so that they hold at 102 x 126.
_FACE_WIDTH = 207 / 358  # face width / photo width
_EYES_FROM_TOP = (441 - 217) / 441  # eye line; the standard asks >= 207 px from the bottom
# FaceMesh points at the face outline level with the ears (the standard's face width).
_FACE_LEFT, _FACE_RIGHT = 234, 454
_EYES = (33, 133, 362, 263)


UPSCALE = 4  # the small photo is enlarged before landmarks and alignment (see prepare)


def prepare(card_bgr: np.ndarray) -> np.ndarray:
    """The decoded card photo, enlarged (bicubic) before FaceMesh and dlib's alignment see it.
    Both would otherwise enlarge the ~59 px face themselves with bilinear sampling. Measured
    (config/face-card-photo-report.md, row "not enlarged"): no material difference in the
    distances; kept so that the alignment always samples a smooth image."""
    return cv2.resize(card_bgr, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_CUBIC)


def frame(image_bgr: np.ndarray, face: FaceObservation, size: tuple[int, int] = (WIDTH, HEIGHT)) -> np.ndarray:
    """The card photo's framing of ``face``: face width and eye line as on a card, area-averaged
    down to ``size`` (width, height). Borders beyond the portrait repeat its edge pixels."""
    width, height = size
    pts = face.points
    face_w = float(np.linalg.norm(pts[_FACE_RIGHT] - pts[_FACE_LEFT]))
    scale = _FACE_WIDTH * width / face_w  # output px per source px
    cx = float(pts[[_FACE_LEFT, _FACE_RIGHT], 0].mean())
    eye_y = float(pts[list(_EYES), 1].mean())
    x0 = int(round(cx - width / 2 / scale))
    y0 = int(round(eye_y - _EYES_FROM_TOP * height / scale))
    w, h = int(round(width / scale)), int(round(height / scale))
    pad = max(0, -x0, -y0, x0 + w - image_bgr.shape[1], y0 + h - image_bgr.shape[0])
    canvas = cv2.copyMakeBorder(image_bgr, pad, pad, pad, pad, cv2.BORDER_REPLICATE) if pad else image_bgr
    crop = canvas[y0 + pad:y0 + pad + h, x0 + pad:x0 + pad + w]
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(crop, (width, height), interpolation=interpolation)


def compress(card_bgr: np.ndarray, codec: str, budget: int = BUDGET_BYTES) -> bytes:
    """Encoded bytes of at most ``budget``: the photo as the card would hold it."""
    if codec == "sim":
        from drivers.residentid.sim.not_wlt_codec import NotWltTestCodec

        return NotWltTestCodec().encode(card_bgr)
    if codec == "jpeg":
        for quality in range(95, 0, -1):
            ok, jpeg = cv2.imencode(".jpg", card_bgr, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
            if ok and len(jpeg) <= budget:
                return jpeg.tobytes()
        raise ValueError(f"image does not fit {budget} bytes")
    if codec != "j2k":
        raise ValueError(f"unknown codec {codec!r}; one of {CODECS}")
    rgb = Image.fromarray(cv2.cvtColor(card_bgr, cv2.COLOR_BGR2RGB))
    raw = card_bgr.size  # bytes of the 24-bit image
    # Smallest integer compression ratio whose codestream fits: ratios are tried upwards, and
    # OpenJPEG's rate control is exact enough that a few steps suffice.
    for ratio in range(max(2, raw // budget), 400):
        buf = io.BytesIO()
        rgb.save(buf, "JPEG2000", quality_mode="rates", quality_layers=[ratio], irreversible=True, no_jp2=True)
        if buf.tell() <= budget:
            return buf.getvalue()
    raise ValueError(f"image does not fit {budget} bytes")


def decompress(data: bytes, codec: str) -> np.ndarray:
    """The decoded photo as 24-bit BGR, as a vendor decoder would return it."""
    if codec == "sim":
        from drivers.residentid.sim.not_wlt_codec import NotWltTestCodec

        bmp = NotWltTestCodec().decode(data)
        return cv2.imdecode(np.frombuffer(bmp, np.uint8), cv2.IMREAD_COLOR)
    if codec == "jpeg":
        return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    with Image.open(io.BytesIO(data)) as img:
        return cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)


def simulate(image_bgr: np.ndarray, face: FaceObservation, codec: str = "j2k") -> np.ndarray:
    """A full-size portrait as it would come out of a resident card: framed, shrunk, compressed."""
    return decompress(compress(frame(image_bgr, face), codec), codec)
