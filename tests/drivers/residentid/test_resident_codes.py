"""Sex and nation code tables."""

from __future__ import annotations

from drivers.residentid import codes


def test_all_56_nations_and_the_two_extra_codes() -> None:
    assert set(codes.NATIONS) == {f"{n:02d}" for n in range(1, 57)} | {"97", "98"}
    assert len({n.zh for n in codes.NATIONS.values()}) == 58
    assert len({n.en for n in codes.NATIONS.values()}) == 58
    assert all(n.zh.endswith("族") for code, n in codes.NATIONS.items() if code <= "56")


def test_lookups() -> None:
    assert codes.nation("01") == ("汉族", "Han")
    assert codes.nation("05") == ("维吾尔族", "Uygur")
    assert codes.nation("98").zh == "外国血统中国籍人士"
    assert codes.nation("59").zh == "穿青人"  # seen on cards, not in GB/T 3304
    assert codes.nation("77") is None
    assert codes.sex("1") == ("男", "male") and codes.sex("2") == ("女", "female")
    assert codes.sex("3") is None
    assert codes.SEX_ICAO == {"1": "M", "2": "F", "0": "X", "9": "X"}
