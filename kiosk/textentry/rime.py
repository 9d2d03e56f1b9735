"""Pinyin with librime (BSD-3-Clause, Debian ``librime1``) and the ``pinyin_simp`` schema
(Apache-2.0 dictionary from Android's PinyinIME, Debian ``rime-data-pinyin-simp``).

ctypes against ``rime_get_api()``: the PyPI binding (pyrime) is GPL-3 and builds from source
with meson. librime keeps global state, so one engine per process (``RimeEngine.shared``), one
session, every call under a lock. The schema is patched in the kiosk's own user-data folder:
no user dictionary (rime would otherwise learn one applicant's shop name and offer it to the
next) and no stroke reverse lookup (its data is LGPL-3 and the kiosk does not need it).
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

LIBRARY = "librime.so.1"
SHARED_DATA = Path("/usr/share/rime-data")
SCHEMA = "pinyin_simp"
LETTERS = re.compile(r"[a-z']{1,64}")

_API_FIELDS = (
    "setup set_notification_handler initialize finalize start_maintenance is_maintenance_mode "
    "join_maintenance_thread deployer_initialize prebuild deploy deploy_schema deploy_config_file "
    "sync_user_data create_session find_session destroy_session cleanup_stale_sessions "
    "cleanup_all_sessions process_key commit_composition clear_composition get_commit free_commit "
    "get_context free_context get_status free_status set_option get_option set_property get_property "
    "get_schema_list free_schema_list get_current_schema select_schema schema_open config_open "
    "config_close config_get_bool config_get_int config_get_double config_get_string config_get_cstring "
    "config_update_signature config_begin_map config_next config_end simulate_key_sequence "
    "register_module find_module run_task get_shared_data_dir get_user_data_dir get_sync_dir get_user_id "
    "get_user_data_sync_dir config_init config_load_string config_set_bool config_set_int "
    "config_set_double config_set_string config_get_item config_set_item config_clear config_create_list "
    "config_create_map config_list_size config_begin_list get_input get_caret_pos select_candidate "
    "get_version set_caret_pos select_candidate_on_current_page candidate_list_begin candidate_list_next "
    "candidate_list_end"
).split()


class _Traits(ctypes.Structure):
    _fields_: ClassVar[list] = [("data_size", ctypes.c_int)] + [(n, ctypes.c_char_p) for n in (
        "shared_data_dir", "user_data_dir", "distribution_name", "distribution_code_name",
        "distribution_version", "app_name")] + [
        ("modules", ctypes.c_void_p), ("min_log_level", ctypes.c_int), ("log_dir", ctypes.c_char_p),
        ("prebuilt_data_dir", ctypes.c_char_p), ("staging_dir", ctypes.c_char_p)]


class _Composition(ctypes.Structure):
    _fields_: ClassVar[list] = [("length", ctypes.c_int), ("cursor_pos", ctypes.c_int), ("sel_start", ctypes.c_int),
                ("sel_end", ctypes.c_int), ("preedit", ctypes.c_void_p)]


class _Candidate(ctypes.Structure):
    _fields_: ClassVar[list] = [("text", ctypes.c_char_p), ("comment", ctypes.c_char_p), ("reserved", ctypes.c_void_p)]


class _Menu(ctypes.Structure):
    _fields_: ClassVar[list] = [("page_size", ctypes.c_int), ("page_no", ctypes.c_int), ("is_last_page", ctypes.c_int),
                ("highlighted_candidate_index", ctypes.c_int), ("num_candidates", ctypes.c_int),
                ("candidates", ctypes.c_void_p), ("select_keys", ctypes.c_char_p)]


class _Context(ctypes.Structure):
    _fields_: ClassVar[list] = [("data_size", ctypes.c_int), ("composition", _Composition), ("menu", _Menu),
                ("commit_text_preview", ctypes.c_char_p), ("select_labels", ctypes.c_void_p)]


class _Commit(ctypes.Structure):
    _fields_: ClassVar[list] = [("data_size", ctypes.c_int), ("text", ctypes.c_char_p)]


class _Iterator(ctypes.Structure):
    _fields_: ClassVar[list] = [("ptr", ctypes.c_void_p), ("index", ctypes.c_int), ("candidate", _Candidate)]


class _Api(ctypes.Structure):
    _fields_: ClassVar[list] = [("data_size", ctypes.c_int)] + [(n, ctypes.c_void_p) for n in _API_FIELDS]


def _sized(struct: type[ctypes.Structure]) -> ctypes.Structure:
    s = struct()
    s.data_size = ctypes.sizeof(struct) - ctypes.sizeof(ctypes.c_int)  # RIME_STRUCT_INIT
    return s


_SID = ctypes.c_size_t
_P = ctypes.POINTER
_SIGNATURES = {
    "setup": (None, [_P(_Traits)]),
    "initialize": (None, [_P(_Traits)]),
    "start_maintenance": (ctypes.c_int, [ctypes.c_int]),
    "join_maintenance_thread": (None, []),
    "create_session": (_SID, []),
    "select_schema": (ctypes.c_int, [_SID, ctypes.c_char_p]),
    "clear_composition": (None, [_SID]),
    "simulate_key_sequence": (ctypes.c_int, [_SID, ctypes.c_char_p]),
    "candidate_list_begin": (ctypes.c_int, [_SID, _P(_Iterator)]),
    "candidate_list_next": (ctypes.c_int, [_P(_Iterator)]),
    "candidate_list_end": (None, [_P(_Iterator)]),
    "select_candidate": (ctypes.c_int, [_SID, ctypes.c_size_t]),
    "get_context": (ctypes.c_int, [_SID, _P(_Context)]),
    "free_context": (ctypes.c_int, [_P(_Context)]),
    "get_commit": (ctypes.c_int, [_SID, _P(_Commit)]),
    "free_commit": (ctypes.c_int, [_P(_Commit)]),
    "get_version": (ctypes.c_char_p, []),
}

_DEFAULT_YAML = """\
# written by the kiosk at start-up: the only schema it uses
schema_list:
  - schema: {schema}
