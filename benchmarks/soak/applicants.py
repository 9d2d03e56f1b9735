"""Seeded synthetic applicants: each one a different person, so the checks can tell them apart.

The virtual chip accepts any holder whose resident ID number, birth date and sex agree, so every
applicant gets their own names, ID number and document number. Names mix common characters with
rare ones (CJK Extension A, seldom-used BMP characters, minority names with the middle dot) and a
few deliberate namesakes, so duplicate trade names and the authority's name rules are exercised.
A small share are 16-17 (manual review) or under 16 (rejected), and a small share pick a scope
item that needs a prior permit (manual review). Nothing here is a real person.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import asdict, dataclass, field
from typing import Any

from drivers.idcard import resident_id

SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
            "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
            "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
            "欧阳", "司马", "诸葛", "上官", "皇甫")
PINYIN = {"王": "WANG", "李": "LI", "张": "ZHANG", "刘": "LIU", "陈": "CHEN", "杨": "YANG", "黄": "HUANG",
          "赵": "ZHAO", "吴": "WU", "周": "ZHOU", "徐": "XU", "孙": "SUN", "马": "MA", "朱": "ZHU", "胡": "HU",
          "郭": "GUO", "何": "HE", "高": "GAO", "林": "LIN", "罗": "LUO", "郑": "ZHENG", "梁": "LIANG",
          "谢": "XIE", "宋": "SONG", "唐": "TANG", "许": "XU", "韩": "HAN", "冯": "FENG", "邓": "DENG",
          "曹": "CAO", "彭": "PENG", "曾": "ZENG", "肖": "XIAO", "田": "TIAN", "董": "DONG", "袁": "YUAN",
          "潘": "PAN", "于": "YU", "蒋": "JIANG", "蔡": "CAI", "余": "YU", "杜": "DU", "叶": "YE",
          "程": "CHENG", "苏": "SU", "魏": "WEI", "吕": "LYU", "丁": "DING", "欧阳": "OUYANG", "司马": "SIMA",
          "诸葛": "ZHUGE", "上官": "SHANGGUAN", "皇甫": "HUANGFU"}
# given-name characters: common ones, then rare BMP ones (堃 喆 玥 犇 淼 燚 昇 珺 彧 翀) and CJK
# Extension A (㐂 㛃 䶮 㵘): fonts, codecs and database collations all have to carry them
GIVEN_COMMON = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力林峰宇浩凯鹏飞瑞晨欣怡佳琪梦雪婷"
GIVEN_RARE = "堃喆玥犇淼燚昇珺彧翀㐂㛃䶮㵘"
SYLLABLES = ("AN", "BAO", "CHEN", "DA", "FEI", "GANG", "HAO", "JIA", "JUN", "KAI", "LEI", "MEI", "MING",
             "NAN", "PING", "QIANG", "RUI", "SHAN", "TAO", "WEN", "XIN", "YAN", "YU", "ZHI")
MINORITY = ("阿卜杜拉·买买提", "古丽娜尔·吐尔逊", "扎西·次仁", "伊力哈木·艾合买提")
ADDRESS_CODES = ("110105", "310104", "440305", "510107", "650102", "330106")
SUPPLEMENTARY = "\U0002070e"  # 𠜎, CJK Extension B: outside the authority's operator-name rule


@dataclass
class Applicant:
    index: int
    document_number: str
    surname: str  # MRZ (Latin)
    given_names: str
    name_national: str
    personal_number: str
    birth_date: str  # YYMMDD
    sex: str
    can: str
    expiry_date: str = "360630"
    address: str = "北京市朝阳区建国路88号"
    scope: str = "general"  # "general" | "prior" (prior permit: manual review)
    walk_away_at: str = ""  # a state where this applicant gives up and taps cancel
    picks_seed: int = 0  # which industry, district, street and house number
    tags: list[str] = field(default_factory=list)  # what makes this applicant special

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Applicant:
        return cls(**data)

    def needles(self) -> dict[str, str]:
        """The personal data the harness looks for in the kiosk's files: label -> text."""
        return {
            "name": self.name_national,
            "id_number": self.personal_number,
            "document_number": self.document_number,
            "mrz_name": f"{self.surname}<<{self.given_names}",
            "latin_name": f"{self.surname} {self.given_names}",
        }


def _birth(rng: random.Random, today: dt.date, tags: list[str]) -> dt.date:
    roll = rng.random()
    if roll < 0.01:
        tags.append("minor_16_17")
        years = 16
    elif roll < 0.02:
        tags.append("underage")
        years = 14
    else:
        years = rng.randint(18, 75)
    return dt.date(today.year - years - 1, today.month, min(today.day, 28)) + dt.timedelta(days=rng.randint(20, 340))


def generate(count: int, seed: int, today: dt.date | None = None) -> list[Applicant]:
    rng = random.Random(seed)
    today = today or dt.date.today()
    used: set[str] = set()
    people: list[Applicant] = []
    for i in range(count):
        tags: list[str] = []
        roll = rng.random()
        if people and roll < 0.02:
            # a namesake: same Chinese name as someone earlier, different person
            name = rng.choice(people).name_national
            tags.append("namesake")
        elif roll < 0.03:
            name = rng.choice(MINORITY)
            tags.append("minority_name")
        elif roll < 0.035:
            name = rng.choice(SURNAMES[:48]) + SUPPLEMENTARY + rng.choice(GIVEN_COMMON)
            tags.append("extension_b")
        else:
            while True:
                surname = rng.choice(SURNAMES)
                pool = GIVEN_RARE if rng.random() < 0.1 else GIVEN_COMMON
                name = surname + rng.choice(pool) + rng.choice(GIVEN_COMMON)
                if name not in used:
                    break
            if any(c in GIVEN_RARE for c in name):
                tags.append("rare_characters")
        used.add(name)
        surname_zh = next((s for s in SURNAMES if name.startswith(s) and len(s) == 2), name[0])
        latin = PINYIN.get(surname_zh, "AYI")
        given = "".join(rng.choice(SYLLABLES) for _ in range(2))
        born = _birth(rng, today, tags)
        sequence = rng.randrange(1, 999)
        number = resident_id.make(rng.choice(ADDRESS_CODES), born, sequence)
        scope = "prior" if rng.random() < 0.03 else "general"
        if scope == "prior":
            tags.append("prior_permit")
        walk = ""
        if rng.random() < 0.02:
            walk = rng.choice(("consent", "card_access", "form", "review"))
            tags.append(f"walks_away_at_{walk}")
        people.append(Applicant(
            index=i, document_number=f"E{i + 1:08d}", surname=latin, given_names=given, name_national=name,
            personal_number=number, birth_date=born.strftime("%y%m%d"),
            sex="M" if resident_id.is_male(number) else "F", can=f"{rng.randrange(10**6):06d}",
            scope=scope, walk_away_at=walk, picks_seed=rng.randrange(1 << 30), tags=tags))
    return people
