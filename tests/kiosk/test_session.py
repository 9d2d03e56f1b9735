from __future__ import annotations

from kiosk.session import ApplicantSession
from tests.kiosk.flow import builders as b


def test_wipe_zeroes_the_portrait_and_drops_everything() -> None:
    s = ApplicantSession(language="en")
    ident = b.identity()
    portrait = ident.portrait
    s.identity, s.face_reference = ident, object()
    s.form = {"trade_name": "张伟"}
    s.idempotency_key = "k"
    assert s.holds_personal_data()
    s.wipe()
    assert not s.holds_personal_data() and s.wiped and s.idempotency_key is None
    assert set(portrait) == {0} and ident.personal_number == "" and ident.name_national == ""
    assert "张伟" not in repr(s) and "110105" not in repr(ident)