menu:
  page_size: 50
"""
_PATCH_YAML = """\
# written by the kiosk at start-up: only what an on-screen pinyin keyboard needs
patch:
  schema/dependencies: []
  engine/processors: [speller, selector, navigator, express_editor]
  engine/segmentors: [abc_segmentor, fallback_segmentor]
  engine/translators: [script_translator]
  translator/enable_user_dict: false
  translator/enable_completion: true
  key_binder: {bindings: []}
  punctuator: {}
  recognizer: {patterns: {}}
"""
_LEXICON_PATCH = "  translator/dictionary: {name}\n"


def _check_schema(shared_dir: Path, schema: str) -> None:
    if not (shared_dir / f"{schema}.schema.yaml").is_file():
        raise PinyinUnavailable(f"rime schema {schema} not in {shared_dir}: install rime-data-pinyin-simp")


def _write_if_changed(path: Path, text: str) -> None:
    """Rewrite only on change: rime recompiles whatever is newer than its build."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)


def _bind(api: _Api, name: str) -> ctypes._CFuncPtr:
    restype, argtypes = _SIGNATURES[name]
    addr = getattr(api, name)
    if not addr:
        raise PinyinUnavailable(f"librime lacks {name}")
    return ctypes.CFUNCTYPE(restype, *argtypes)(addr)


