"""DG2 facial image: biometric template (ISO/IEC 19794-5:2005 or ISO/IEC 39794-5) -> image bytes.

The ICAO structure is 75 { 7F61 { 02 count, 7F60 { A1 header, 5F2E|7F2E data } } }.
19794-5 records are parsed field by field; for 39794-5 (a DER tree) and odd encoders we fall
back to locating the image by its signature, then check the image is a JPEG or JPEG 2000
(JP2 file or raw J2K codestream) that is complete.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.errors import CardReadError
from drivers.idcard import tlv

JPEG_SOI = b"\xff\xd8\xff"
JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
J2K_SOC = b"\xff\x4f\xff\x51"


@dataclass
class Portrait:
    image: bytearray
    format: str  # "jpeg" | "jp2"

    def __repr__(self) -> str:
        return f"Portrait({self.format}, {len(self.image)} bytes)"


def image_format(data: bytes) -> str | None:
    if data.startswith(JPEG_SOI):
        return "jpeg"
    if data.startswith(JP2_SIGNATURE) or data.startswith(J2K_SOC):
        return "jp2"
    return None


def parse_dg2(data: bytes) -> Portrait:
    group = tlv.parse_dict(tlv.unwrap(data, 0x75))
    bit_group = group.get(0x7F61)
    if bit_group is None:
        raise CardReadError("DG2 has no biometric information group template")
    items = tlv.parse_dict(bit_group)
    bit = items.get(0x7F60)
    if bit is None:
        raise CardReadError("DG2 has no biometric information template")
    parts = tlv.parse_dict(bit)
    block = parts.get(0x5F2E, parts.get(0x7F2E))
    if block is None:
        raise CardReadError("DG2 has no biometric data block")
    image = _from_19794(block) if block.startswith(b"FAC\x00") else _by_signature(block)
    fmt = image_format(image)
    if fmt is None:
        raise CardReadError("DG2 image is neither JPEG nor JPEG 2000")
    if fmt == "jpeg" and b"\xff\xd9" not in image[-16:]:
        raise CardReadError("DG2 JPEG is truncated (no EOI marker)")
    return Portrait(bytearray(image), fmt)


def _from_19794(block: bytes) -> bytes:
    # General header: "FAC\0", version (4), record length (4), number of faces (2) = 14 bytes.
    if len(block) < 14 + 20 + 12:
        raise CardReadError("ISO 19794-5 record truncated")
    record_len = int.from_bytes(block[8:12], "big")
    if record_len != len(block):
        raise CardReadError("ISO 19794-5 record length disagrees with the data block")
    pos = 14
    # Facial information block: block length (4), feature points (2), ... = 20 bytes.
    face_len = int.from_bytes(block[pos:pos + 4], "big")
    points = int.from_bytes(block[pos + 4:pos + 6], "big")
    pos += 20 + 8 * points
    pos += 12  # image information: type, data type, width, height, colour, source, device, quality
    end = 14 + face_len
    if face_len < 32 or end > len(block) or pos >= end:
        raise CardReadError("ISO 19794-5 facial record length invalid")
    return block[pos:end]


def _by_signature(block: bytes) -> bytes:
    hits = [i for i in (block.find(JPEG_SOI), block.find(JP2_SIGNATURE), block.find(J2K_SOC))
            if i >= 0]
    if not hits:
        raise CardReadError("no image found in the DG2 biometric data block")
    return block[min(hits):]


def build_dg2(image: bytes, width: int, height: int) -> bytes:
    """Card side: wrap an image as ICAO DG2 with an ISO 19794-5:2005 record."""
    fmt = image_format(image)
    if fmt is None:
        raise ValueError("portrait must be JPEG or JPEG 2000")
    info = bytes([1, 0 if fmt == "jpeg" else 1]) + width.to_bytes(2, "big")
    info += height.to_bytes(2, "big") + bytes([1, 2]) + bytes(4)
    facial = bytes(2) + bytes([1, 0, 0]) + bytes(3) + bytes(2) + bytes(3) + bytes(3)
    face_len = 4 + len(facial) + len(info) + len(image)
    face = face_len.to_bytes(4, "big") + facial + info + image
    record = b"FAC\x00010\x00" + (14 + len(face)).to_bytes(4, "big") + (1).to_bytes(2, "big")
    record += face
    header = tlv.encode(0xA1, tlv.encode(0x80, b"\x01\x01") + tlv.encode(0x87, b"\x01\x01")
                        + tlv.encode(0x88, b"\x00\x08"))
    bit = tlv.encode(0x7F60, header + tlv.encode(0x5F2E, record))
    return tlv.encode(0x75, tlv.encode(0x7F61, tlv.encode(0x02, b"\x01") + bit))


def decode_image(data: bytes | bytearray):
    """Decode the chip portrait to pixels for the face check (JPEG, JP2 and raw J2K).

    OpenCV's bundled OpenJPEG handles both formats; Pillow is the fallback for files it
    rejects. Raises CardReadError when neither can decode the bytes.
    """
    import cv2
    import numpy as np

    pixels = cv2.imdecode(np.frombuffer(bytes(data), np.uint8), cv2.IMREAD_COLOR)
    if pixels is not None:
        return pixels
    try:
        import io

        from PIL import Image

        with Image.open(io.BytesIO(bytes(data))) as img:
            rgb = np.asarray(img.convert("RGB"))
        return rgb[:, :, ::-1].copy()
    except Exception as exc:  # Pillow raises many types for corrupt images
        raise CardReadError("portrait cannot be decoded") from exc
