from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image, ImageFilter
from qrcode.util import ALPHA_NUM, MODE_ALPHA_NUM, QRData

from registry_service import codec, keys, verify_cli
from tests.conftest import ROOT

FIELDS = {
    "uscc": "92440305MADGFK2473", "name": "深圳市南山区福兴餐饮店", "entity_type": "个体工商户",
    "operator": "张伟", "composition": "个人经营", "premises": "深圳市南山区南山街道南山大道1001号",
    "scope": "一般项目：日用百货销售。", "registration_date": "2026-06-01",
    "authority": "深圳市南山区市场监督管理局",
}


@pytest.fixture
def authority(tmp_path: Path) -> keys.AuthorityKeys:
    return keys.load_or_create(tmp_path / "keys")


def run(file: Path, key: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    p = argparse.ArgumentParser()
    verify_cli.add_arguments(p)
    code = verify_cli.run(p.parse_args([str(file), "--public-key", str(key), "--json"]))
    return code, json.loads(capsys.readouterr().out)


def qr_png(text: str | QRData, path: Path, box: int = 4) -> Image.Image:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white").convert("L")
    img.save(path)
    return img


def test_text_payload(tmp_path: Path, authority: keys.AuthorityKeys, capsys) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "payload.txt"
    f.write_text(codec.encode_licence(FIELDS, authority.private_key) + "\n")
    code, out = run(f, authority.public_key_path, capsys)
    assert code == 0 and out["valid"] and out["licence"] == FIELDS


def test_png_uses_alphanumeric_mode_and_verifies(tmp_path: Path, authority, capsys) -> None:  # type: ignore[no-untyped-def]
    text = codec.encode_licence(FIELDS, authority.private_key)

    # every character fits the QR alphanumeric set, so the whole payload is one alphanumeric
    # segment (the kiosk forces that mode; qrcode's automatic chunking sometimes picks byte
    # mode for a short run such as "AE0", which made this test fail about 1 run in 25)
    assert set(text.encode()) <= set(ALPHA_NUM)
    qr_png(QRData(text.encode(), mode=MODE_ALPHA_NUM), tmp_path / "licence.png")
    code, out = run(tmp_path / "licence.png", authority.public_key_path, capsys)
    assert code == 0 and out["licence"]["uscc"] == FIELDS["uscc"]


def test_photo_like_image(tmp_path: Path, authority, capsys) -> None:  # type: ignore[no-untyped-def]
    """Rotated, blurred, on a grey page with other print: as a phone photo would be."""
    img = qr_png(codec.encode_licence(FIELDS, authority.private_key), tmp_path / "q.png", box=6)
    page = Image.new("L", (img.width + 400, img.height + 500), 200)
    page.paste(img, (180, 260))
    photo = page.rotate(11, expand=True, fillcolor=190).filter(ImageFilter.GaussianBlur(1.2))
    buf = io.BytesIO()
    photo.convert("RGB").save(buf, "JPEG", quality=80)
    (tmp_path / "photo.jpg").write_bytes(buf.getvalue())
    code, _ = run(tmp_path / "photo.jpg", authority.public_key_path, capsys)
    assert code == 0


def test_forged_licence(tmp_path: Path, authority, capsys) -> None:  # type: ignore[no-untyped-def]
    forged = codec.encode_licence(FIELDS, Ed25519PrivateKey.generate())
    qr_png(forged, tmp_path / "forged.png")
    code, out = run(tmp_path / "forged.png", authority.public_key_path, capsys)
    assert code == 1 and out["reason"] == "unknown_key"


def test_image_without_qr(tmp_path: Path, authority, capsys) -> None:  # type: ignore[no-untyped-def]
    Image.new("L", (200, 200), 255).save(tmp_path / "blank.png")
    code, out = run(tmp_path / "blank.png", authority.public_key_path, capsys)
    assert code == 1 and out["reason"] == "no_qr_code"


def test_text_garbage(tmp_path: Path, authority, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.txt").write_text("hello")
    code, out = run(tmp_path / "x.txt", authority.public_key_path, capsys)
    assert code == 1 and out["reason"] == "format"


def test_cannot_run(tmp_path: Path, authority, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out = run(tmp_path / "missing.png", authority.public_key_path, capsys)
    assert code == 2
    (tmp_path / "x.txt").write_text("LK1:")
    code, out = run(tmp_path / "x.txt", tmp_path / "no-key.pem", capsys)
    assert code == 2


def verify_main(*args: str) -> subprocess.CompletedProcess[str]:
    """`main.py verify-licence` as a technician runs it, in a process that may not use more than
    2 GB: a read without bound fails there instead of exhausting the machine."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, str(ROOT / "main.py"), "verify-licence", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, preexec_fn=limit)


@pytest.mark.parametrize("target", ["/dev/zero", "dir", "fifo", "huge", "huge_text"])
def test_files_that_are_not_a_licence_file_are_one_line_exit_2(
        tmp_path: Path, authority: keys.AuthorityKeys, target: str) -> None:
    path = {"/dev/zero": Path("/dev/zero"), "dir": tmp_path, "fifo": tmp_path / "fifo",
            "huge": tmp_path / "huge.png", "huge_text": tmp_path / "huge.txt"}[target]
    if target == "fifo":
        os.mkfifo(path)  # nobody writes to it: opening it must not wait for a writer
    elif target == "huge":
        with path.open("wb") as f:  # sparse: takes no disk
            f.write(b"\x89PNG\r\n\x1a\n")
            f.truncate(verify_cli.MAX_IMAGE_BYTES + 1)
    elif target == "huge_text":
        path.write_text("LK1:" + "A" * verify_cli.MAX_TEXT_BYTES)
    for args in ((str(path), "--public-key", str(authority.public_key_path)),
                 (str(tmp_path / "payload.txt"), "--public-key", str(path))):
        (tmp_path / "payload.txt").write_text("LK1:")
        result = verify_main(*args)
        assert result.returncode == 2, result.stderr[-2000:]
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
        assert str(path) in result.stderr


def test_images_that_do_not_decode_are_exit_2(tmp_path: Path, authority, capsys) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    code, out = run(broken, authority.public_key_path, capsys)
    assert code == 2 and out["reason"] == "cannot_run" and "does not decode" in out["detail"]
    bomb = tmp_path / "bomb.png"  # 100 megapixels in a few kilobytes
    Image.new("1", (10_000, 10_000), 1).save(bomb)
    assert bomb.stat().st_size < 100_000
    code, out = run(bomb, authority.public_key_path, capsys)
    assert code == 2 and "10000x10000" in out["detail"]


def test_a_key_that_is_not_an_ed25519_pem_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "payload.txt").write_text("LK1:")
    (tmp_path / "key.pem").write_text("[kiosk]\nid = 'x'\n")
    result = verify_main(str(tmp_path / "payload.txt"), "--public-key", str(tmp_path / "key.pem"))
    assert result.returncode == 2 and "not an Ed25519 public key" in result.stderr
    assert result.stderr.count("\n") == 1 and "INVALID" not in result.stderr


def test_images_are_read_without_opencv(tmp_path: Path, authority: keys.AuthorityKeys) -> None:
    """The verify tool is part of the service: it must work where no device library is installed."""
    text = codec.encode_licence(FIELDS, authority.private_key)
    qr_png(QRData(text.encode(), mode=MODE_ALPHA_NUM), tmp_path / "licence.png")
    Image.new("L", (200, 200), 255).save(tmp_path / "blank.png")
    code = (
        "import sys; sys.modules['cv2'] = None\n"  # `import cv2` now raises ImportError
        "from registry_service import verify_cli\n"
        "sys.exit(verify_cli.main())"
    )
    for image, expected in (("licence.png", 0), ("blank.png", 1)):
        result = subprocess.run([sys.executable, "-c", code, str(tmp_path / image), "--public-key",
                                 str(authority.public_key_path)], cwd=ROOT, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == expected, result.stderr[-2000:]
