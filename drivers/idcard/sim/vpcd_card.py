"""The virtual chip as a vpcd client, so that pyscard reaches it through the real pcscd.

vpcd (vsmartcard) listens on TCP 35963 (reader "Virtual PCD 00 00") and 35964 ("... 00 01").
Frames are a 2-byte big-endian length and a payload; a 1-byte payload is a control message
(00 power off, 01 power on, 02 reset, 04 get ATR), anything longer a command APDU.
Connecting inserts the card, closing the socket removes it.

Latency: vpcd writes length and payload in two segments, so with delayed ACKs every APDU
stalls ~40 ms. We set TCP_NODELAY and re-arm TCP_QUICKACK after every receive (Linux resets
quick-ACK mode by itself).

vpcd is a test tool only: it listens on all interfaces without authentication and must
never be installed on a kiosk.

    python -m drivers.idcard.sim.vpcd_card --variant pace --port 35963 --pki var/test-pki
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from drivers.idcard.sim.virtual_chip import VirtualChip

log = logging.getLogger(__name__)

DEFAULT_PORT = 35963
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0x00, 0x01, 0x02, 0x04


def _quickack(sock: socket.socket) -> None:
    if hasattr(socket, "TCP_QUICKACK"):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def _recv_exact(sock: socket.socket, n: int, tuned: bool = True) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if tuned:
            _quickack(sock)
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


class VpcdCard:
    """Runs in a thread: ``insert()`` connects a fresh chip, ``remove()`` disconnects it."""

    def __init__(self, chip_factory: Callable[[], VirtualChip], host: str = "127.0.0.1",
                 port: int = DEFAULT_PORT, tcp_tuning: bool = True) -> None:
        self.chip_factory = chip_factory
        self.tcp_tuning = tcp_tuning  # False only to measure what the remedy is worth
        self.host, self.port = host, port
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.chip: VirtualChip | None = None
        self.apdus = 0
        self.connected = threading.Event()

    def insert(self, timeout: float = 5.0) -> None:
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("card already inserted")
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        if self.tcp_tuning:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            _quickack(sock)
        sock.settimeout(None)
        self._sock = sock
        self.chip = self.chip_factory()
        self.connected.set()
        self._thread = threading.Thread(target=self._serve, args=(sock, self.chip),
                                        name=f"vpcd-card-{self.port}", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        self.connected.clear()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        self._thread = None

    def _serve(self, sock: socket.socket, chip: VirtualChip) -> None:
        try:
            while True:
                header = _recv_exact(sock, 2, self.tcp_tuning)
                if header is None:
                    break
                payload = _recv_exact(sock, int.from_bytes(header, "big"), self.tcp_tuning)
                if payload is None:
                    break
                answer = self._handle(chip, payload)
                if chip.removed:  # "pulled" variant: leave the field without answering
                    break
                if answer is not None:
                    sock.sendall(len(answer).to_bytes(2, "big") + answer)
        except OSError:
            pass
        finally:
            self.connected.clear()
            with contextlib.suppress(OSError):
                sock.close()

    def _handle(self, chip: VirtualChip, payload: bytes) -> bytes | None:
        if len(payload) == 1:
            ctrl = payload[0]
            if ctrl == CTRL_ATR:
                return chip.atr
            if ctrl in (CTRL_ON, CTRL_RESET):
                chip.power_on()
            elif ctrl == CTRL_OFF:
                chip.power_off()
            return None
        self.apdus += 1
        return chip.process(payload)[:65535]


def main(argv: list[str] | None = None) -> int:
    from drivers.idcard.sim import chip_variants, test_pki

    parser = argparse.ArgumentParser(description="Virtual eMRTD chip on vpcd (test tool)")
    parser.add_argument("--variant", default="pace", choices=sorted(chip_variants.VARIANTS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--pki", type=Path, default=Path("var/test-pki"))
    parser.add_argument("--can", default="123456")
    parser.add_argument("--portrait", default="")
    parser.add_argument("--no-tcp-tuning", action="store_true",
                        help="leave Nagle and delayed ACKs on (to measure the stall)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    pki = test_pki.ensure(args.pki)
    card = VpcdCard(lambda: chip_variants.make_chip(args.variant, pki, can=args.can,
                                                    portrait=args.portrait),
                    args.host, args.port, tcp_tuning=not args.no_tcp_tuning)
    card.insert()
    print(f"virtual chip '{args.variant}' inserted on {args.host}:{args.port}; "
          f"trust store {pki.trust_dir}; Ctrl-C to remove", flush=True)
    try:
        while True:
            time.sleep(0.5)
            if not card.connected.is_set():  # vpcd closed or card pulled: insert a fresh one
                card.remove()
                card.insert()
    except KeyboardInterrupt:
        card.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
