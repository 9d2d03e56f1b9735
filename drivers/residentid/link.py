"""The serial link to the reader: one request, one reply, always under a deadline.

pyserial does the port (real UART, USB-serial or a pseudo-terminal alike); this module adds
what the protocol needs on top of it:

* a deadline on every exchange (pyserial's own timeout is per read call, not per reply);
* resynchronisation: bytes go through ``frame.FrameScanner``, junk is skipped up to a budget;
* stale replies: a reply that cannot be the answer to this request is discarded, and after a
  timeout the line is drained until quiet before the next request;
* a corrupted or cut-off reply is asked for again (the SAM did answer, so exactly one new reply
  follows); silence is not (a busy SAM would answer both requests and desynchronise the line);
* reconnection: when the USB-serial device vanishes the port is closed and reopened at the same
  path as soon as it is back, within ``reconnect_timeout_s``. The caller learns that the
  reader restarted (``LinkRestarted``): its card state is gone.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial

from drivers.residentid import frame
from drivers.residentid.errors import (
    ResidentLinkError,
    ResidentLinkReset,
    ResidentNoReply,
    ResidentPortUnavailable,
)

try:  # pyserial's POSIX backend lets termios.error (not an OSError) escape from flushes
    import termios

    _PORT_GONE: tuple[type[BaseException], ...] = (OSError, termios.error)
except ImportError:  # pragma: no cover - Windows
    _PORT_GONE = (OSError,)


class LinkRestarted(ResidentLinkReset):
    """The port dropped and was reopened during an exchange: the reader lost its card state."""


@dataclass
class LinkStats:
    frames_out: int = 0
    frames_in: int = 0
    bytes_out: int = 0
    bytes_in: int = 0
    junk_bytes: int = 0
    resends: int = 0
    reconnects: int = 0

    def snapshot(self) -> LinkStats:
        return LinkStats(**vars(self))

    def since(self, earlier: LinkStats) -> LinkStats:
        return LinkStats(**{k: v - getattr(earlier, k) for k, v in vars(self).items()})


SerialFactory = Callable[..., Any]


class SerialLink:
    def __init__(self, port: str, baudrate: int = 115200, *, poll_s: float = 0.02,
                 reconnect_timeout_s: float = 3.0, quiet_s: float = 0.05, max_junk: int = 8192,
                 resends: int = 2, serial_factory: SerialFactory = serial.Serial) -> None:
        self.port = port
        self.baudrate = baudrate
        self.poll_s = poll_s
        self.reconnect_timeout_s = reconnect_timeout_s
        self.quiet_s = quiet_s
        self.max_junk = max_junk
        self.resends = resends
        self._factory = serial_factory
        self._ser: Any = None
        self._dirty = False  # a reply may still be on its way: drain before the next request
        self.stats = LinkStats()

    # --- port lifecycle -------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._ser is not None

    def open(self) -> None:
        if self._ser is not None:
            return
        try:
            self._ser = self._factory(self.port, self.baudrate, bytesize=8, parity="N", stopbits=1,
                                      timeout=self.poll_s, write_timeout=1.0, exclusive=True)
        except (OSError, ValueError) as exc:  # SerialException is an OSError
            raise ResidentPortUnavailable(f"cannot open {self.port}: {exc}") from None
        self._dirty = True  # whatever a previous session left in the buffers is not ours

    def close(self) -> None:
        ser, self._ser = self._ser, None
        if ser is not None:
            with contextlib.suppress(OSError):
                ser.close()

    def reconnect(self, timeout_s: float | None = None) -> None:
        """Close, then reopen as soon as the port is back. Raises ResidentPortUnavailable."""
        self.close()
        deadline = time.monotonic() + (self.reconnect_timeout_s if timeout_s is None else timeout_s)
        while True:
            if os.path.exists(self.port):
                try:
                    self.open()
                    self.stats.reconnects += 1
                    return
                except ResidentPortUnavailable:
                    pass
            if time.monotonic() >= deadline:
                raise ResidentPortUnavailable(f"{self.port} did not come back")
            time.sleep(0.05)

    # --- one exchange ---------------------------------------------------------------------
    def exchange(self, request: bytes, accepts: Callable[[bytes], bool], timeout_s: float,
                 what: str = "exchange") -> frame.Frame:
        """Send ``request`` and return the first well-formed frame ``accepts`` takes.

        Raises ResidentNoReply (nothing before the deadline), ResidentLinkError (garbled beyond
        the budgets), LinkRestarted (the port dropped and came back), ResidentPortUnavailable.
        """
        self.open()
        try:
            return self._exchange(request, accepts, timeout_s, what)
        except _PORT_GONE as exc:  # the device vanished (pyserial raises SerialException)
            self._dirty = True
            self.reconnect()
            raise LinkRestarted(f"{what}: link dropped ({exc.__class__.__name__}); port reopened") from None

    def _exchange(self, request: bytes, accepts: Callable[[bytes], bool], timeout_s: float,
                  what: str) -> frame.Frame:
        ser = self._ser
        if self._dirty:
            self._drain(ser)
        scanner = frame.FrameScanner()
        resends = self.resends
        self._send(ser, request)
        deadline = time.monotonic() + timeout_s
        while True:
            bad_before = scanner.bad_frames
            data = self._read(ser)
            for f in scanner.feed(data):
                self.stats.frames_in += 1
                if accepts(f.payload):
                    self.stats.junk_bytes += scanner.junk
                    return f
                scanner.junk += f.wire_size  # a stale reply: as good as junk
            corrupted = scanner.bad_frames > bad_before
            timed_out = time.monotonic() >= deadline
            if scanner.junk > self.max_junk:
                self._fail_dirty(scanner)
                raise ResidentLinkError(f"{what}: {scanner.junk} bytes of junk on the line")
            # a corrupted reply, or one cut off before the deadline: the SAM answered, ask again
            if corrupted or (timed_out and scanner.pending >= frame.HEADER_LEN):
                if resends == 0:
                    self._fail_dirty(scanner)
                    raise ResidentLinkError(f"{what}: reply corrupted {self.resends + 1} times")
                resends -= 1
                self.stats.resends += 1
                self.stats.junk_bytes += scanner.junk + scanner.pending
                scanner = frame.FrameScanner()
                ser.reset_input_buffer()
                self._send(ser, request)
                deadline = time.monotonic() + timeout_s
                continue
            if timed_out:
                self._fail_dirty(scanner)
                raise ResidentNoReply(f"{what}: no reply within {timeout_s:.2f} s")

    def _fail_dirty(self, scanner: frame.FrameScanner) -> None:
        self.stats.junk_bytes += scanner.junk + scanner.pending
        self._dirty = True

    def _send(self, ser: Any, request: bytes) -> None:
        ser.reset_input_buffer()
        ser.write(request)
        self.stats.frames_out += 1
        self.stats.bytes_out += len(request)

    def _read(self, ser: Any) -> bytes:
        data = ser.read(max(1, ser.in_waiting))
        self.stats.bytes_in += len(data)
        return data

    def _drain(self, ser: Any, limit_s: float = 1.0) -> None:
        """Discard input until the line has been quiet for ``quiet_s`` (bounded by ``limit_s``)."""
        end = time.monotonic() + limit_s
        quiet_since = time.monotonic()
        while time.monotonic() < end:
            data = ser.read(max(1, ser.in_waiting))
            now = time.monotonic()
            if data:
                self.stats.bytes_in += len(data)
                self.stats.junk_bytes += len(data)
                quiet_since = now
            elif now - quiet_since >= self.quiet_s:
                break
        self._dirty = False
