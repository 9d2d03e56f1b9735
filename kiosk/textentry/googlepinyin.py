"""Pinyin with libgooglepinyin (Apache-2.0, Debian ``libgooglepinyin0``): Android's PinyinIME
decoder with its full system dictionary and bigram model.

The library exposes plain C functions (``im_open_decoder``, ``im_search`` ...) over one global
decoder, so ctypes, one engine per process and a lock. No user dictionary is given: the decoder
must not learn one applicant's words and offer them to the next.
"""

from __future__ import annotations

import ctypes
import re
import threading
from pathlib import Path
from typing import ClassVar

from kiosk.textentry.engine import Candidate
from kiosk.textentry.errors import EngineFailed, PinyinUnavailable
from kiosk.textentry.readings import reading
from kiosk.textentry.simplified import OpenCCMissing, to_simplified

LIBRARY = "libgooglepinyin.so.0"
SYSTEM_DICT = Path("/usr/lib/x86_64-linux-gnu/googlepinyin/data/dict_pinyin.dat")
LETTERS = re.compile(r"[a-z']{1,64}")
MAX_CANDIDATE = 64  # UTF-16 units


class GooglePinyinEngine:
    name = "googlepinyin"
    _instance: ClassVar[GooglePinyinEngine | None] = None
    _instance_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def shared(cls, dictionary: Path = SYSTEM_DICT) -> GooglePinyinEngine:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls(Path(dictionary))
            return cls._instance

    def __init__(self, dictionary: Path) -> None:
        if not dictionary.is_file():
            raise PinyinUnavailable(f"googlepinyin dictionary {dictionary} not found: install libgooglepinyin0")
        try:
            to_simplified("中")
        except OpenCCMissing as e:
            raise PinyinUnavailable(str(e)) from e
        try:
            lib = ctypes.CDLL(LIBRARY)
        except OSError as e:
            raise PinyinUnavailable(f"{LIBRARY} not found: install Debian's libgooglepinyin0") from e
        lib.im_open_decoder.restype = ctypes.c_bool
        lib.im_open_decoder.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        lib.im_search.restype = ctypes.c_size_t
        lib.im_search.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
        lib.im_get_candidate.restype = ctypes.c_void_p
        lib.im_get_candidate.argtypes = [ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t]
        lib.im_choose.restype = ctypes.c_size_t
        lib.im_choose.argtypes = [ctypes.c_size_t]
        lib.im_get_fixed_len.restype = ctypes.c_size_t
        lib.im_get_spl_start_pos.restype = ctypes.c_size_t
        lib.im_get_spl_start_pos.argtypes = [ctypes.POINTER(ctypes.POINTER(ctypes.c_uint16))]
        lib.im_reset_search.restype = None
        # an empty user-dictionary path: the decoder then keeps no user words at all
        if not lib.im_open_decoder(str(dictionary).encode(), b""):
            raise PinyinUnavailable(f"googlepinyin cannot open {dictionary}")
        self._lib = lib
        self._buf = ctypes.create_string_buffer(2 * (MAX_CANDIDATE + 1))
        self._lock = threading.Lock()
        self._last: tuple[str, list[int]] = ("", [])

    def _search(self, letters: str) -> int:
        if not LETTERS.fullmatch(letters):
            raise ValueError(f"pinyin input must be 1-64 letters a-z, got {len(letters)} characters")
        self._lib.im_reset_search()
        return int(self._lib.im_search(letters.encode(), len(letters)))

    def _candidate(self, i: int) -> str:
        ctypes.memset(self._buf, 0, len(self._buf))
        if not self._lib.im_get_candidate(i, self._buf, MAX_CANDIDATE):
            return ""
        return self._buf.raw.decode("utf-16-le").split("\x00", 1)[0]

    def candidates(self, letters: str, limit: int) -> list[Candidate]:
        with self._lock:
            n = self._search(letters)
            texts: list[str] = []
            raw: list[int] = []
            for i in range(n):
                if len(texts) >= limit:
                    break
                text = to_simplified(self._candidate(i))
                if text and text not in texts:
                    texts.append(text)
                    raw.append(i)
            self._last = (letters, raw)
        return [Candidate(t, reading(t)) for t in texts]

    def consumed(self, letters: str, index: int) -> int:
        known, raw = self._last
        if known != letters or index >= len(raw):  # another caller asked in between: ask again
            self.candidates(letters, index + 1)
        with self._lock:
            known, raw = self._last
            if known != letters or index >= len(raw):
                raise IndexError(f"no candidate {index} for these letters")
            self._search(letters)
            self._lib.im_choose(raw[index])
            fixed = int(self._lib.im_get_fixed_len())
            starts = ctypes.POINTER(ctypes.c_uint16)()
            n = int(self._lib.im_get_spl_start_pos(ctypes.byref(starts)))
            self._lib.im_reset_search()
        if fixed >= n:
            return len(letters)
        if fixed < 0 or not starts:
            raise EngineFailed("googlepinyin gave no syllable positions")
        # starts[k] is where syllable k begins in the letters; starts[n] is their end
        return int(starts[fixed])

    def close(self) -> None:
        """The decoder is process-wide and ends with the process."""
