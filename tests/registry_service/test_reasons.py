from __future__ import annotations

from registry_service.reasons import REASONS
from registry_service.rules import NOTICE, REJECT, REVIEW


def test_every_reason_code_has_wording_and_no_orphans() -> None:
    assert set(REASONS) == REJECT | REVIEW | NOTICE
    assert not (REJECT & REVIEW) and not (REJECT & NOTICE) and not (REVIEW & NOTICE)
    for code, (zh, en) in REASONS.items():
        assert any("\u4e00" <= c <= "\u9fff" for c in zh), code
        assert en[:1].isupper(), code
