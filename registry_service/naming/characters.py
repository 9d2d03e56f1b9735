"""Character rules: only characters of the 通用规范汉字表, with the standard form suggested for a
traditional or variant character."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from registry_service.refdata.model import Hanzi


@dataclass(frozen=True, slots=True)
class CharIssue:
    code: str
    char: str
    suggestion: str = ""


def _is_han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def char_issues(text: str, hanzi: Hanzi) -> list[CharIssue]:
    """One issue per offending character, in order (a character repeated is reported once)."""
    issues: list[CharIssue] = []
    for ch in dict.fromkeys(text):
        if ch in hanzi.members:
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) == 1 and folded in hanzi.members:  # a compatibility ideograph of a standard one
            issues.append(CharIssue("name_variant_character", ch, folded))
        elif ch in hanzi.traditional:
            issues.append(CharIssue("name_traditional_character", ch, hanzi.traditional[ch]))
        elif ch in hanzi.variant:
            issues.append(CharIssue("name_variant_character", ch, hanzi.variant[ch]))
        elif (folded.isascii() and folded.isalpha()) or unicodedata.category(ch) in ("Ll", "Lu", "Lt", "Lm"):
            issues.append(CharIssue("name_latin_letters", ch))
        elif unicodedata.category(ch) == "Nd" or folded.isdigit():
            issues.append(CharIssue("name_digits", ch))
        elif _is_han(ch):
            issues.append(CharIssue("name_nonstandard_character", ch))
        else:
            issues.append(CharIssue("name_punctuation", ch))
    return issues
