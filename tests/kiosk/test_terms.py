"""One name for each thing in the Chinese catalogue: 居民身份证 for the resident ID card, 证件 (or
护照) for a document in general, 公民身份号码 for the number printed on the resident card; never
身份证 / 电子身份证件 / 文书 for the same things."""

from __future__ import annotations

from kiosk.i18n import Translator, catalogue

NAMED = ("居民身份证", "外国人永久居留身份证")  # the two cards called by their own names


def test_the_resident_card_and_documents_have_one_name_each() -> None:
    wrong = []
    for msgid, text in catalogue("zh_CN").items():
        rest = text
        for name in NAMED:
            rest = rest.replace(name, "")
        if "身份证" in rest or "电子身份证件" in text or "文书" in text:
            wrong.append((msgid, text))
    assert not wrong, wrong


def test_the_resident_number_is_called_as_printed_on_the_card() -> None:
    zh = Translator("zh_CN")
    assert zh("ID number") == "公民身份号码"
    assert zh("ID number: {number}", number="1101") == "公民身份号码：1101"
    assert zh("Passport or electronic ID card") == "护照或其他带芯片的证件"


# wording seen on the screens that reads like a translation (Chinese) or is vague (English)
AWKWARD_ZH = ("由可信机关签发", "只保存在内存中", "需要更多时间吗")
VAGUE_EN = ("That did not work", "Change something", "Composition")


def test_no_translationese_and_no_vague_english_on_the_screens() -> None:
    zh = catalogue("zh_CN")
    assert not [t for t in zh.values() if any(p in t for p in AWKWARD_ZH)]
    assert not [m for m in zh if m in VAGUE_EN]
