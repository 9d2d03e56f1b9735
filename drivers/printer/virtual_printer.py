"""A virtual ESC/POS network printer on loopback: raw port-9100 protocol, PNG output, faults.

It runs the production path end to end: the kiosk's EscposPrinter talks to it through
python-escpos's ``Network`` backend, every byte goes through the same decoder technicians use for
previews, and status replies are built from the simulated sensors with the real DLE EOT bit layout.

Like a real printer it serves one TCP connection at a time, answers DLE EOT in the middle of a
job, stops burning dots while the cover is open or the roll is empty (and then does not cut), and
can be told to stop reading (the sender's kernel buffers fill, its write times out) or to reset
the connection part-way through a job.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import select
import socket
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

from drivers.printer.commands import PROCESS_ID_HEADER
from drivers.printer.decoder import EscposDecoder, Piece
from drivers.printer.status import encode_reply

log = logging.getLogger(__name__)

SYSTEM_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
PRINT_NAME = re.compile(r"^print-(\d{6,})(-torn)?\.png$")
TMP_PREFIX = ".print-"  # a save in progress; a leftover means the process died mid-save


@dataclass
class Printout:
    seq: int
    piece: Piece
    path: Path | None


class VirtualPrinter:
    """Start with ``start()``; ``port`` is the bound port (0 asks for an ephemeral one)."""

    def __init__(
        self,
        out_dir: Path | None,
        width_dots: int = 576,
        host: str = "127.0.0.1",
        port: int = 0,
        font_path: str | Path | None = None,
        keep_files: int = 200,
        keep_in_memory: int = 50,
    ) -> None:
        self.out_dir = out_dir
        self.width_dots = width_dots
        self.host = host
        self.port = port
        self.keep_files = keep_files
        # the newest printouts (and torn pieces) kept as images, for tests and diagnostics: a
        # mode "1" image is one byte per dot, about 0.85 MB per licence, so a kiosk left running
        # must not keep them all; ``printed`` counts every printout ever cut
        self.keep_in_memory = keep_in_memory
        self.printed = 0
        self.font_index = 0
        if font_path is None and SYSTEM_CJK.exists():
            font_path, self.font_index = SYSTEM_CJK, 2  # face 2: Simplified Chinese forms
        self.font_path = font_path
        self.printouts: list[Printout] = []
        self.torn: list[Printout] = []
        self.status_queries = 0
        self.process_ids: list[bytes] = []
        self.answer_process_id = True  # False: a model without GS ( H
        self.raw_log: bytearray | None = None  # set to bytearray() to keep every byte received
        self.connections = 0
        self.bytes_received = 0
        self.decode_errors: list[str] = []
        # simulated sensors / fault knobs
        self.cover_open = False
        self.near_end = False
        self.cutter_error = False
        self.stop_reading = False
        self._drop_after: int | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._server: socket.socket | None = None
        self._conn: socket.socket | None = None
        self._seq = 0
        self.decoder = self._new_decoder()

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> VirtualPrinter:
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # set before listen() so accepted sockets start with a small window: a printer's
        # receive buffer is kilobytes, and "stop reading" must back the sender up quickly
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
        srv.bind((self.host, self.port))
        srv.listen(4)
        self.port = srv.getsockname()[1]
        self._server = srv
        if self.out_dir is not None:
            self._prepare_out_dir()
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="virtual-printer", daemon=True)
        self._thread.start()
        log.info("virtual printer on %s:%d", self.host, self.port)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._server is not None:
            self._server.close()
            self._server = None

    def __enter__(self) -> VirtualPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- fault injection (callable from any thread) --------------------------------------------
    def set_paper(self, rows: int | None) -> None:
        """Rows of paper left on the roll (None = endless); reaching 0 mid-job is "paper out"."""
        with self._lock:
            self.decoder.paper_rows_left = rows
            if rows is None or rows > 0:
                self._tear_off()

    def load_paper(self) -> None:
        """Technician reloads the roll: the uncut partial printout is torn off and kept."""
        self.set_paper(None)

    def open_cover(self, is_open: bool = True) -> None:
        with self._lock:
            self.cover_open = is_open
            self._sync_halt()

    def set_cutter_error(self, on: bool = True) -> None:
        with self._lock:
            self.cutter_error = on
            self._sync_halt()

    def set_near_end(self, on: bool = True) -> None:
        with self._lock:
            self.near_end = on

    def set_stop_reading(self, on: bool = True) -> None:
        """Stop taking bytes off the socket: status queries go unanswered, writes back up."""
        with self._lock:
            self.stop_reading = on

    def drop_connection_after(self, nbytes: int | None) -> None:
        """Reset the connection once ``nbytes`` more bytes have arrived (mid-job)."""
        with self._lock:
            self._drop_after = nbytes

    @property
    def paper_out(self) -> bool:
        left = self.decoder.paper_rows_left
        return self.decoder.paper_out or (left is not None and left <= 0)

    # --- internals ---------------------------------------------------------------------------
    def _new_decoder(self) -> EscposDecoder:
        dec = EscposDecoder(
            self.width_dots,
            font_path=self.font_path,
            font_index=self.font_index,
            strict=False,
            on_realtime=self._realtime,
        )
        dec.on_process_id = self._process_id
        return dec

    def _process_id(self, pid: bytes) -> None:
        """GS ( H: answered once the data before it is printed; a stopped mechanism never
        finishes it (the dropped rows are gone), so no answer then."""
        if self.decoder.halted or self.paper_out or not self.answer_process_id:
            return
        self._collect()
        self.process_ids.append(pid)
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.sendall(PROCESS_ID_HEADER + pid + b"\x00")

    def _sync_halt(self) -> None:
        self.decoder.halted = self.cover_open or self.cutter_error

    def _tear_off(self) -> None:
        piece = self.decoder.tear_off()
        if piece is not None and piece.image.height:
            self.torn.append(self._save(piece, suffix="-torn"))
            del self.torn[: -self.keep_in_memory]

    def _realtime(self, cmd: str, arg: int) -> None:
        if cmd == "status":
            self._collect()  # everything before the query is on paper before it is answered
            self.status_queries += 1
            if not 1 <= arg <= 4:
                return  # real printers ignore out-of-range n
            reply = encode_reply(
                arg,
                cover_open=self.cover_open,
                paper_out=self.paper_out,
                near_end=self.near_end,
                cutter_error=self.cutter_error,
            )
            if self._conn is not None:
                with contextlib.suppress(OSError):  # the host hung up; nobody to answer
                    self._conn.sendall(reply)
        elif cmd == "recover" and self.cutter_error is False:
            self._sync_halt()

    def _prepare_out_dir(self) -> None:
        """Owner-only directory (the printouts carry names), numbering continued after the
        newest file already there, and temp files of a save cut short by a kill removed."""
        assert self.out_dir is not None
        self.out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.out_dir.stat().st_mode & 0o002:  # /tmp and the like: never chmod a shared dir
            raise ValueError(f"virtual printer out_dir {self.out_dir} is world-writable; "
                             "give it a directory of its own")
        os.chmod(self.out_dir, 0o700)  # mkdir's mode does not tighten a directory that exists
        for entry in self.out_dir.iterdir():
            if entry.name.startswith(TMP_PREFIX):
                entry.unlink(missing_ok=True)
            elif m := PRINT_NAME.match(entry.name):
                self._seq = max(self._seq, int(m.group(1)))

    def _save(self, piece: Piece, suffix: str = "") -> Printout:
        self._seq += 1
        path = None
        if self.out_dir is not None:
            path = self.out_dir / f"print-{self._seq:06d}{suffix}.png"
            self._write_atomically(piece, path)
            self._prune()
        return Printout(self._seq, piece, path)

    @staticmethod
    def _write_atomically(piece: Piece, path: Path) -> None:
        """Temp file (0600) + fsync + rename + directory fsync: after a kill or a power cut the
        file is either whole or absent, never a truncated PNG under a printout's name."""
        tmp = path.with_name(f"{TMP_PREFIX}{path.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                piece.image.save(f, format="PNG")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def _prune(self) -> None:
        """Keep only the newest files: printouts of a simulated kiosk still carry names."""
        assert self.out_dir is not None
        files = sorted((int(m.group(1)), p) for p in self.out_dir.iterdir() if (m := PRINT_NAME.match(p.name)))
        for _, old in files[: max(0, len(files) - self.keep_files)]:
            old.unlink(missing_ok=True)

    def _collect(self) -> None:
        while self.decoder.pieces:
            self.printouts.append(self._save(self.decoder.pieces.pop(0)))
            self.printed += 1
            del self.printouts[: -self.keep_in_memory]

    def _serve(self) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            r, _, _ = select.select([self._server], [], [], 0.05)
            if not r:
                continue
            try:
                conn, _ = self._server.accept()
            except OSError:
                continue
            self.connections += 1
            self._conn = conn
            try:
                self._serve_conn(conn)
            finally:
                self._conn = None
                conn.close()

    def _serve_conn(self, conn: socket.socket) -> None:
        while not self._stop.is_set():
            if self.stop_reading:
                self._stop.wait(0.02)
                continue
            r, _, _ = select.select([conn], [], [], 0.05)
            if not r or self.stop_reading:  # re-checked: the knob may flip during select
                continue
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return  # the host closed; pending rows stay in the printer like on paper
            with self._lock:
                if self._drop_after is not None:
                    if len(data) >= self._drop_after:
                        data = data[: self._drop_after]
                        self._feed(data)
                        self._drop_after = None
                        # RST instead of FIN: the sender sees ConnectionResetError / EPIPE
                        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        return
                    self._drop_after -= len(data)
                self._feed(data)

    def _feed(self, data: bytes) -> None:
        self.bytes_received += len(data)
        if self.raw_log is not None:
            self.raw_log += data
        try:
            self.decoder.feed(data)
        except Exception as exc:  # a decoder bug must not kill the simulated printer
            self.decode_errors.append(f"{type(exc).__name__}: {exc}")
            log.error("virtual printer decode error: %s", exc)
            self.decoder = self._new_decoder()
            self._sync_halt()
        self._collect()
