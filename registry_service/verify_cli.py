"""`python main.py verify-licence FILE`: check a printed licence offline.

FILE holds either the QR payload text ("LK1:...") or a PNG/JPEG photo of the licence; the QR
code is decoded with zxing-cpp (OpenCV's detector as a fallback) and the authority's Ed25519
signature checked with its public key. Exit 0 only for a valid licence; 1 invalid or no QR
code found; 2 could not run (file or key unreadable).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from registry_service import codec

DEFAULT_KEY = "var/registry/keys/authority_ed25519.pub.pem"
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"RIFF")


class NoQrCode(Exception):
    pass


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="QR payload text file, or PNG/JPEG image")
    parser.add_argument(
        "--public-key", default=DEFAULT_KEY, help=f"authority public key PEM (default {DEFAULT_KEY})"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def decode_image(data: bytes) -> list[str]:
    """Texts of all QR codes in an image (zxing-cpp copes with photos: rotation, perspective)."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.load()
    texts: list[str] = []
    try:
        import zxingcpp

        texts = [
            b.text
            for b in zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
        ]
    except ImportError:
        pass
    if not texts:
        import cv2
        import numpy as np

        gray = np.asarray(image.convert("L"))
        ok, decoded, _points, _ = cv2.QRCodeDetector().detectAndDecodeMulti(gray)
        texts = [t for t in decoded if t] if ok else []
    return texts


def payloads_from_file(path: Path) -> list[str]:
    data = path.read_bytes()
    if data.startswith(_IMAGE_MAGIC):
        texts = decode_image(data)
        if not texts:
            raise NoQrCode("no QR code found in the image")
        return texts
    try:
        return [data.decode("utf-8").strip()]
    except UnicodeDecodeError:
        raise NoQrCode("neither an image nor a text payload") from None


def run(args: argparse.Namespace) -> int:
    out: dict[str, object]
    try:
        public_key = codec.load_public_key(Path(args.public_key))
        payloads = payloads_from_file(Path(args.file))
    except NoQrCode as exc:
        return _emit(args, 1, {"valid": False, "reason": "no_qr_code", "detail": str(exc)})
    except (OSError, ValueError) as exc:
        return _emit(args, 2, {"valid": False, "reason": "cannot_run", "detail": str(exc)})
    reason = "format"
    for text in payloads:
        try:
            fields = codec.decode_licence(text, public_key)
        except codec.SignatureInvalid as exc:
            reason = exc.reason
            continue
        out = {"valid": True, "reason": "ok", "licence": fields}
        return _emit(args, 0, out)
    return _emit(args, 1, {"valid": False, "reason": reason})


def _emit(args: argparse.Namespace, code: int, out: dict[str, object]) -> int:
    if getattr(args, "json", False):
        print(json.dumps(out, ensure_ascii=False))
    elif out.get("valid"):
        lic = out["licence"]
        assert isinstance(lic, dict)
        print("有效 VALID")
        labels = {
            "uscc": "统一社会信用代码", "name": "名称", "entity_type": "类型",
            "operator": "经营者", "composition": "组成形式", "premises": "经营场所",
            "scope": "经营范围", "registration_date": "注册日期", "authority": "登记机关",
        }
        for key, label in labels.items():
            print(f"{label}: {lic[key]}")
    else:
        print(f"无效 INVALID: {out.get('reason')} {out.get('detail', '')}".rstrip(), file=sys.stderr)
    return code


def main() -> int:
    parser = argparse.ArgumentParser(prog="verify-licence", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
