"""Configured engines open, a missing one leaves the other working, none at all is a typed error."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.textentry import methods as methods_mod
from kiosk.textentry.errors import HandwritingUnavailable, NoInputMethod, PinyinUnavailable
from kiosk.textentry.options import TextEntryOptions


@pytest.mark.parametrize("bad", [{"pinyin_engine": "sogou"}, {"handwriting_engine": "tesseract"},
                                 {"first_mode": "voice"}, {"candidates_per_page": 50}, {"max_length": 0}])
def test_options_refuse_unknown_values(bad: dict) -> None:
    with pytest.raises(ValueError):
        TextEntryOptions(**bad)


def test_missing_handwriting_model_leaves_pinyin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sentinel = object()
    monkeypatch.setattr(methods_mod, "open_pinyin", lambda options, var: sentinel)
    opts = TextEntryOptions(handwriting_model=str(tmp_path / "missing.model"), first_mode="handwriting")
    m = methods_mod.open_input_methods(opts, tmp_path)
    assert m.pinyin is sentinel and m.handwriting is None
    assert m.modes == ("pinyin",)
    assert isinstance(m.errors["handwriting"], HandwritingUnavailable)
    assert m.errors["handwriting"].code == "textentry_handwriting_unavailable"


def test_missing_pinyin_data_leaves_handwriting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sentinel = object()
    monkeypatch.setattr(methods_mod, "open_handwriting", lambda options: sentinel)
    opts = TextEntryOptions(rime_shared_data=str(tmp_path / "no-rime"))
    m = methods_mod.open_input_methods(opts, tmp_path)
    assert m.handwriting is sentinel and m.modes == ("handwriting",)
    assert isinstance(m.errors["pinyin"], PinyinUnavailable)


def test_neither_engine_is_no_input_method(tmp_path: Path) -> None:
    opts = TextEntryOptions(rime_shared_data=str(tmp_path / "no-rime"), handwriting_model=str(tmp_path / "none"))
    with pytest.raises(NoInputMethod) as e:
        methods_mod.open_input_methods(opts, tmp_path)
    assert e.value.code == "textentry_unavailable"
    with pytest.raises(NoInputMethod):
        methods_mod.open_input_methods(TextEntryOptions(pinyin_engine="none", handwriting_engine="none"), tmp_path)


def test_modes_put_the_configured_first_mode_first() -> None:
    m = methods_mod.InputMethods(TextEntryOptions(first_mode="handwriting"), pinyin=object(),  # type: ignore[arg-type]
                                 handwriting=object())  # type: ignore[arg-type]
    assert m.modes == ("handwriting", "pinyin")
    comp = m.composition("老王拉面店", max_length=4)
    assert comp.text == "老王拉面" and comp.max_length == 4
