"""The virtual port-9100 printer, driven over a raw TCP socket like any ESC/POS host would."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import numpy as np
import pytest
from printer_testutil import random_image

from drivers.printer.escpos_printer import resync_preamble
from drivers.printer.virtual_printer import VirtualPrinter
from kiosk.printing.raster import encode_raster

QUERY = b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"


def connect(vp: VirtualPrinter) -> socket.socket:
    s = socket.create_connection((vp.host, vp.port), timeout=2)
    return s


def ask(s: socket.socket, timeout: float = 1.0) -> bytes:
    s.sendall(QUERY)
    s.settimeout(timeout)
    out = b""
    try:
        while len(out) < 4:
            chunk = s.recv(4 - len(out))
            if not chunk:
                break
            out += chunk
    except TimeoutError:
        pass
    return out


def wait_for(pred, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.01)
    return pred()


def test_ephemeral_port_and_idle_status(vprinter: VirtualPrinter) -> None:
    assert vprinter.port > 0
    with connect(vprinter) as s:
        assert ask(s) == b"\x12\x12\x12\x12"


@pytest.mark.parametrize(
    ("fault", "reply"),
    [
        (lambda vp: vp.open_cover(), b"\x1a\x16\x12\x12"),
        (lambda vp: vp.set_near_end(), b"\x12\x12\x12\x1e"),
        (lambda vp: vp.set_cutter_error(), b"\x3a\x52\x1a\x12"),
        (lambda vp: vp.set_paper(0), b"\x1a\x32\x12\x7e"),
    ],
)
def test_status_bits_per_fault(vprinter: VirtualPrinter, fault, reply: bytes) -> None:  # type: ignore[no-untyped-def]
    fault(vprinter)
    with connect(vprinter) as s:
        assert ask(s) == reply


def test_job_becomes_png(vprinter: VirtualPrinter, tmp_path: Path) -> None:
    img = random_image(576, 300, 1)
    with connect(vprinter) as s:
        s.sendall(b"\x1b@" + encode_raster(img) + b"\x1dV\x00")
        assert ask(s) == b"\x12\x12\x12\x12"  # answered after the job: it has been decoded
    assert len(vprinter.printouts) == 1
    out = vprinter.printouts[0]
    assert out.path is not None and out.path.parent == tmp_path / "prints"
    from PIL import Image

    saved = Image.open(out.path)
    assert np.array_equal(np.asarray(saved.convert("1")), np.asarray(img))


def test_paper_out_after_n_rows_truncates_and_does_not_cut(vprinter: VirtualPrinter) -> None:
    vprinter.set_paper(100)
    img = random_image(576, 300, 2)
    with connect(vprinter) as s:
        s.sendall(b"\x1b@" + encode_raster(img) + b"\x1dV\x00")
        reply = ask(s)
    assert reply[3] & 0x60 == 0x60 and reply[1] & 0x20  # paper end sensor, stopped on paper end
    assert vprinter.printouts == []  # nothing was cut
    vprinter.load_paper()
    assert len(vprinter.torn) == 1
    torn = vprinter.torn[0].piece.image
    assert torn.height == 100
    assert np.array_equal(np.asarray(torn), np.asarray(img)[:100])
    assert vprinter.torn[0].path is not None and vprinter.torn[0].path.name.endswith("-torn.png")


def test_cover_open_drops_output(vprinter: VirtualPrinter) -> None:
    vprinter.open_cover()
    with connect(vprinter) as s:
        s.sendall(encode_raster(random_image(576, 50)) + b"\x1dV\x00")
        ask(s)
    assert vprinter.printouts == [] and vprinter.decoder.rows_dropped == 50
    vprinter.open_cover(False)
    with connect(vprinter) as s:
        s.sendall(encode_raster(random_image(576, 50)) + b"\x1dV\x00")
        assert ask(s) == b"\x12\x12\x12\x12"
    assert len(vprinter.printouts) == 1


def test_stop_reading_leaves_queries_unanswered(vprinter: VirtualPrinter) -> None:
    with connect(vprinter) as s:
        assert ask(s)
        vprinter.set_stop_reading()
        assert ask(s, timeout=0.3) == b""
        vprinter.set_stop_reading(False)
        assert wait_for(lambda: vprinter.status_queries >= 8)


def test_stop_reading_backs_up_the_sender(vprinter: VirtualPrinter) -> None:
    vprinter.set_stop_reading()
    with connect(vprinter) as s:
        s.settimeout(0.5)
        sent = 0
        with pytest.raises(TimeoutError):
            for _ in range(200):
                s.sendall(b"\x00" * 65536)
                sent += 65536
        assert sent < 200 * 65536


def test_drop_connection_mid_job(vprinter: VirtualPrinter) -> None:
    vprinter.drop_connection_after(1000)
    data = encode_raster(random_image(576, 300, 3)) + b"\x1dV\x00"
    with connect(vprinter) as s, pytest.raises((ConnectionResetError, BrokenPipeError)):
        for k in range(0, len(data), 500):
            s.sendall(data[k : k + 500])
            time.sleep(0.01)
        s.settimeout(30)  # returns as soon as the reset arrives
        s.recv(1)
    assert wait_for(lambda: vprinter.bytes_received == 1000)
    assert vprinter.printouts == []
    with connect(vprinter) as s:  # a new connection is served, but the printer still holds
        # the head of a raster command: the query is read as its dot data, like on paper
        assert ask(s, timeout=0.3) == b""
        s.sendall(resync_preamble(576))
        assert ask(s) == b"\x12\x12\x12\x12"
    assert [p.piece.cut for p in vprinter.printouts] == ["full"]  # the scrap, cut off


def test_one_connection_at_a_time(vprinter: VirtualPrinter) -> None:
    with connect(vprinter) as a:
        assert ask(a)
        b = connect(vprinter)
        assert ask(b, timeout=0.3) == b""  # queued behind the first, like a real 9100 port
    assert ask(b) == b"\x12\x12\x12\x12"  # after the first hangs up, the reply comes
    b.close()


def test_keeps_only_newest_files(tmp_path: Path) -> None:
    with VirtualPrinter(tmp_path / "p", keep_files=3) as vp, connect(vp) as s:
        for _ in range(5):
            s.sendall(encode_raster(random_image(576, 8)) + b"\x1dV\x00")
        ask(s)
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        "print-000003.png", "print-000004.png", "print-000005.png"
    ]  # fmt: skip


def test_stop_is_prompt(tmp_path: Path) -> None:
    vp = VirtualPrinter(None).start()
    t = time.monotonic()
    vp.stop()
    assert time.monotonic() - t < 1
    with pytest.raises(OSError):
        socket.create_connection((vp.host, vp.port), timeout=0.5)


def print_images(vp: VirtualPrinter, *heights: int) -> None:
    with connect(vp) as s:
        for k, h in enumerate(heights):
            s.sendall(encode_raster(random_image(576, h, k)) + b"\x1dV\x00")
        assert ask(s) == b"\x12\x12\x12\x12"  # answered once everything before it is decoded


def test_numbering_continues_after_a_restart(tmp_path: Path) -> None:
    out = tmp_path / "p"
    with VirtualPrinter(out) as vp:
        print_images(vp, 8, 9)
    first = (out / "print-000001.png").read_bytes()
    with VirtualPrinter(out) as vp:
        print_images(vp, 10)
        assert [p.path.name for p in vp.printouts if p.path] == ["print-000003.png"]
    assert sorted(p.name for p in out.iterdir()) == ["print-000001.png", "print-000002.png", "print-000003.png"]
    assert (out / "print-000001.png").read_bytes() == first, "an earlier print was overwritten"


def test_a_save_cut_short_leaves_no_truncated_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kill in the middle of writing a PNG: no half file under a printout's name, and the
    next start removes the temp file and carries on."""
    from PIL import Image

    from drivers.printer.decoder import Piece

    out = tmp_path / "p"
    vp = VirtualPrinter(out).start()
    real_save = Image.Image.save

    def killed_mid_save(self: Image.Image, fp: object, *args: object, **kw: object) -> None:
        import io

        buf = io.BytesIO()
        real_save(self, buf, format="PNG")
        target = open(fp, "wb") if isinstance(fp, str | Path) else fp  # noqa: SIM115
        target.write(buf.getvalue()[:100])  # type: ignore[union-attr]
        target.flush()  # type: ignore[union-attr]
        raise SystemExit("killed")

    monkeypatch.setattr(Image.Image, "save", killed_mid_save)
    with pytest.raises(SystemExit):
        vp._save(Piece(random_image(576, 40), "full"))
    vp.stop()
    monkeypatch.setattr(Image.Image, "save", real_save)
    assert list(out.glob("print-*.png")) == [], "a truncated PNG under a printout's name"
    (out / ".print-000007.png.tmp").write_bytes(b"\x89PNG half")  # as a SIGKILL would leave it
    with VirtualPrinter(out) as vp2:
        print_images(vp2, 12)
    assert sorted(p.name for p in out.iterdir()) == ["print-000001.png"]
    with Image.open(out / "print-000001.png") as img:
        img.load()  # a whole PNG
        assert img.size == (576, 12)


def test_printouts_are_private(tmp_path: Path) -> None:
    out = tmp_path / "p"
    out.mkdir(mode=0o755)
    (out / "print-000001.png").write_bytes(b"")  # from an older version, left as it was
    with VirtualPrinter(out) as vp:
        vp.set_paper(5)
        with connect(vp) as s:
            s.sendall(encode_raster(random_image(576, 8)) + b"\x1dV\x00")
            assert ask(s)[3] & 0x60  # paper out mid-job
        vp.load_paper()  # the torn part is saved
        print_images(vp, 8, 9)
    assert out.stat().st_mode & 0o777 == 0o700
    made = [p for p in out.iterdir() if p.name != "print-000001.png"]
    assert len(made) == 3 and any(p.name.endswith("-torn.png") for p in made)
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in made)


def test_a_shared_directory_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    with pytest.raises(ValueError, match="world-writable"):
        VirtualPrinter(shared).start()
    assert shared.stat().st_mode & 0o7777 == 0o1777
