"""The simulated document holder and the portrait the virtual chip serves (card side)."""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from drivers.idcard import resident_id

DEMO_BIRTH = dt.date(1985, 3, 12)
DEMO_BIRTH_YYMMDD = DEMO_BIRTH.strftime("%y%m%d")
DEMO_PERSONAL_NUMBER = resident_id.make("110105", DEMO_BIRTH, 123)  # GB 11643 valid, male


@dataclass(frozen=True)
class Holder:
    document_code: str = "ID"
    issuing_state: str = "CHN"
    document_number: str = "E90000001"
    surname: str = "ZHANG"
    given_names: str = "WEI"
    name_national: str = "张伟"
    nationality: str = "CHN"
    birth_date: str = DEMO_BIRTH_YYMMDD
    sex: str = "M"
    expiry_date: str = "360630"
    personal_number: str = DEMO_PERSONAL_NUMBER
    address: str = "北京市朝阳区建国路88号"

    def __repr__(self) -> str:
        return "Holder(<redacted>)"


def placeholder_image(width: int = 360, height: int = 480, noise: float = 0.0) -> object:
    """A synthetic head-and-shoulders drawing (no real person's face); ``noise`` adds sensor-like
    grain, which makes the image compress less (to build DG2 files of a given size)."""
    from PIL import Image, ImageDraw, ImageFilter

    img = Image.new("RGB", (width, height), (214, 226, 240))
    d = ImageDraw.Draw(img)
    cx = width // 2
    d.ellipse((cx - 150, int(height * 0.72), cx + 150, height + 200), fill=(40, 60, 110))
    d.rectangle((cx - 35, int(height * 0.55), cx + 35, int(height * 0.75)), fill=(225, 185, 150))
    d.ellipse((cx - 95, int(height * 0.18), cx + 95, int(height * 0.66)), fill=(232, 192, 158))
    d.chord((cx - 100, int(height * 0.12), cx + 100, int(height * 0.40)), 180, 360,
            fill=(30, 25, 20))
    for ex in (cx - 40, cx + 40):
        d.ellipse((ex - 14, int(height * 0.38), ex + 14, int(height * 0.42)), fill=(255, 255, 255))
        d.ellipse((ex - 6, int(height * 0.385), ex + 6, int(height * 0.415)), fill=(50, 35, 25))
    d.line((cx, int(height * 0.42), cx - 8, int(height * 0.50), cx + 6, int(height * 0.51)),
           fill=(180, 130, 100), width=3)
    d.arc((cx - 35, int(height * 0.50), cx + 35, int(height * 0.58)), 20, 160,
          fill=(160, 70, 70), width=4)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    if noise:
        grain = Image.effect_noise((width, height), noise).convert("RGB")
        img = Image.blend(img, grain, 0.15)
    return img


def encode_jp2(img: object, target_bytes: int) -> bytes:
    """JPEG 2000 (JP2 file) of roughly ``target_bytes``; chips store portraits this way."""
    from PIL import Image

    assert isinstance(img, Image.Image)
    raw = img.width * img.height * 3
    out = io.BytesIO()
    img.save(out, "JPEG2000", quality_mode="rates", quality_layers=[raw / target_bytes],
             irreversible=True)
    return out.getvalue()


@functools.lru_cache(maxsize=8)
def load_portrait(path: str, target_bytes: int = 20_000) -> tuple[bytes, int, int]:
    """(image bytes as stored on the chip, width, height).

    JPEG and JPEG 2000 files are served unchanged; other formats are converted to JPEG;
    an empty path gives the placeholder as JP2 of about ``target_bytes``.
    """

    if not path:
        big = target_bytes > 30_000
        img = placeholder_image(720, 960, 40.0) if big else placeholder_image()
        return encode_jp2(img, target_bytes), img.width, img.height
    return portrait_from_bytes(Path(path).read_bytes())


def portrait_from_bytes(data: bytes) -> tuple[bytes, int, int]:
    """An encoded image as the chip will store it: JPEG / JPEG 2000 unchanged, others as JPEG."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        img.load()
        if img.format in ("JPEG", "JPEG2000"):
            return data, img.width, img.height
        rgb = img.convert("RGB")
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=90)
    return out.getvalue(), rgb.width, rgb.height
