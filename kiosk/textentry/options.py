"""Text-entry settings (the kiosk's ``[text_entry]`` config section maps onto this one-to-one)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE_ASSETS = Path(__file__).resolve().parent.parent.parent / "assets" / "textentry"
BUNDLED_MODEL = PACKAGE_ASSETS / "handwriting-zh_CN-mmah.model"
# Debian's tegaki-zinnia-simplified-chinese: copyleft, never shipped with the kiosk; a site that
# installs it separately may point handwriting_model here
TEGAKI_MODEL = Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model")

PINYIN_ENGINES = ("rime", "googlepinyin", "none")
HANDWRITING_ENGINES = ("zinnia", "none")
MODES = ("pinyin", "handwriting")


@dataclass(frozen=True)
class TextEntryOptions:
    pinyin_engine: str = "rime"
    handwriting_engine: str = "zinnia"
    handwriting_model: str = ""  # "" = the kiosk's own model (assets/textentry); or a file path
    rime_shared_data: str = "/usr/share/rime-data"
    rime_schema: str = "pinyin_simp"
    shop_lexicon: bool = True  # trade words and surname patterns ranked first (kiosk/textentry/lexicon.py)
    candidates_per_page: int = 8
    max_length: int = 30  # characters in one field
    first_mode: str = "pinyin"  # what the widget opens with when both work

    def __post_init__(self) -> None:
        if self.pinyin_engine not in PINYIN_ENGINES:
            raise ValueError(f"pinyin_engine must be one of {PINYIN_ENGINES}, got {self.pinyin_engine!r}")
        if self.handwriting_engine not in HANDWRITING_ENGINES:
            raise ValueError(f"handwriting_engine must be one of {HANDWRITING_ENGINES}, "
                             f"got {self.handwriting_engine!r}")
        if self.first_mode not in MODES:
            raise ValueError(f"first_mode must be one of {MODES}, got {self.first_mode!r}")
        if not 3 <= self.candidates_per_page <= 20:
            raise ValueError(f"candidates_per_page must be 3-20, got {self.candidates_per_page}")
        if not 1 <= self.max_length <= 200:
            raise ValueError(f"max_length must be 1-200, got {self.max_length}")

    def model_path(self) -> Path:
        return Path(self.handwriting_model) if self.handwriting_model else BUNDLED_MODEL