class RimeEngine:
    """librime session for one process. Use ``RimeEngine.shared(user_dir)``."""

    name = "rime"
    _instance: ClassVar[RimeEngine | None] = None
    _instance_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def shared(cls, user_dir: Path, shared_dir: Path = SHARED_DATA, schema: str = SCHEMA,
               shop_lexicon: bool = True) -> RimeEngine:
        _check_schema(Path(shared_dir), schema)  # also when an engine is already running
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls(Path(user_dir), Path(shared_dir), schema, shop_lexicon)
            return cls._instance

    def __init__(self, user_dir: Path, shared_dir: Path, schema: str, shop_lexicon: bool = True) -> None:
        _check_schema(shared_dir, schema)
        try:
            to_simplified("中")
        except OpenCCMissing as e:
            raise PinyinUnavailable(str(e)) from e
        try:
            lib = ctypes.CDLL(LIBRARY)
        except OSError as e:
            raise PinyinUnavailable(f"{LIBRARY} not found: install Debian's librime1") from e
        lib.rime_get_api.restype = _P(_Api)
        api = lib.rime_get_api().contents
        self._fn = {name: _bind(api, name) for name in _SIGNATURES}
        user_dir.mkdir(parents=True, exist_ok=True)
        _write_if_changed(user_dir / "default.yaml", _DEFAULT_YAML.format(schema=schema))
        patch = _PATCH_YAML
        if shop_lexicon:
            patch += self._write_lexicon(user_dir, schema)
        _write_if_changed(user_dir / f"{schema}.custom.yaml", patch)
        self._traits = _sized(_Traits)  # librime keeps pointers into it: it must outlive the engine
        self._keep = [str(shared_dir).encode(), str(user_dir).encode(), b"rime.kiosk", b"kiosk", b"1"]
        t = self._traits
        t.shared_data_dir, t.user_data_dir, t.app_name = self._keep[0], self._keep[1], self._keep[2]
        t.distribution_name = t.distribution_code_name = self._keep[3]
        t.distribution_version = self._keep[4]
        t.min_log_level = 3  # FATAL only: glog would otherwise write files under /tmp
        self._fn["setup"](ctypes.byref(t))
        self._fn["initialize"](ctypes.byref(t))
        if self._fn["start_maintenance"](1):  # compiles the patched schema once, ~1-5 s
            self._fn["join_maintenance_thread"]()
        self._session = self._fn["create_session"]()
        if not self._session or not self._fn["select_schema"](self._session, schema.encode()):
            raise PinyinUnavailable(f"rime cannot open schema {schema}")
        self.version = (self._fn["get_version"]() or b"?").decode()
        self._lock = threading.Lock()
        self._last: tuple[str, list[int]] = ("", [])  # letters -> rime index of each candidate given

    @staticmethod
    def _write_lexicon(user_dir: Path, schema: str) -> str:
        """The shop-name lexicon as a rime dictionary importing the schema's own."""
        from kiosk.textentry import lexicon

        text = lexicon.rime_dict(schema)
        _write_if_changed(user_dir / f"{lexicon.NAME}.dict.yaml", text)
        return _LEXICON_PATCH.format(name=lexicon.NAME)

    def _input(self, letters: str) -> None:
        if not LETTERS.fullmatch(letters):
            raise ValueError(f"pinyin input must be 1-64 letters a-z, got {len(letters)} characters")
        self._fn["clear_composition"](self._session)
        if not self._fn["simulate_key_sequence"](self._session, letters.encode()):
            raise EngineFailed("rime refused the key sequence")

    def candidates(self, letters: str, limit: int) -> list[Candidate]:
        with self._lock:
            self._input(letters)
            out: list[Candidate] = []
            raw_index: list[int] = []
            seen: set[str] = set()
            it = _Iterator()
            if self._fn["candidate_list_begin"](self._session, ctypes.byref(it)):
                try:
                    while len(out) < limit and self._fn["candidate_list_next"](ctypes.byref(it)):
                        text = to_simplified((it.candidate.text or b"").decode())
                        if text and text not in seen:
                            seen.add(text)
                            raw_index.append(it.index)
                            out.append(Candidate(text, ""))
                finally:
                    self._fn["candidate_list_end"](ctypes.byref(it))
            self._last = (letters, raw_index)
        return [Candidate(c.text, reading(c.text)) for c in out]

    def consumed(self, letters: str, index: int) -> int:
        known, raw = self._last
        if known != letters or index >= len(raw):  # another caller asked in between: ask again
            self.candidates(letters, index + 1)
        with self._lock:
            known, raw = self._last
            if known != letters or index >= len(raw):
                raise IndexError(f"no candidate {index} for these letters")
            self._input(letters)
            if not self._fn["select_candidate"](self._session, raw[index]):
                raise EngineFailed("rime refused the candidate")
            commit = _sized(_Commit)
            if self._fn["get_commit"](self._session, ctypes.byref(commit)):
                self._fn["free_commit"](ctypes.byref(commit))
                return len(letters)
            ctx = _sized(_Context)
            if not self._fn["get_context"](self._session, ctypes.byref(ctx)):
                raise EngineFailed("rime has no context after a selection")
            try:
                comp = ctx.composition
                preedit = ctypes.string_at(comp.preedit) if comp.preedit else b""
                rest = preedit[comp.sel_start:].decode(errors="replace")
            finally:
                self._fn["free_context"](ctypes.byref(ctx))
            self._fn["clear_composition"](self._session)
        # preedit shows the rest as formatted syllables ("la mian", "lü"): count its letters and
        # walk back the same number of letters in the raw input
        need = sum(ch.isalpha() for ch in rest)
        pos = len(letters)
        while need and pos:
            pos -= 1
            if letters[pos] != "'":
                need -= 1
        return pos

    def close(self) -> None:
        """Sessions end with the process: librime cannot be set up twice in one process."""
