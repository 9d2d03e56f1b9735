"""Candidates always come out in Simplified characters."""

from __future__ import annotations

import pytest

from kiosk.textentry import simplified


@pytest.mark.parametrize(("given", "want"), [("國家", "国家"), ("壩", "坝"), ("釹", "钕"), ("們", "们"),
                                             ("抜", "拔"), ("老王拉面", "老王拉面"), ("芸", "芸"), ("喆", "喆"),
                                             ("鑫淼犇", "鑫淼犇"), ("𠮷", "𠮷"), ("3号楼", "3号楼")])
def test_to_simplified(given: str, want: str) -> None:
    assert simplified.to_simplified(given) == want


def test_missing_opencc_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(simplified, "OPENCC_LIBRARY", "libopencc-missing.so.0")
    simplified._converters.cache_clear()
    simplified.to_simplified.cache_clear()
    try:
        assert not simplified.available()
        with pytest.raises(simplified.OpenCCMissing):
            simplified.to_simplified("國")
    finally:
        monkeypatch.undo()
        simplified._converters.cache_clear()
    assert simplified.to_simplified("國") == "国"
