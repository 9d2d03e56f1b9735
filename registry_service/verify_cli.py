"""`python main.py verify-licence FILE`: check a printed licence offline.

FILE holds either the QR payload text ("LK1:...") or a PNG/JPEG photo of the licence; the QR
code is decoded with zxing-cpp and the authority's Ed25519 signature checked with its public key.
Exit 0 only for a valid licence; 1 invalid or no QR code found; 2 could not run (file or key
unreadable, not a file, too large, an image that does not decode).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
import sys
import warnings
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry_service import codec

DEFAULT_KEY = "var/registry/keys/authority_ed25519.pub.pem"
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"RIFF")
MAX_IMAGE_BYTES = 32 * 1024 * 1024  # a phone photo
MAX_IMAGE_PIXELS = 50_000_000  # a 48 MP phone photo; Pillow's own bomb limit is higher
MAX_TEXT_BYTES = 64 * 1024  # a payload is under 3 KB
MAX_KEY_BYTES = 64 * 1024


class NoQrCode(Exception):
    pass


class CannotRun(Exception):
    """The check could not run: the message is the one line a technician sees."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="QR payload text file, or PNG/JPEG image")
    parser.add_argument(
        "--public-key", default=DEFAULT_KEY, help=f"authority public key PEM (default {DEFAULT_KEY})"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def read_file(path: Path, max_bytes: int) -> bytes:
    """A regular file of at most ``max_bytes``, whole; anything else (a directory, /dev/zero, a
    FIFO, a huge file) is one CannotRun line. The service imports nothing from the kiosk, whose
    technician commands bound their reads the same way (kiosk/diag/arguments.py)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise CannotRun(f"{path}: {exc.strerror.lower() if exc.strerror else exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise CannotRun(f"{path}: {'a directory' if stat.S_ISDIR(mode) else 'not a regular file'}, not a file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise CannotRun(f"{path}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise CannotRun(f"{path}: larger than {max_bytes:,} bytes, the most expected here")
    return data


def decode_image(data: bytes) -> list[str]:
    """Texts of all QR codes in an image (zxing-cpp copes with photos: rotation, perspective)."""
    from PIL import Image

    try:
        import zxingcpp
    except ImportError:
        raise CannotRun("zxing-cpp is not installed: images cannot be read (give the payload text)") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size is checked below
            image = Image.open(io.BytesIO(data))
        with image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise CannotRun(f"the image is {image.width}x{image.height} pixels; "
                                f"at most {MAX_IMAGE_PIXELS:,} expected")
            gray = image.convert("L")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise CannotRun(f"the image does not decode ({type(exc).__name__})") from None
    return [b.text for b in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)]


def payloads_from_file(path: Path) -> list[str]:
    data = read_file(path, MAX_IMAGE_BYTES)
    if data.startswith(_IMAGE_MAGIC):
        texts = decode_image(data)
        if not texts:
            raise NoQrCode("no QR code found in the image")
        return texts
    if len(data) > MAX_TEXT_BYTES:
        raise CannotRun(f"{path}: neither an image nor a payload text (payloads are under {MAX_TEXT_BYTES:,} bytes)")
    try:
        return [data.decode("utf-8").strip()]
    except UnicodeDecodeError:
        raise NoQrCode("neither an image nor a text payload") from None


def load_key(path: Path) -> Ed25519PublicKey:
    try:
        return codec.load_public_key(read_file(path, MAX_KEY_BYTES))
    except CannotRun as exc:
        raise CannotRun(f"public key {exc}; give --public-key FILE (the authority's Ed25519 key)") from None
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise CannotRun(f"{path}: not an Ed25519 public key in PEM ({type(exc).__name__})") from None


def run(args: argparse.Namespace) -> int:
    out: dict[str, object]
    try:
        public_key = load_key(Path(args.public_key))
        payloads = payloads_from_file(Path(args.file))
    except NoQrCode as exc:
        return _emit(args, 1, {"valid": False, "reason": "no_qr_code", "detail": str(exc)})
    except CannotRun as exc:
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
    elif code == 2:  # nothing was checked: the licence is not called invalid
        print(f"错误 ERROR: {out.get('detail', '')}", file=sys.stderr)
    else:
        print(f"无效 INVALID: {out.get('reason')} {out.get('detail', '')}".rstrip(), file=sys.stderr)
    return code


def main() -> int:
    parser = argparse.ArgumentParser(prog="verify-licence", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
