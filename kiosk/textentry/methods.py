"""Open the configured engines, keeping whichever work.

A kiosk whose pinyin library is missing still takes handwriting, and the other way round: the
failure is kept as a typed error (for the technician's log and the diagnostics page) and the
widget offers only the modes that work. Only when neither works is ``NoInputMethod`` raised.
Opening takes up to a few seconds the first time (rime compiles its dictionaries into the
var dir), so the kiosk does it on a worker thread at start-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.textentry import readings
from kiosk.textentry.composition import Composition
from kiosk.textentry.engine import HandwritingEngine, PinyinEngine
from kiosk.textentry.errors import HandwritingUnavailable, NoInputMethod, PinyinUnavailable, TextEntryError
from kiosk.textentry.options import TextEntryOptions

log = logging.getLogger(__name__)


@dataclass
class InputMethods:
    options: TextEntryOptions
    pinyin: PinyinEngine | None = None
    handwriting: HandwritingEngine | None = None
    errors: dict[str, TextEntryError] = field(default_factory=dict)  # "pinyin"/"handwriting" -> why not

    @property
    def modes(self) -> tuple[str, ...]:
        have = {"pinyin": self.pinyin is not None, "handwriting": self.handwriting is not None}
        first = self.options.first_mode
        order = (first, *(m for m in ("pinyin", "handwriting") if m != first))
        return tuple(m for m in order if have[m])

    def composition(self, text: str = "", max_length: int | None = None) -> Composition:
        limit = max_length or self.options.max_length
        return Composition(self.pinyin, self.handwriting, max_length=limit,
                           page_size=self.options.candidates_per_page, text=text[:limit])


def open_pinyin(options: TextEntryOptions, var_dir: Path) -> PinyinEngine | None:
    if options.pinyin_engine == "rime":
        from kiosk.textentry.rime import RimeEngine

        return RimeEngine.shared(Path(var_dir) / "textentry" / "rime", Path(options.rime_shared_data),
                                 options.rime_schema, options.shop_lexicon)
    if options.pinyin_engine == "googlepinyin":
        from kiosk.textentry.googlepinyin import GooglePinyinEngine

        return GooglePinyinEngine.shared()
    return None


def open_handwriting(options: TextEntryOptions) -> HandwritingEngine | None:
    if options.handwriting_engine == "zinnia":
        from kiosk.textentry.handwriting import ZinniaHandwriting

        return ZinniaHandwriting(options.model_path())
    return None


def open_input_methods(options: TextEntryOptions, var_dir: Path) -> InputMethods:
    """Both engines if possible, one if need be; NoInputMethod if none is configured or works."""
    methods = InputMethods(options)
    try:
        methods.pinyin = open_pinyin(options, var_dir)
    except PinyinUnavailable as e:
        methods.errors["pinyin"] = e
        log.warning("pinyin input unavailable (%s): %s", e.code, e.detail)
    try:
        methods.handwriting = open_handwriting(options)
    except HandwritingUnavailable as e:
        methods.errors["handwriting"] = e
        log.warning("handwriting input unavailable (%s): %s", e.code, e.detail)
    if not methods.modes:
        why = "; ".join(f"{k}: {v.detail}" for k, v in methods.errors.items()) or "both engines are set to none"
        raise NoInputMethod(why)
    readings.warm_up()
    return methods
