"""ESC/POS byte stream -> paper, as a thermal printer would lay it out.

Hand-written: the emulators that exist are stale PHP (escpos-tools) or need Python >= 3.13 and know
no Chinese mode (emupos). This decoder covers the commands the kiosk and python-escpos emit:
GS v 0 raster, ESC * column images, GS ( L / GS 8 L graphics, text (code page or GB18030 after
FS &), LF / ESC J / ESC d feeds and GS V cuts, and reports DLE EOT / DLE DC4 real-time commands
to its owner. It is incremental (``feed`` may split a command anywhere) so the virtual printer can
answer status queries in the middle of a job, as a real printer does.

Coordinates: one dot = one pixel, vertical motion unit = one dot. Paper is a boolean array,
True = burnt dot; pieces come out as Pillow mode "1" images (black = dot).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from drivers.printer.commands import DLE, ESC, FS, GS

log = logging.getLogger(__name__)

_NON_NUL = re.compile(rb"[^\x00]")
DEFAULT_LINE_SPACING = 30  # ESC 2: 3.75 mm at 203 dpi
CHAR_H = 24  # Font A: 12 x 24 dots, two-byte characters 24 x 24
CHAR_W = 12


class EscposDecodeError(ValueError):
    """The stream is not ESC/POS this decoder understands (strict mode), with the byte offset."""


class _Incomplete(Exception):
    """The command continues beyond the bytes received so far."""


@dataclass
class Piece:
    """One piece of paper between two cuts (or up to the end of the stream)."""

    image: Image.Image
    cut: str  # "full" | "partial" | "none" (stream ended without a cut)
    text: list[str] = field(default_factory=list)


@dataclass
class _Seg:
    dots: np.ndarray  # (h, w) bool


def gb18030_length(buf: bytes | bytearray, i: int) -> int:
    """Bytes in the GB18030 character starting at ``buf[i]``; 0 if more bytes are needed."""
    b0 = buf[i]
    if b0 < 0x80 or b0 == 0x80 or b0 == 0xFF:
        return 1
    if i + 1 >= len(buf):
        return 0
    b1 = buf[i + 1]
    if 0x30 <= b1 <= 0x39:
        return 4 if i + 3 < len(buf) else 0
    return 2


class EscposDecoder:
    """Feed bytes; read ``pieces`` (cut paper) and ``text``.

    Hooks for a printer simulation: ``on_realtime(cmd, arg)`` is called for DLE EOT (``"status"``,
    n) and DLE DC4 fn 8 (``"clear"``, 0); ``halted`` drops print output (cover open, paper out);
    ``paper_rows_left`` sets how many more dot rows the roll holds (None = endless).
    """

    def __init__(
        self,
        width_dots: int = 576,
        font_path: str | Path | None = None,
        strict: bool = True,
        on_realtime: Callable[[str, int], None] | None = None,
        font_index: int = 0,
    ) -> None:
        self.font_index = font_index  # face in a .ttc: 2 is Simplified Chinese in Noto CJK
        self.on_process_id: Callable[[bytes], None] | None = None
        self.width = width_dots
        self.strict = strict
        self.on_realtime = on_realtime
        self.font_path = str(font_path) if font_path else None
        self._font: ImageFont.FreeTypeFont | None = None
        self.halted = False
        self.paper_rows_left: int | None = None
        self.rows_printed = 0
        self.rows_dropped = 0
        self.paper_out = False  # rows were lost for lack of paper: the printer has stopped
        self.pieces: list[Piece] = []
        self.text: list[str] = []
        self.unknown: list[tuple[int, bytes]] = []
        self._buf = bytearray()
        self._offset = 0  # stream offset of _buf[0]
        self._rows: list[np.ndarray] = []
        self._piece_text: list[str] = []
        self._graphics: np.ndarray | None = None
        self._reset_modes()
        self._line: list[_Seg] = []
        self._line_text: list[str] = []
        self._line_w = 0

    # --- modes ---------------------------------------------------------------------------
    def _reset_modes(self) -> None:
        self.kanji = False
        self.justify = 0
        self.line_spacing = DEFAULT_LINE_SPACING
        self.scale = (1, 1)
        self.bold = False

    # --- public --------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        self._buf += data
        i = 0
        n = len(self._buf)
        while i < n:
            try:
                i = self._step(i)
            except _Incomplete:
                break
        del self._buf[:i]
        self._offset += i

    def finish(self) -> list[Piece]:
        """End of stream: print what is buffered; an uncut remainder becomes a piece too."""
        if self._buf and self.strict:
            raise EscposDecodeError(
                f"stream ends inside a command at offset {self._offset} "
                f"(command byte 0x{self._buf[0]:02x}, {len(self._buf)} bytes pending)"
            )
        self._buf.clear()
        self._flush_line(0)
        if self._rows:
            self._emit_piece("none")
        return self.pieces

    @property
    def pending_rows(self) -> int:
        return sum(r.shape[0] for r in self._rows)

    # --- paper ---------------------------------------------------------------------------
    def _put_rows(self, dots: np.ndarray) -> None:
        if dots.shape[0] == 0:
            return
        if self.halted:
            self.rows_dropped += dots.shape[0]
            return
        if self.paper_rows_left is not None:
            if self.paper_rows_left <= 0:
                self.rows_dropped += dots.shape[0]
                self.paper_out = True
                return
            if dots.shape[0] > self.paper_rows_left:
                self.paper_out = True
                self.rows_dropped += dots.shape[0] - self.paper_rows_left
                dots = dots[: self.paper_rows_left]
            self.paper_rows_left -= dots.shape[0]
        self._rows.append(dots)
        self.rows_printed += dots.shape[0]

    def _put_image(self, dots: np.ndarray) -> None:
        """A raster block: cropped or padded to the paper width, justified like text."""
        h, w = dots.shape
        if w > self.width:
            dots = dots[:, : self.width]
            w = self.width
        out = np.zeros((h, self.width), dtype=bool)
        x = self._justify_x(w)
        out[:, x : x + w] = dots
        self._put_rows(out)

    def _blank(self, n: int) -> None:
        if n > 0:
            self._put_rows(np.zeros((n, self.width), dtype=bool))

    def _justify_x(self, w: int) -> int:
        if self.justify == 1:
            return (self.width - w) // 2
        if self.justify == 2:
            return self.width - w
        return 0

    def _emit_piece(self, cut: str) -> None:
        rows = np.concatenate(self._rows) if self._rows else np.zeros((0, self.width), bool)
        self._rows = []
        img = Image.fromarray(~rows) if rows.shape[0] else Image.new("1", (self.width, 0), 1)
        self.pieces.append(Piece(img.convert("1"), cut, self._piece_text))
        self._piece_text = []

    # --- text ----------------------------------------------------------------------------
    def font(self) -> ImageFont.FreeTypeFont:
        if self._font is None:
            if self.font_path is None:
                raise EscposDecodeError("text in the stream but the decoder has no font")
            self._font = ImageFont.truetype(self.font_path, CHAR_H, index=self.font_index)
        return self._font

    def _char(self, ch: str) -> None:
        cw = CHAR_W * (2 if unicodedata.east_asian_width(ch) in "WF" else 1)
        if self.font_path is None:
            # Without a font the text is still recorded (tests, diagnostics); paper gets blanks.
            cell = np.zeros((CHAR_H, cw), dtype=bool)
        else:
            im = Image.new("L", (cw, CHAR_H), 0)
            ImageDraw.Draw(im).text((0, 0), ch, font=self.font(), fill=255)
            cell = np.asarray(im) >= 128
            if self.bold:
                cell = cell | np.roll(cell, 1, axis=1)
        sw, sh = self.scale
        if sw > 1 or sh > 1:
            cell = np.repeat(np.repeat(cell, sh, axis=0), sw, axis=1)
        if self._line_w + cell.shape[1] > self.width:
            self._flush_line(self.line_spacing)
        self._line.append(_Seg(cell))
        self._line_w += cell.shape[1]
        self._line_text.append(ch)

    def _flush_line(self, advance: int) -> None:
        """Print the line buffer, then move the paper ``advance`` dots from the line's top."""
        if not self._line:
            self._blank(advance)
            return
        h = max(s.dots.shape[0] for s in self._line)
        line = np.zeros((max(h, advance), self._line_w), dtype=bool)
        x = 0
        for s in self._line:
            sh, sw = s.dots.shape
            line[h - sh : h, x : x + sw] = s.dots  # baseline-aligned
            x += sw
        self._line, self._line_w = [], 0
        text = "".join(self._line_text)
        self._line_text = []
        if text:
            self.text.append(text)
            self._piece_text.append(text)
        self._put_image(line)

    # --- parser --------------------------------------------------------------------------
    def _need(self, i: int, n: int) -> None:
        if i + n > len(self._buf):
            raise _Incomplete

    def _fail(self, i: int, what: str) -> int:
        if self.strict:
            raise EscposDecodeError(f"{what} at offset {self._offset + i}")
        self.unknown.append((self._offset + i, bytes(self._buf[i : i + 3])))
        log.debug("skipping unknown ESC/POS byte at %d: %s", self._offset + i, what)
        return i + 1

    def _step(self, i: int) -> int:
        b = self._buf[i]
        if b == DLE:
            return self._dle(i)
        if b == ESC:
            return self._esc(i)
        if b == GS:
            return self._gs(i)
        if b == FS:
            return self._fs(i)
        if b == 0x0A:
            self._flush_line(self.line_spacing)
            return i + 1
        if b == 0x00:  # runs of NUL (resync padding) skipped in one go
            m = _NON_NUL.search(self._buf, i)
            return m.start() if m else len(self._buf)
        if b == 0x0D:
            return i + 1
        if b == 0x09:
            self._char(" ")
            return i + 1
        if b < 0x20:
            return self._fail(i, f"control byte 0x{b:02x}")
        return self._text(i)

    def _text(self, i: int) -> int:
        buf = self._buf
        if self.kanji and buf[i] >= 0x81:
            n = gb18030_length(buf, i)
            if n == 0:
                raise _Incomplete
            raw = bytes(buf[i : i + n])
            try:
                ch = raw.decode("gb18030")
            except UnicodeDecodeError:
                return self._fail(i, f"invalid GB18030 sequence {raw.hex()}")
            self._char(ch)
            return i + n
        self._char(bytes((buf[i],)).decode("cp437"))
        return i + 1

    def _dle(self, i: int) -> int:
        self._need(i, 2)
        c = self._buf[i + 1]
        if c == 0x04:  # DLE EOT n
            self._need(i, 3)
            if self.on_realtime:
                self.on_realtime("status", self._buf[i + 2])
            return i + 3
        if c == 0x05:  # DLE ENQ n: recover from error
            self._need(i, 3)
            if self.on_realtime:
                self.on_realtime("recover", self._buf[i + 2])
            return i + 3
        if c == 0x14:  # DLE DC4 fn ...
            self._need(i, 3)
            fn = self._buf[i + 2]
            if fn == 8:  # clear buffers: DLE DC4 8 1 3 20 1 6 2 8
                self._need(i, 10)
                if self.on_realtime:
                    self.on_realtime("clear", 0)
                return i + 10
            if fn in (1, 2):
                self._need(i, 5)
                return i + 5
            return self._fail(i, f"DLE DC4 fn {fn}")
        return self._fail(i, f"DLE 0x{c:02x}")

    # ESC commands with a fixed number of parameter bytes that only change modes we ignore
    _ESC_FIXED: ClassVar[dict[int, int]] = {
        ord("!"): 1, ord("-"): 1, ord("G"): 1, ord("M"): 1, ord("t"): 1, ord("R"): 1,
        ord("{"): 1, ord("V"): 1, ord("r"): 1, ord(" "): 1, ord("U"): 1, ord("$"): 2,
        ord("\\"): 2, ord("p"): 3, ord("S"): 0, ord("L"): 0, ord("T"): 1, ord("<"): 0,
    }  # fmt: skip

    def _esc(self, i: int) -> int:
        self._need(i, 2)
        c = self._buf[i + 1]
        buf = self._buf
        if c == ord("@"):
            self._reset_modes()
            return i + 2
        if c == ord("J"):
            self._need(i, 3)
            self._flush_line(buf[i + 2])
            return i + 3
        if c == ord("d"):
            self._need(i, 3)
            self._flush_line(buf[i + 2] * self.line_spacing)
            return i + 3
        if c == ord("2"):
            self.line_spacing = DEFAULT_LINE_SPACING
            return i + 2
        if c == ord("3"):
            self._need(i, 3)
            self.line_spacing = buf[i + 2]
            return i + 3
        if c == ord("a"):
            self._need(i, 3)
            self.justify = buf[i + 2] % 48 if buf[i + 2] >= 48 else buf[i + 2]
            return i + 3
        if c == ord("E"):
            self._need(i, 3)
            self.bold = bool(buf[i + 2] & 1)
            return i + 3
        if c == ord("*"):
            return self._esc_star(i)
        if c in (ord("i"), ord("m")):  # legacy full / partial cut
            self._cut("full" if c == ord("i") else "partial", 0)
            return i + 2
        if c == ord("c"):  # ESC c 3 n / ESC c 4 n / ESC c 5 n: panel and sensor settings
            self._need(i, 4)
            return i + 4
        if c in self._ESC_FIXED:
            n = self._ESC_FIXED[c]
            self._need(i, 2 + n)
            return i + 2 + n
        return self._fail(i, f"ESC 0x{c:02x}")

    def _esc_star(self, i: int) -> int:
        """ESC * m nL nH d...: one band of a column-format bit image.

        m = 33 is 1:1 (24 dots tall); m = 32 doubles dots horizontally; m = 1 / 0 are 8-dot
        bands whose dots are three rows tall at 203 dpi (0 also doubled horizontally).
        """
        self._need(i, 5)
        buf = self._buf
        m = buf[i + 2]
        n = buf[i + 3] | buf[i + 4] << 8
        if m not in (0, 1, 32, 33):
            return self._fail(i, f"ESC * mode {m}")
        k = 3 if m >= 32 else 1
        self._need(i, 5 + n * k)
        data = np.frombuffer(bytes(buf[i + 5 : i + 5 + n * k]), dtype=np.uint8).reshape(n, k)
        cols = np.unpackbits(data, axis=1)  # (n, 8k): column x, dot y (MSB at top)
        dots = cols.T.astype(bool)  # (8k, n)
        if m in (0, 1):
            dots = np.repeat(dots, 3, axis=0)
        if m in (0, 32):
            dots = np.repeat(dots, 2, axis=1)
        if self._line_w + dots.shape[1] > self.width:
            dots = dots[:, : max(0, self.width - self._line_w)]
        self._line.append(_Seg(dots))
        self._line_w += dots.shape[1]
        return i + 5 + n * k

    _GS_FIXED: ClassVar[dict[int, int]] = {
        ord("!"): 1, ord("B"): 1, ord("L"): 2, ord("W"): 2, ord("P"): 2, ord("a"): 1,
        ord("r"): 1, ord("H"): 1, ord("h"): 1, ord("w"): 1, ord("f"): 1, ord("b"): 1,
        ord("I"): 1, ord("E"): 1, ord("$"): 2, ord("\\"): 2, ord("^"): 3, ord("T"): 1,
    }  # fmt: skip

    def _gs(self, i: int) -> int:
        self._need(i, 2)
        c = self._buf[i + 1]
        buf = self._buf
        if c == ord("v"):
            return self._gs_v0(i)
        if c == ord("V"):
            self._need(i, 3)
            m = buf[i + 2]
            if m in (0, 1, 48, 49):
                self._cut("full" if m in (0, 48) else "partial", 0)
                return i + 3
            if m in (65, 66, 97, 98, 103, 104):
                self._need(i, 4)
                self._cut("full" if m % 2 else "partial", buf[i + 3])
                return i + 4
            return self._fail(i, f"GS V mode {m}")
        if c == ord("("):
            self._need(i, 5)
            p = buf[i + 3] | buf[i + 4] << 8
            self._need(i, 5 + p)
            if buf[i + 2] == ord("L"):
                self._graphics_fn(i, bytes(buf[i + 5 : i + 5 + p]))
            elif buf[i + 2] == ord("H") and p == 6 and buf[i + 5] == 48 and buf[i + 6] == 48:
                if self.on_process_id:
                    self.on_process_id(bytes(buf[i + 7 : i + 11]))
            elif self.strict and buf[i + 2] not in (ord("k"), ord("H")):
                return self._fail(i, f"GS ( {chr(buf[i + 2])!r}")
            return i + 5 + p
        if c == ord("8") and len(buf) > i + 2 and buf[i + 2] == ord("L"):
            self._need(i, 7)
            p = int.from_bytes(buf[i + 3 : i + 7], "little")
            self._need(i, 7 + p)
            self._graphics_fn(i, bytes(buf[i + 7 : i + 7 + p]))
            return i + 7 + p
        if c == ord("!"):
            self._need(i, 3)
            n = buf[i + 2]
            self.scale = ((n >> 4) + 1, (n & 0x0F) + 1)
            return i + 3
        if c in self._GS_FIXED:
            n = self._GS_FIXED[c]
            self._need(i, 2 + n)
            return i + 2 + n
        return self._fail(i, f"GS 0x{c:02x}")

    def _gs_v0(self, i: int) -> int:
        self._need(i, 8)
        buf = self._buf
        if buf[i + 2] != ord("0"):
            return self._fail(i, "GS v not followed by 0")
        m = buf[i + 3]
        xb = buf[i + 4] | buf[i + 5] << 8
        y = buf[i + 6] | buf[i + 7] << 8
        if m not in (0, 1, 2, 3, 48, 49, 50, 51):
            return self._fail(i, f"GS v 0 mode {m}")
        self._need(i, 8 + xb * y)
        raw = np.frombuffer(bytes(buf[i + 8 : i + 8 + xb * y]), dtype=np.uint8)
        dots = np.unpackbits(raw.reshape(y, xb), axis=1).astype(bool)
        if m & 1:
            dots = np.repeat(dots, 2, axis=1)
        if m & 2:
            dots = np.repeat(dots, 2, axis=0)
        self._flush_line(0)
        self._put_image(dots)
        return i + 8 + xb * y

    def _graphics_fn(self, i: int, body: bytes) -> None:
        """GS ( L / GS 8 L body: m fn ... ; 112 stores raster graphics, 50 prints them."""
        if len(body) < 2:
            self._fail(i, "GS ( L without function")
            return
        fn = body[1]
        if fn == 112:  # a bx by c xL xH yL yH data
            if len(body) < 10:
                self._fail(i, "GS ( L fn 112 header too short")
                return
            bx, by = body[3], body[4]
            x = body[6] | body[7] << 8
            y = body[8] | body[9] << 8
            xb = (x + 7) // 8
            if len(body) - 10 != xb * y:
                # python-escpos 3.1 announces a wrapped 16-bit length for images over ~64 KB
                raise EscposDecodeError(
                    f"GS ( L announces {len(body) - 10} data bytes for a {x}x{y} image "
                    f"({xb * y} needed) at offset {self._offset + i}"
                )
            raw = np.frombuffer(body[10:], dtype=np.uint8).reshape(y, xb)
            dots = np.unpackbits(raw, axis=1)[:, :x].astype(bool)
            if bx == 2:
                dots = np.repeat(dots, 2, axis=1)
            if by == 2:
                dots = np.repeat(dots, 2, axis=0)
            self._graphics = dots
        elif fn in (50, 2):
            if self._graphics is not None:
                self._flush_line(0)
                self._put_image(self._graphics)
                self._graphics = None
        # other functions (NV graphics management, tone settings) do not put dots on paper

    def _fs(self, i: int) -> int:
        self._need(i, 2)
        c = self._buf[i + 1]
        if c == ord("&"):
            self.kanji = True
            return i + 2
        if c == ord("."):
            self.kanji = False
            return i + 2
        if c in (ord("C"), ord("!"), ord("-"), ord("W")):
            self._need(i, 3)
            return i + 3
        if c == ord("S"):
            self._need(i, 4)
            return i + 4
        return self._fail(i, f"FS 0x{c:02x}")

    def _cut(self, kind: str, feed: int) -> None:
        self._flush_line(0)
        self._blank(feed)
        if self.halted or self.paper_out:
            return  # a stopped mechanism does not cut; the torn remainder stays pending
        self._emit_piece(kind)

    def tear_off(self) -> Piece | None:
        """What a technician tears off when reloading paper: the uncut, partly printed rest."""
        self._flush_line(0)
        piece = None
        if self._rows:
            self._emit_piece("torn")
            piece = self.pieces.pop()
        self.paper_out = False
        return piece


def decode(data: bytes, width_dots: int = 576, font_path: str | Path | None = None, font_index: int = 0) -> list[Piece]:
    """Decode a whole job (strict): the pieces of paper it produces."""
    dec = EscposDecoder(width_dots, font_path=font_path, strict=True, font_index=font_index)
    dec.feed(data)
    return dec.finish()


def preview(pieces: list[Piece], width_dots: int = 576) -> Image.Image:
    """All pieces stacked with a dashed cut mark between them: what a technician looks at."""
    gap = 9
    h = sum(p.image.height for p in pieces) + gap * max(0, len(pieces) - 1)
    out = Image.new("1", (width_dots, max(h, 1)), 1)
    y = 0
    draw = ImageDraw.Draw(out)
    for k, p in enumerate(pieces):
        out.paste(p.image, (0, y))
        y += p.image.height
        if k < len(pieces) - 1:
            for x in range(0, width_dots, 16):
                draw.line([(x, y + gap // 2), (x + 8, y + gap // 2)], fill=0)
            y += gap
    return out
