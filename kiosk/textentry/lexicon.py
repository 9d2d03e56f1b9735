"""The kiosk's pinyin lexicon: trade words and surname patterns of shop names (老王, 张记, 小李 ...)
on top of the engine's general dictionary.

    python -m kiosk.textentry.lexicon     # regenerate data/shop_lexicon.tsv after editing the words

General dictionaries rank 掌机 above 张记 and 几 above 记; a shop-name kiosk should not. The words
live in ``data/shop_words.txt`` (written for this project); their readings come from pypinyin,
which reads polyphonic characters from the phrase. Where it cannot know (茶行 is a tea shop, háng)
the file gives the reading (``茶行=cha_hang``), and the surnames are listed here with their reading
as a surname (曾 is zēng, not céng).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
WORDS = DATA / "shop_words.txt"
LEXICON = DATA / "shop_lexicon.tsv"  # generated: text, syllables, weight
NAME = "kiosk_shop"
WORD_WEIGHT = 80000  # above all but the commonest general words: a shop-name kiosk prefers these
PATTERN_WEIGHT = 60000

# the 100 commonest surnames with their reading as a surname
SURNAMES = dict(pair.split(":") for pair in (
    "王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou 徐:xu 孙:sun 马:ma 朱:zhu "
    "胡:hu 郭:guo 何:he 高:gao 林:lin 罗:luo 郑:zheng 梁:liang 谢:xie 宋:song 唐:tang 许:xu 韩:han 冯:feng "
    "邓:deng 曹:cao 彭:peng 曾:zeng 肖:xiao 田:tian 董:dong 袁:yuan 潘:pan 于:yu 蒋:jiang 蔡:cai 余:yu "
    "杜:du 叶:ye 程:cheng 苏:su 魏:wei 吕:lv 丁:ding 任:ren 沈:shen 姚:yao 卢:lu 姜:jiang 崔:cui 钟:zhong "
    "谭:tan 陆:lu 汪:wang 范:fan 金:jin 石:shi 廖:liao 贾:jia 夏:xia 韦:wei 付:fu 方:fang 白:bai 邹:zou "
    "孟:meng 熊:xiong 秦:qin 邱:qiu 江:jiang 尹:yin 薛:xue 闫:yan 段:duan 雷:lei 侯:hou 龙:long 史:shi "
    "陶:tao 黎:li 贺:he 顾:gu 毛:mao 郝:hao 龚:gong 邵:shao 万:wan 钱:qian 严:yan 覃:qin 武:wu 戴:dai "
    "莫:mo 孔:kong 向:xiang 汤:tang 常:chang 温:wen 康:kang 牛:niu"
).split())
PATTERNS = (("{s}记", "{r} ji"), ("老{s}", "lao {r}"), ("小{s}", "xiao {r}"), ("{s}家", "{r} jia"),
            ("阿{s}", "a {r}"))


def words(path: Path = WORDS) -> Iterator[tuple[str, str | None]]:
    """(word, reading or None) in file order."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            for item in line.split():
                text, _, code = item.partition("=")
                yield text, code.replace("_", " ") or None


def generate() -> Iterator[tuple[str, str, int]]:
    """(text, syllables, weight) from the word list (needs pypinyin, a build-time step)."""
    from pypinyin import Style, lazy_pinyin

    for surname, r in SURNAMES.items():
        for text, code in PATTERNS:
            yield text.format(s=surname), code.format(r=r), PATTERN_WEIGHT
    for w, code in dict(words()).items():
        code = code or " ".join(lazy_pinyin(w, style=Style.NORMAL, v_to_u=False))
        # the dictionaries spell nüe/lüe as nue/lue but nü/lü as nv/lv
        yield w, re.sub(r"\b([nl])ve\b", r"\1ue", code), WORD_WEIGHT


def entries(path: Path = LEXICON) -> list[tuple[str, str, int]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, code, weight = line.split("\t")
        rows.append((text, code, int(weight)))
    return rows


def rime_dict(base: str) -> str:
    """A rime ``.dict.yaml`` that imports ``base`` and adds the lexicon."""
    head = (f"# written by the kiosk from {LEXICON.name}\n---\nname: {NAME}\nversion: \"1\"\n"
            f"sort: by_weight\nuse_preset_vocabulary: false\nimport_tables:\n  - {base}\n...\n")
    return head + "".join(f"{t}\t{c}\t{w}\n" for t, c, w in entries())


if __name__ == "__main__":
    LEXICON.write_text("".join(f"{t}\t{c}\t{w}\n" for t, c, w in generate()), encoding="utf-8")
    print(f"wrote {LEXICON}")
