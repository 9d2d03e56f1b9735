"""Everyday wordings of the name's 行业 part for the service's sample industries, offered as quick
picks after the industry's standard term (个体名称办法第九条: the term reflects the main business,
in the applicant's words).

Keyed by the industry code of the reference data (GET /v1/reference-data). Each wording passes
the service's name rules for its industry without a finding (tests/kiosk/flow/test_industry_terms.py),
so a pick never brings a warning; none ends in an organisation form (面馆 + 馆 would read 面馆馆).
"""

from __future__ import annotations

WORDINGS: dict[str, tuple[str, ...]] = {
    "F5211": ("日杂", "杂货", "日用品"),
    "F5212": ("超市",),
    "F5232": ("服饰", "童装", "女装"),
    "H6210": ("拉面", "面食", "快餐", "火锅", "烧烤"),
    "O8010": ("保洁", "月嫂", "家务"),
    "O8121": ("家电维修", "修理", "手机"),
}
