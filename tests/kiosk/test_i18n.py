"""Every string the screens show has a Chinese translation with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import Translator, catalogue

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"{[a-z_]+}")


def extracted_msgids(tmp: Path) -> set[str]:
    pot = tmp / "kiosk.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location", "-k", "tr",
                    "-k", "N_", "-o", str(pot), str(ROOT / "kiosk" / "ui")], check=True, capture_output=True)
    with pot.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_every_msgid_is_translated_to_chinese(tmp_path: Path) -> None:
    ids = extracted_msgids(tmp_path)
    assert len(ids) > 100
    zh = catalogue("zh_CN")
    missing = sorted(ids - set(zh))
    assert not missing, f"untranslated: {missing[:5]}"
    for msgid in ids:
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(zh[msgid])), msgid


def test_translator_switches_and_formats() -> None:
    tr = Translator("zh_CN")
    assert tr("Ask for staff") == "呼叫工作人员"
    assert tr("Tracking number: {number}", number="T-1") == "受理编号：T-1"
    tr.language = "en"
    assert tr("Ask for staff") == "Ask for staff"
    assert tr("an unknown string") == "an unknown string"


def test_every_code_the_screens_map_has_a_chinese_text() -> None:
    from kiosk.ui import messages

    tr = Translator("zh_CN")
    for table in (messages.ERRORS, messages.REASONS, messages.GUIDANCE, messages.FORM_FIELDS, messages.COMPOSITION):
        untranslated = [code for code, msgid in table.items() if tr(msgid) == msgid]
        assert not untranslated, untranslated


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_each_catalogue_parses_without_a_problem(language: str) -> None:
    """Babel only warns about a msgid without its msgstr and then drops the entry: refuse it here."""
    path = ROOT / "assets" / "locale" / language / "LC_MESSAGES" / "kiosk.po"
    with path.open("rb") as f:
        read_po(f, abort_invalid=True)
