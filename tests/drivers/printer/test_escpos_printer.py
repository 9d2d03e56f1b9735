"""EscposPrinter on python-escpos backends: real sockets, a pty as serial line, files, USB."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from printer_testutil import random_image

from drivers.errors import PrinterOffline, PrinterStatusGarbled
from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.factory import (
    EscposPrinterOptions,
    VirtualPrinterOptions,
    create,
    create_escpos,
    create_virtual,
)
from kiosk.printing.raster import build_job


@pytest.fixture
def virtual(tmp_path: Path) -> Iterator[EscposPrinter]:
    p = create_virtual(VirtualPrinterOptions(status_timeout_s=0.5, write_timeout_s=1.0), tmp_path)
    yield p
    p.close()


def test_virtual_printer_through_the_network_backend(virtual: EscposPrinter) -> None:
    from escpos.printer import Network

    assert isinstance(virtual.link.escpos, Network)
    st = virtual.status()
    assert st.ready and not st.paper_near_end
    img = random_image(576, 200, 1)
    job = build_job(img, virtual.profile)
    virtual.send(job)
    assert virtual.status().ready  # answered after the job was decoded
    vp = virtual.virtual
    assert len(vp.printouts) == 1 and vp.bytes_received >= len(job)
    assert np.array_equal(np.asarray(vp.printouts[0].piece.image)[:200], np.asarray(img))
    assert vp.printouts[0].path is not None and vp.printouts[0].path.exists()


def test_near_end_is_a_warning_attribute(virtual: EscposPrinter) -> None:
    virtual.virtual.set_near_end()
    st = virtual.status()
    assert st.ready and st.paper_near_end and virtual.paper_near_end
    assert virtual.last_raw is not None and virtual.last_raw.paper == 0x1E


def test_no_reply_is_offline_within_the_timeout(virtual: EscposPrinter) -> None:
    virtual.virtual.set_stop_reading()
    t = time.monotonic()
    with pytest.raises(PrinterOffline, match="no reply"):
        virtual.status()
    assert time.monotonic() - t < 1.0


def test_printer_that_stops_reading_times_out_the_write(virtual: EscposPrinter) -> None:
    virtual.virtual.set_stop_reading()
    job = build_job(random_image(576, 1200, 2), virtual.profile)
    t = time.monotonic()
    with pytest.raises(PrinterOffline, match="stopped reading"):
        for _ in range(100):  # kernel buffers swallow megabytes before anything fails
            virtual.send(job)
    assert time.monotonic() - t < 5
    assert virtual.link.broken
    virtual.virtual.set_stop_reading(False)
    # the link was reset (RST): queued bytes were discarded, the next call resyncs and works
    assert virtual.status().ready
    assert not virtual.link.broken


def test_dropped_connection_then_whole_job(virtual: EscposPrinter) -> None:
    vp = virtual.virtual
    img = random_image(576, 600, 3)
    job = build_job(img, virtual.profile)
    vp.drop_connection_after(10_000)
    with pytest.raises(PrinterOffline):
        virtual.send(job)
        deadline = time.monotonic() + 30
        while vp.bytes_received < 10_000 and time.monotonic() < deadline:  # the printer takes 10 KB, resets
            time.sleep(0.01)
        for _ in range(100):
            virtual.send(job)  # the reset shows on a write (or, were it lost, the full buffers stop one)
    virtual.send(job)  # reconnects, resyncs, prints whole
    assert virtual.status().ready
    last = vp.printouts[-1].piece.image
    assert np.array_equal(np.asarray(last)[:600], np.asarray(img))
    assert vp.decode_errors == []


def test_connection_refused_is_offline(tmp_path: Path) -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    p = create_escpos(EscposPrinterOptions(host="127.0.0.1", port=port), tmp_path)
    with pytest.raises(PrinterOffline, match="cannot open"):
        p.status()
    with pytest.raises(PrinterOffline):
        p.send(b"\x1b@")


def _server(reply: bytes) -> tuple[socket.socket, threading.Thread]:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def run() -> None:
        conn, _ = srv.accept()
        with conn:
            conn.recv(64)
            conn.sendall(reply)
            with contextlib.suppress(OSError):
                while conn.recv(64):  # nothing more is answered, and no EOF until the host closes
                    pass

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return srv, t


@pytest.mark.parametrize(
    ("reply", "error", "match"),
    [
        (b"HTTP/1.1 400 Bad", PrinterStatusGarbled, "fixed bits"),
        (b"\x12\x12", PrinterOffline, "partial status reply"),
    ],
)
def test_wrong_answers(tmp_path: Path, reply: bytes, error: type, match: str) -> None:
    srv, t = _server(reply)
    opts = EscposPrinterOptions(port=srv.getsockname()[1], status_timeout_s=0.5)
    p = create_escpos(opts, tmp_path)
    with pytest.raises(error, match=match):
        p.status()
    p.close()
    srv.close()


def test_process_id_frames_are_sorted_from_status_bytes(tmp_path: Path) -> None:
    srv, t = _server(b"\x37\x229999\x00" + b"\x12\x12\x12\x1e")
    p = create_escpos(EscposPrinterOptions(port=srv.getsockname()[1]), tmp_path)
    st = p.status()
    assert st.ready and st.paper_near_end  # the frame did not shift the status bytes
    assert p.process_id_done(b"9999") and not p.process_id_done(b"0000")
    p.close()
    srv.close()


def test_malformed_process_id_frame(tmp_path: Path) -> None:
    srv, t = _server(b"\x37\x23abcd\x00\x12\x12\x12\x12")
    p = create_escpos(EscposPrinterOptions(port=srv.getsockname()[1]), tmp_path)
    with pytest.raises(PrinterStatusGarbled, match="process-ID"):
        p.status()
    p.close()
    srv.close()


def test_file_backend_writes_bytes_and_has_no_status_on_a_regular_file(tmp_path: Path) -> None:
    out = tmp_path / "job.bin"
    out.touch()
    p = create_escpos(EscposPrinterOptions(backend="file", file_path=str(out)), tmp_path)
    p.send(b"\x1b@hello")
    p.close()
    assert out.read_bytes() == b"\x1b@hello"
    with pytest.raises(PrinterOffline, match="no status channel"):
        p.status()


def test_serial_backend_over_a_pty(tmp_path: Path) -> None:
    master, slave = os.openpty()
    answers = {1: b"\x12", 2: b"\x12", 3: b"\x12", 4: b"\x1e"}
    received = bytearray()
    stop = threading.Event()

    def printer_side() -> None:
        buf = b""
        while not stop.is_set():
            import select

            r, _, _ = select.select([master], [], [], 0.05)
            if not r:
                continue
            buf += os.read(master, 4096)
            while b"\x10\x04" in buf:
                i = buf.index(b"\x10\x04")
                if len(buf) < i + 3:
                    break
                received.extend(buf[:i])
                os.write(master, answers[buf[i + 2]])
                buf = buf[i + 3 :]
            if b"\x10\x04" not in buf:
                received.extend(buf)
                buf = b""

    t = threading.Thread(target=printer_side, daemon=True)
    t.start()
    try:
        opts = EscposPrinterOptions(backend="serial", serial_port=os.ttyname(slave),
                                    status_timeout_s=0.5)  # fmt: skip
        p = create_escpos(opts, tmp_path)
        st = p.status()
        assert st.ready and st.paper_near_end
        p.send(b"\x1b@" + bytes(range(256)))
        answers[2] = b"\x16"  # cover open
        assert p.status().cover_open  # answered in order: everything sent before has arrived
        assert bytes(received).endswith(b"\x1b@" + bytes(range(256)))
        stop.set()
        t.join()
        with pytest.raises(PrinterOffline, match="no reply"):
            p.status()
        p.close()
    finally:
        stop.set()
        os.close(master)
        os.close(slave)


def test_usb_without_a_device_is_offline(tmp_path: Path) -> None:
    opts = EscposPrinterOptions(backend="usb", usb_vendor_id=0x04B8, usb_product_id=0x0E15)
    p = create_escpos(opts, tmp_path)
    with pytest.raises(PrinterOffline, match="usb: cannot open"):
        p.status()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"backend": "bluetooth"},
        {"status_timeout_s": 0},
        {"write_timeout_s": -1},
        {"profile": "tm-x999"},
        {"width_dots": 575},
        {"presenter_hex": "zz"},
    ],
)
def test_options_are_validated(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        EscposPrinterOptions(**kwargs)  # type: ignore[arg-type]


def test_generic_create_dispatches(tmp_path: Path) -> None:
    p = create(VirtualPrinterOptions(out_dir=str(tmp_path / "x")), tmp_path)
    try:
        assert p.status().ready and p.virtual.out_dir == tmp_path / "x"
    finally:
        p.close()
    assert p.width_dots == 576
    p2 = create_escpos(EscposPrinterOptions(profile="tm-t88"), tmp_path)
    assert p2.width_dots == 512


def test_escpos_import_has_no_side_effects(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import logging, os, tempfile\n"
        "before = set(os.listdir(tempfile.gettempdir()))\n"
        "from drivers.printer.escpos_import import load_escpos\n"
        "load_escpos()\n"
        "import escpos.capabilities as c\n"
        "assert not logging.getLogger().handlers, logging.getLogger().handlers\n"
        "after = set(os.listdir(tempfile.gettempdir()))\n"
        "assert not (after - before), after - before\n"
        "print(c.pickle_dir)\n"
    )
    private_tmp = tmp_path / "tmp"  # other processes on the machine use the shared /tmp
    private_tmp.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "TMPDIR": str(private_tmp)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(tmp_path / "licence-kiosk" / "escpos")


class FakeUsbDevice:
    """The pyusb Device surface python-escpos's Usb backend uses, with a scripted printer."""

    class backend:  # mimics pyusb's attribute
        __module__ = "usb.backend.fake"

    def __init__(self, replies: bytes | None, stall_writes: bool = False) -> None:
        self.answers = replies  # byte k answers DLE EOT k+1; None: the printer never answers
        self.replies = b""
        self.stall_writes = stall_writes
        self.written = bytearray()
        self.timeouts: list[int] = []

    def set_configuration(self) -> None:
        pass

    def reset(self) -> None:
        pass

    def write(self, ep: int, data: bytes, timeout: int) -> int:
        import usb.core

        self.timeouts.append(timeout)
        if self.stall_writes:
            raise usb.core.USBTimeoutError("Operation timed out", 110, 110)
        self.written += data
        for k in range(len(data) - 2):
            if data[k : k + 2] == b"\x10\x04" and self.answers:
                self.replies += self.answers[data[k + 2] - 1 : data[k + 2]]
        return len(data)

    def read(self, ep: int, size: int, timeout: int) -> bytes:
        import usb.core

        self.timeouts.append(timeout)
        if not self.replies:
            raise usb.core.USBTimeoutError("Operation timed out", 110, 110)
        out, self.replies = self.replies[:size], self.replies[size:]
        return out


