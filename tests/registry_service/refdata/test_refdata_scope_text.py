"""The printed 经营范围 wording."""

from __future__ import annotations

from refdata import packaged
from refdata.scope_text import GENERAL_TAIL, LICENSED_TAIL, scope_statement


def _code(name: str) -> str:
    return next(s.code for s in packaged().scope.values() if s.name_zh == name)


def test_general_and_licensed_items_are_printed_in_the_standard_form() -> None:
    chosen = [_code("日用百货销售"), _code("餐饮服务"), _code("理发服务"), _code("烟草制品零售")]
    st = scope_statement(chosen, packaged())
    assert st.text == (
        "一般项目：日用百货销售；理发服务" + GENERAL_TAIL
        + "许可项目：餐饮服务；烟草制品零售" + LICENSED_TAIL
    )
    assert st.text.endswith("具体经营项目以相关部门批准文件或许可证件为准）")
    assert [p.name_zh for p in st.permits] == ["食品经营许可", "烟草专卖零售许可"]
    assert not st.needs_prior_permit and st.unknown == ()


def test_only_general_items_print_no_licensed_part() -> None:
    st = scope_statement([_code("理发服务")], packaged())
    assert st.text == "一般项目：理发服务（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
    assert st.permits == ()


def test_a_prior_permit_is_flagged_and_repeats_and_unknown_codes_are_separated() -> None:
    st = scope_statement([_code("典当"), _code("典当"), "NOPE"], packaged())
    assert st.text.startswith("许可项目：典当（")
    assert st.needs_prior_permit
    assert st.unknown == ("NOPE",)


def test_nothing_chosen_prints_nothing() -> None:
    assert scope_statement([], packaged()).text == ""
