"""Code tables of the text block: sex (GB/T 2261.1) and nation (GB/T 3304), in Chinese and English.

Sources:
* Sex, GB/T 2261.1-2003 "个人基本信息分类与代码 第1部分: 人的性别代码": 0 not known, 1 male,
  2 female, 9 not stated.
* Nation 01-56, GB/T 3304-1991 "中国各民族名称的罗马字母拼写法和代码": the Chinese name and the
  standard's own romanisation (the English the standard gives; e.g. 藏族 is "Zang", not
  "Tibetan"). Public reproductions of the table disagree on 25 水族 ("Sui" vs "Shui"); the
  standard's letter code SU matches "Sui", used here.
* 97 其他 (other, unrecognised nationality) and 98 外国血统中国籍人士 (Chinese citizen of foreign
  origin): the two extra codes reader vendors' tables and SDKs decode on cards.
* 58 革家人 and 59 穿青人: codes one vendor's sample decoder maps (Guizhou groups printed on cards
  since 2016); not in GB/T 3304 and not confirmed by any published specification, kept apart
  in ``UNCONFIRMED_NATIONS``.
"""

from __future__ import annotations

from typing import NamedTuple


class Name(NamedTuple):
    zh: str
    en: str


SEXES: dict[str, Name] = {
    "0": Name("未知的性别", "not known"),
    "1": Name("男", "male"),
    "2": Name("女", "female"),
    "9": Name("未说明的性别", "not stated"),
}

# the ICAO sex mark ChipIdentity uses
SEX_ICAO = {"1": "M", "2": "F", "0": "X", "9": "X"}

NATIONS: dict[str, Name] = {
    "01": Name("汉族", "Han"),
    "02": Name("蒙古族", "Mongol"),
    "03": Name("回族", "Hui"),
    "04": Name("藏族", "Zang"),
    "05": Name("维吾尔族", "Uygur"),
    "06": Name("苗族", "Miao"),
    "07": Name("彝族", "Yi"),
    "08": Name("壮族", "Zhuang"),
    "09": Name("布依族", "Buyei"),
    "10": Name("朝鲜族", "Chosen"),
    "11": Name("满族", "Man"),
    "12": Name("侗族", "Dong"),
    "13": Name("瑶族", "Yao"),
    "14": Name("白族", "Bai"),
    "15": Name("土家族", "Tujia"),
    "16": Name("哈尼族", "Hani"),
    "17": Name("哈萨克族", "Kazak"),
    "18": Name("傣族", "Dai"),
    "19": Name("黎族", "Li"),
    "20": Name("傈僳族", "Lisu"),
    "21": Name("佤族", "Va"),
    "22": Name("畲族", "She"),
    "23": Name("高山族", "Gaoshan"),
    "24": Name("拉祜族", "Lahu"),
    "25": Name("水族", "Sui"),
    "26": Name("东乡族", "Dongxiang"),
    "27": Name("纳西族", "Naxi"),
    "28": Name("景颇族", "Jingpo"),
    "29": Name("柯尔克孜族", "Kirgiz"),
    "30": Name("土族", "Tu"),
    "31": Name("达斡尔族", "Daur"),
    "32": Name("仫佬族", "Mulao"),
    "33": Name("羌族", "Qiang"),
    "34": Name("布朗族", "Blang"),
    "35": Name("撒拉族", "Salar"),
    "36": Name("毛南族", "Maonan"),
    "37": Name("仡佬族", "Gelao"),
    "38": Name("锡伯族", "Xibe"),
    "39": Name("阿昌族", "Achang"),
    "40": Name("普米族", "Pumi"),
    "41": Name("塔吉克族", "Tajik"),
    "42": Name("怒族", "Nu"),
    "43": Name("乌孜别克族", "Uzbek"),
    "44": Name("俄罗斯族", "Russ"),
    "45": Name("鄂温克族", "Ewenki"),
    "46": Name("德昂族", "Deang"),
    "47": Name("保安族", "Bonan"),
    "48": Name("裕固族", "Yugur"),
    "49": Name("京族", "Gin"),
    "50": Name("塔塔尔族", "Tatar"),
    "51": Name("独龙族", "Derung"),
    "52": Name("鄂伦春族", "Oroqen"),
    "53": Name("赫哲族", "Hezhen"),
    "54": Name("门巴族", "Monba"),
    "55": Name("珞巴族", "Lhoba"),
    "56": Name("基诺族", "Jino"),
    "97": Name("其他", "other"),
    "98": Name("外国血统中国籍人士", "Chinese citizen of foreign origin"),
}

UNCONFIRMED_NATIONS: dict[str, Name] = {
    "58": Name("革家人", "Gejia"),
    "59": Name("穿青人", "Chuanqing"),
}


def sex(code: str) -> Name | None:
    return SEXES.get(code)


def nation(code: str) -> Name | None:
    """The nation for a two-digit code; None for a code no table knows (kept, not refused:
    the registration service, not the reader, decides what a nation code is worth)."""
    return NATIONS.get(code) or UNCONFIRMED_NATIONS.get(code)
