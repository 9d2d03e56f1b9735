"""Simplified Chinese output, whatever a dictionary or model proposes.

Engine dictionaries carry Traditional and Japanese forms (pinyin_simp lists 壩 and 抜 next to 坝 and
拔). Every candidate goes through OpenCC's Traditional-to-Simplified table; a character still outside
GB 2312 that OpenCC knows as a Japanese variant of a Traditional character is replaced by that
character's Simplified form (抜 -> 拔). Characters inside GB 2312 are never touched by the Japanese
table, which would wrongly turn Chinese 芸 into 艺. OpenCC comes from Debian's libopencc1.1 (a
dependency of librime1 anyway) through its small C API: no Python binding is needed.
"""

from __future__ import annotations

import ctypes
import functools
import threading
from pathlib import Path

OPENCC_LIBRARY = "libopencc.so.1.1"
OPENCC_DATA = Path("/usr/share/opencc")


class OpenCCMissing(RuntimeError):
    pass


class _Converter:
    def __init__(self, lib: ctypes.CDLL, config: Path) -> None:
        self._lib = lib
        self._handle = lib.opencc_open(str(config).encode())
        if self._handle in (None, 0, ctypes.c_void_p(-1).value):
            raise OpenCCMissing(f"OpenCC cannot open {config}")
        self._lock = threading.Lock()  # one OpenCC handle is not documented as thread-safe

    def __call__(self, text: str) -> str:
        data = text.encode()
        with self._lock:
            out = self._lib.opencc_convert_utf8(self._handle, data, len(data))
            if not out:
                return text
            try:
                return ctypes.string_at(out).decode()
            finally:
                self._lib.opencc_convert_utf8_free(out)


@functools.cache
def _converters() -> tuple[_Converter, _Converter]:
    try:
        lib = ctypes.CDLL(OPENCC_LIBRARY)
    except OSError as e:
        raise OpenCCMissing(f"{OPENCC_LIBRARY} not found: install Debian's libopencc1.1") from e
    lib.opencc_open.restype = ctypes.c_void_p
    lib.opencc_open.argtypes = [ctypes.c_char_p]
    lib.opencc_convert_utf8.restype = ctypes.c_void_p
    lib.opencc_convert_utf8.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.opencc_convert_utf8_free.argtypes = [ctypes.c_void_p]
    return _Converter(lib, OPENCC_DATA / "t2s.json"), _Converter(lib, OPENCC_DATA / "jp2t.json")


def available() -> bool:
    try:
        _converters()
    except OpenCCMissing:
        return False
    return True


def in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def is_han(ch: str) -> bool:
    """A CJK unified ideograph (basic block or extensions A to G)."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F)


@functools.lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """``text`` in Simplified characters (raises OpenCCMissing without OpenCC)."""
    t2s, jp2t = _converters()
    out = t2s(text)
    if all(in_gb2312(ch) or not is_han(ch) for ch in out):
        return out
    fixed = []
    for ch in out:
        if is_han(ch) and not in_gb2312(ch):
            alt = t2s(jp2t(ch))
            if alt != ch and all(in_gb2312(a) for a in alt):
                ch = alt
        fixed.append(ch)
    return "".join(fixed)
