"""Scripted cards for the simulator: every document kind and the awkward cases.

All holders are invented; numbers are built with the real check digit so that the production
validation runs on them. Dates are relative to ``today`` so the cards never go stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from drivers.residentid.sim.not_wlt_codec import NotWltTestCodec, placeholder_portrait
from drivers.residentid.sim.text_builder import build_block, encode_address
from drivers.residentid.text_block import CardKind
from drivers.residentid.validation import with_check_digit

MIDDLE_DOT = "\u00b7"  # the separator of transcribed minority names (GB 2312 A1A4)


@dataclass(frozen=True)
class SimCard:
    label: str
    text: bytes  # 256-byte text block
    wlt: bytes  # 1024-byte photo (the NOT-WLT test container)
    new_address: bytes | None = None  # appended address as the new-address read returns it
    fingerprints: bytes = b""  # 0, 512 or 1024 bytes

    def __repr__(self) -> str:
        return f"SimCard({self.label})"


def _ymd(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


def _years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def resident_number(area: str, birth: dt.date, seq: int) -> str:
    return with_check_digit(f"{area}{birth:%Y%m%d}{seq:03d}")


def _photo(seed: int) -> bytes:
    return NotWltTestCodec().encode(placeholder_portrait(seed))


def _fingerprints(seed: int) -> bytes:
    return bytes((i * 31 + seed) & 0xFF for i in range(1024))


def resident(today: dt.date, *, label: str = "resident", name: str = "张伟", sex: str = "1",
             nation: str = "01", birth: dt.date = dt.date(1985, 3, 12), valid_years: int | None = 20,
             issued_years_ago: int = 3, area: str = "110105", seq: int | None = None,
             address: str = "北京市朝阳区建国路88号", authority: str = "北京市公安局朝阳分局",
             new_address: str | None = None, valid_to: dt.date | None = None, seed: int = 1,
             fingerprints: bool = True) -> SimCard:
    if seq is None:
        seq = 123 if sex == "1" else 124
    valid_from = _years(today, -issued_years_ago)
    if valid_to is None and valid_years is not None:
        valid_to = _years(valid_from, valid_years)
    text = build_block(CardKind.RESIDENT, {
        "name_zh": name, "sex": sex, "nation": nation, "birth": _ymd(birth), "address": address,
        "number": resident_number(area, birth, seq), "authority": authority,
        "valid_from": _ymd(valid_from), "valid_to": _ymd(valid_to) if valid_to else "长期",
    })
    return SimCard(label, text, _photo(seed), encode_address(new_address) if new_address else None,
                   _fingerprints(seed) if fingerprints else b"")


def hmt(today: dt.date, *, label: str = "hmt_hk", region: str = "810000", name: str = "陈大文",
        sex: str = "1", birth: dt.date = dt.date(1990, 1, 1), pass_number: str = "H12345678",
        issue_count: str = "01", seed: int = 5) -> SimCard:
    valid_from = _years(today, -1)
    text = build_block(CardKind.HMT_RESIDENCE, {
        "name_zh": name, "sex": sex, "birth": _ymd(birth), "address": "广东省深圳市福田区福华一路1号",
        "number": resident_number(region, birth, 151 if sex == "1" else 152),
        "authority": "深圳市公安局福田分局", "valid_from": _ymd(valid_from),
        "valid_to": _ymd(_years(valid_from, 5)), "pass_number": pass_number, "issue_count": issue_count,
    })
    return SimCard(label, text, _photo(seed))


def foreign_2017(today: dt.date, *, label: str = "foreign_2017", name_en: str = "SMITH JOHN",
                 name_zh: str = "史密斯", number: str = "USA110085031201", nationality: str = "USA",
                 birth: dt.date = dt.date(1985, 3, 12), seed: int = 6) -> SimCard:
    valid_from = _years(today, -2)
    text = build_block(CardKind.FOREIGN_PERMANENT_2017, {
        "name_en": name_en, "sex": "1", "number": number, "nationality": nationality,
        "name_zh": name_zh, "valid_from": _ymd(valid_from), "valid_to": _ymd(_years(valid_from, 10)),
        "birth": _ymd(birth), "card_version": "01", "authority": "1100",
    })
    return SimCard(label, text, _photo(seed))


def foreign_2023(today: dt.date, *, label: str = "foreign_2023",
                 name_en: str = "WILLIAMSON-MONTGOMERY ALEXANDRA ELIZABETH", name_zh: str = "威廉森",
                 nationality: str = "USA", birth: dt.date = dt.date(1990, 7, 4), seed: int = 7) -> SimCard:
    valid_from = today - dt.timedelta(days=90)
    number = with_check_digit(f"911840{birth:%Y%m%d}012")
    text = build_block(CardKind.FOREIGN_PERMANENT_2023, {
        "name_zh": name_zh, "sex": "2", "renewal_count": "00", "birth": _ymd(birth),
        "name_en": name_en[:35], "name_en_more": name_en[35:], "number": number,
        "valid_from": _ymd(valid_from), "valid_to": _ymd(_years(valid_from, 10)),
        "nationality": nationality,
    })
    return SimCard(label, text, _photo(seed))


def _catalogue() -> dict[str, Callable[[dt.date], SimCard]]:
    def minor(today: dt.date) -> SimCard:
        birth = _years(today, -17) + dt.timedelta(days=30)  # 16 years old, turns 17 next month
        return resident(today, label="minor", name="李小雨", sex="2", birth=birth, valid_years=10,
                        issued_years_ago=0, area="310104", seed=4)

    def expired(today: dt.date) -> SimCard:
        return resident(today, label="expired", name="王芳", sex="2", birth=dt.date(1979, 11, 30),
                        issued_years_ago=10, valid_to=today - dt.timedelta(days=30), area="440106", seed=3)

    return {
        "resident": lambda t: resident(t),
        "resident_new_address": lambda t: resident(t, label="resident_new_address",
                                                   new_address="北京市海淀区中关村大街27号"),
        "long_term": lambda t: resident(t, label="long_term", name="赵建国", birth=dt.date(1958, 10, 1),
                                        valid_years=None, issued_years_ago=8, area="120101", seed=2),
        "expired": expired,
        "minor": minor,
        "foreign_2017": foreign_2017,
        "foreign_2023": foreign_2023,
        "hmt_hk": hmt,
        "hmt_macao": lambda t: hmt(t, label="hmt_macao", region="820000", name="何嘉欣", sex="2",
                                   pass_number="M87654321", issue_count="02", seed=8),
        "hmt_tw": lambda t: hmt(t, label="hmt_tw", region="830000", name="林志明", pass_number="12345678",
                                seed=9),
        "rare_ext_a": lambda t: resident(t, label="rare_ext_a", name="刘䶮", area="440103", seed=10),
        "rare_ext_a_multi": lambda t: resident(t, label="rare_ext_a_multi", name="邝㵘䶮", sex="2",
                                               address="广东省广州市荔湾区㙟头街5号", area="440103", seed=11),
        "non_bmp_name": lambda t: resident(t, label="non_bmp_name", name="吉\U00020bb7", area="320102", seed=12),
        "private_use_name": lambda t: resident(t, label="private_use_name", name="王\ue8a0", area="320102",
                                               seed=13),
        "minority_long_name": lambda t: resident(
            t, label="minority_long_name", name=f"阿卜杜热合曼{MIDDLE_DOT}买买提艾力", nation="05",
            address="新疆维吾尔自治区乌鲁木齐市天山区解放南路1号", authority="乌鲁木齐市公安局天山区分局",
            area="650102", seed=14),
        "minority_full_name": lambda t: resident(
            t, label="minority_full_name", name=f"克依木江{MIDDLE_DOT}阿卜杜热合曼艾力提江", nation="05",
            area="650102", seed=15),
    }


CARDS = _catalogue()


def make(label: str, today: dt.date | None = None) -> SimCard:
    if label not in CARDS:
        raise ValueError(f"unknown simulated card {label!r}; known: {', '.join(CARDS)}")
    return CARDS[label](today or dt.date.today())
