from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import base45
import pytest

from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.factory import VirtualPrinterOptions, create_virtual
from drivers.registry.models import Decision, Licence

SCOPE_ITEMS = [
    "餐饮服务（限小型餐馆）", "食品销售（仅销售预包装食品）", "日用百货销售", "烟草制品零售",
    "酒类经营", "家政服务", "洗染服务", "理发及美容服务", "摄影扩印服务",
]  # fmt: skip
LONG_SCOPE = "、".join(SCOPE_ITEMS * 3) + "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
PAYLOAD = base45.b45encode(hashlib.sha512(b"licence").digest() * 4).decode()  # 256 B -> 384 chars


def make_licence(scope: str = LONG_SCOPE, name: str = "南宁市青秀区𠮷䶮小吃店") -> Licence:
    return Licence(
        uscc="92450100MAEL5HKP7D",
        name=name,
        entity_type="个体工商户",
        operator="王𠮷䶮",
        composition="个人经营",
        premises="广西壮族自治区南宁市青秀区民族大道100号1栋101号",
        scope=scope,
        registration_date="2026-11-27",
        authority="南宁市青秀区市场监督管理局",
        qr_payload=PAYLOAD,
    )


def make_referral() -> Decision:
    return Decision("manual_review", "APP-1", ("name_similar",), "MR-2026-000123")


@pytest.fixture
def licence() -> Licence:
    return make_licence()


@pytest.fixture
def vprint(tmp_path: Path) -> Iterator[EscposPrinter]:
    p = create_virtual(
        VirtualPrinterOptions(status_timeout_s=1.0, write_timeout_s=1.0, confirm_wait_s=0.0),
        tmp_path,
    )
    yield p
    p.close()