@pytest.mark.parametrize(
    ("replies", "stall", "outcome"),
    [
        (b"\x12\x12\x12\x12", False, "ready"),
        (b"\x12\x16\x12\x12", False, "cover"),
        (None, False, "no reply"),
        (b"\x12\x12\x12\x12", True, "write"),
    ],
)
def test_usb_backend_deadlines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replies: bytes | None, stall: bool, outcome: str
) -> None:
    import usb.core
    import usb.util

    dev = FakeUsbDevice(replies, stall)
    monkeypatch.setattr(usb.core, "find", lambda **kw: dev)
    monkeypatch.setattr(usb.util, "dispose_resources", lambda d: None)
    opts = EscposPrinterOptions(backend="usb", usb_vendor_id=0x04B8, usb_product_id=0x0E15, write_timeout_s=2)
    p = create_escpos(opts, tmp_path)
    if outcome == "write":
        with pytest.raises(PrinterOffline, match="usb: write failed"):
            p.send(b"\x1b@")
        assert 2000 in dev.timeouts  # pyusb got a deadline in ms, never 0 (= forever)
    elif outcome == "no reply":
        with pytest.raises(PrinterOffline, match="no reply"):
            p.status()
    else:
        st = p.status()
        assert st.cover_open is (outcome == "cover")
        assert dev.written == b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"
    assert all(t > 0 for t in dev.timeouts)
    p.close()


def test_file_backend_write_deadline_on_a_stalled_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a device that never reads
    try:
        opts = EscposPrinterOptions(backend="file", file_path=str(fifo), write_timeout_s=0.3)
        p = create_escpos(opts, tmp_path)
        t = time.monotonic()
        with pytest.raises(PrinterOffline, match="stopped reading"):
            p.send(bytes(1_000_000))  # the pipe holds 64 KB
        assert time.monotonic() - t < 2
        p.close()
    finally:
        os.close(reader)
