from __future__ import annotations

from registry_service.naming import REASONS as NAME_REASONS
from registry_service.reasons import REASONS
from registry_service.rules import NAME_REJECT, NAME_REVIEW, NOTICE, REJECT, REVIEW


def test_every_reason_code_has_wording_and_no_orphans() -> None:
    """The name rules word their own codes (registry_service/naming/reasons.py); every other
    decision code is worded here."""
    worded = set(REASONS) | (NAME_REJECT | NAME_REVIEW) & (REJECT | REVIEW)
    assert worded == REJECT | REVIEW | NOTICE
    assert not (REJECT & REVIEW) and not (REJECT & NOTICE) and not (REVIEW & NOTICE)
    texts = {**{code: (r.zh, r.en) for code, r in NAME_REASONS.items()}, **REASONS}
    for code in worded:
        zh, en = texts[code]
        assert any("\u4e00" <= c <= "\u9fff" for c in zh), code
        assert en[:1].isupper(), code
