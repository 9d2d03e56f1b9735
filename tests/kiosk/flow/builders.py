"""Small factories for flow tests: an identity, decisions, a fake clock."""

from __future__ import annotations

import datetime as dt

from drivers.idcard.base import CardInfo, ChipIdentity, PassiveAuthResult
from drivers.registry.models import Decision, Licence


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def identity(verified: bool = True) -> ChipIdentity:
    return ChipIdentity(
        document_type="ID", issuing_state="CHN", document_number="E12345678", surname="ZHANG",
        given_names="WEI", nationality="CHN", birth_date=dt.date(1990, 3, 7), sex="M",
        expiry_date=dt.date(2035, 1, 1), portrait=bytearray(b"\xff\xd8portrait-bytes"),
        portrait_format="jpeg",
        authenticity=PassiveAuthResult(verified, None if verified else "sod_signature"),
        access_protocol="PACE", name_national="张伟", personal_number="110105199003071234",
    )


def card_info(protocols: tuple[str, ...] = ("PACE", "BAC")) -> CardInfo:
    return CardInfo(reader="sim", atr=b"\x3b\x88", protocols=protocols)


LICENCE = Licence(
    uscc="92440300MA5XXXXXX0", name="深圳市南山区张伟小吃店", entity_type="个体工商户", operator="张伟",
    composition="个人经营", premises="南山区科技园路1号", scope="小吃服务", registration_date="2026-11-27",
    authority="深圳市南山区市场监督管理局", qr_payload="6BFOXN*TS0BI$ZD",
)


def decision(outcome: str = "approved") -> Decision:
    return Decision(
        outcome=outcome, application_id="app-1",
        reasons=() if outcome == "approved" else ("name_forbidden_word",),
        tracking_number="T-0001" if outcome == "manual_review" else "",
        licence=LICENCE if outcome == "approved" else None,
    )


COMPLETE_FORM = {
    "composition": "individual", "trade_name": "张伟", "industry_code": "H62",
    "organisation_form": "店", "division_code": "440305", "street": "科技园路",
    "house_number": "1", "scope_codes": ["H6210"],
}


def resident_identity(kind: str = "resident", warnings: tuple[str, ...] = (), address: str = "北京市朝阳区建国路88号",
                      number: str = "110105198503121234", name: str = "张伟") -> ChipIdentity:
    """What a resident ID card reader returns (drivers/residentid/identity.py)."""
    from drivers.residentid.identity import SAM_VERIFIED, ResidentIdentity
    from drivers.residentid.photo import PhotoOutcome
    from drivers.residentid.text_block import CardKind

    return ResidentIdentity(
        document_type=kind, issuing_state="CHN", document_number=number, surname="", given_names="",
        nationality="CHN", birth_date=dt.date(1985, 3, 12), sex="M", expiry_date=dt.date(2040, 1, 1),
        portrait=bytearray(b"BMportrait-bytes"), portrait_format="bmp", authenticity=SAM_VERIFIED,
        access_protocol="SAM (GA/T 467)", name_national=name, personal_number=number, address=address,
        card_kind=CardKind(kind), valid_to=dt.date(2040, 1, 1), photo=PhotoOutcome("decoded"), warnings=warnings,
    )


def sam_card_info() -> CardInfo:
    return CardInfo(reader="Resident ID reader", atr=b"", protocols=("SAM",))
