"""A virtual resident ID reader on a pseudo-terminal: the production pyserial path runs unchanged.

``VirtualResidentReader.start()`` opens a pty and points a symlink (``path``) at its slave
side; the driver opens ``path`` with pyserial exactly as it would ``/dev/ttyUSB0``. A thread
serves the master side: it reassembles request frames, asks ``VirtualSam`` for the answer,
waits the SAM's processing time and writes the reply, optionally paced at the line rate
(``pace_baud``: 10 bits per byte, as a UART with 8N1 sends them). Faults corrupt, cut, delay
or prefix replies on the wire.

``unplug()`` closes the pty and removes the symlink (the port vanishes: the driver's reads
fail as they do when a USB-serial adapter is pulled); ``replug()`` opens a new pty behind the
same path, and the reader comes back as after a power cycle (card state reset).
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import tempfile
import threading
import time
import tty
from pathlib import Path

from drivers.residentid import frame
from drivers.residentid.sim.cards import SimCard
from drivers.residentid.sim.virtual_sam import Faults, SamTiming, VirtualSam


class VirtualResidentReader:
    def __init__(self, directory: str | Path | None = None, *, timing: SamTiming | None = None,
                 faults: Faults | None = None, pace_baud: int | None = None, name: str = "ttyRESIDENT0",
                 seed: int = 0) -> None:
        self._own_dir = directory is None
        self.directory = Path(directory) if directory is not None else Path(tempfile.mkdtemp(prefix="residentid-"))
        self.path = str(self.directory / name)
        self.sam = VirtualSam(timing, faults)
        self.pace_baud = pace_baud
        self._rng = random.Random(seed)
        self._lock = threading.Lock()  # guards self.sam between the serving thread and controls
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._master: int | None = None
        self._slave: int | None = None
        self._plug_request: bool | None = None
        self._plug_done = threading.Event()
        self.requests = 0
        self.replies = 0
        self.bytes_out = 0

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> str:
        self._open_pty()
        self._thread = threading.Thread(target=self._serve, name="virtual-resident-reader", daemon=True)
        self._thread.start()
        return self.path

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._close_pty()
        if self._own_dir:
            with contextlib.suppress(OSError):
                self.directory.rmdir()

    def __enter__(self) -> VirtualResidentReader:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # --- controls (any thread) ------------------------------------------------------------
    @property
    def faults(self) -> Faults:
        return self.sam.faults

    @property
    def timing(self) -> SamTiming:
        return self.sam.timing

    def place_card(self, card: SimCard) -> None:
        with self._lock:
            self.sam.place(card)

    def lift_card(self) -> None:
        with self._lock:
            self.sam.lift()

    @property
    def card(self) -> SimCard | None:
        return self.sam.card

    def unplug(self) -> None:
        self._request_plug(False)

    def replug(self) -> None:
        self._request_plug(True)

    def _request_plug(self, plugged: bool) -> None:
        # the serving thread owns the descriptors: it makes the change between two selects
        self._plug_done.clear()
        self._plug_request = plugged
        if not self._plug_done.wait(timeout=5):
            raise RuntimeError("virtual reader did not change its plug state")

    # --- pty ------------------------------------------------------------------------------
    def _open_pty(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line discipline: bytes pass as they are
        self._master, self._slave = master, slave
        tmp = self.path + ".new"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(os.ttyname(slave), tmp)
        os.replace(tmp, self.path)

    def _close_pty(self) -> None:
        if os.path.lexists(self.path):
            os.unlink(self.path)
        for fd in (self._master, self._slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = None

    # --- serving thread -------------------------------------------------------------------
    def _serve(self) -> None:
        scanner = frame.FrameScanner()
        while not self._stop.is_set():
            if self._plug_request is not None:
                plugged, self._plug_request = self._plug_request, None
                self._close_pty()
                scanner = frame.FrameScanner()
                if plugged:
                    with self._lock:
                        self.sam.power_cycle()
                    self._open_pty()
                self._plug_done.set()
            master = self._master
            if master is None:
                self._stop.wait(0.01)
                continue
            try:
                ready, _, _ = select.select([master], [], [], 0.01)
                if not ready:
                    continue
                data = os.read(master, 4096)
            except OSError:
                self._stop.wait(0.01)
                continue
            for request in scanner.feed(data):
                self.requests += 1
                if self._pulled_on(request.payload):
                    scanner = frame.FrameScanner()
                    break
                self._answer(master, request.payload)

    def _pulled_on(self, payload: bytes) -> bool:
        """The ``unplug_on`` fault: pull the reader now, and plug it back later if asked."""
        f = self.sam.faults
        if f.unplug_on is None or tuple(payload[:2]) != f.unplug_on:
            return False
        f.unplug_on = None
        self._close_pty()
        if f.replug_after_s is not None:
            delay, f.replug_after_s = f.replug_after_s, None
            threading.Timer(delay, self._replug_async).start()
        return True

    def _replug_async(self) -> None:
        if not self._stop.is_set():
            self._plug_request = True

    def _answer(self, master: int, payload: bytes) -> None:
        with self._lock:
            delay, reply = self.sam.handle(payload)
            f = self.sam.faults
            if reply is None:
                return
            wire = frame.encode(reply)
            if f.raw_wire:
                wire = f.raw_wire.pop(0)
            if f.bad_check:
                f.bad_check -= 1
                wire = wire[:-1] + bytes((wire[-1] ^ 0x5A,))
            if f.truncate:
                f.truncate -= 1
                wire = wire[:f.truncate_at]
            if f.garbage:
                f.garbage -= 1
                junk = bytes(self._rng.randrange(256) for _ in range(f.garbage_len))
                wire = junk.replace(frame.PREAMBLE[:3], b"\x00\x00\x00") + wire
        if delay > 0 and self._stop.wait(delay):
            return
        self._write(master, wire)
        self.replies += 1

    def _write(self, master: int, wire: bytes) -> None:
        try:
            if not self.pace_baud:
                os.write(master, wire)
            else:
                start = time.monotonic()
                per_byte = 10.0 / self.pace_baud
                for i in range(0, len(wire), 64):
                    chunk = wire[i:i + 64]
                    os.write(master, chunk)
                    wait = start + (i + len(chunk)) * per_byte - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
            self.bytes_out += len(wire)
        except OSError:
            pass  # unplugged while answering
