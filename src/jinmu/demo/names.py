"""Word lists and makers for fictional names: firms, people, villages and addresses.

Every name here is made up. Firm names follow the common pattern
{prefix}{字号 trade name}{industry word}{company form}, e.g. 宁津县鑫泰健身器材有限公司.
The maker keeps them unique and falls back to three-character trade names when two-character
ones run out.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from pypinyin import lazy_pinyin

from jinmu.core.validators import USCC_ALPHABET, uscc_check_character

# First and second characters of 字号 (trade names); common, auspicious characters.
TRADE_FIRST = (
    "鑫宏华金恒盛泰兴永昌瑞祥德宝源丰隆远大顺伟福嘉佳鸿东益通信诚凯博康力腾宇翔弘万立正中海天新明"
    "荣安成冠达奥英汇润兆卓奇亿聚创众美合利光辉星晨鼎钧泓锦润建国津宁"
)
TRADE_SECOND = (
    "达泰源盛利丰鑫宇华昌隆祥通发力成远信诚业邦伟康博凯润恒辉科瑞升兴安宝鼎顺晟翔腾智联峰海奥扬泽"
    "锐驰航运德嘉和美健强威豪迈捷力超"
)
TRADE_THIRD = "达源利通发兴盛业康祥福泰隆昌恒宝"

# Where a firm's registered name starts, with weights (county firms mostly use 宁津县).
NAME_PREFIXES: tuple[tuple[str, float], ...] = (
    ("宁津县", 0.56),
    ("山东", 0.22),
    ("宁津", 0.14),
    ("德州", 0.08),
)
COMPANY_FORMS: tuple[tuple[str, float], ...] = (
    ("有限公司", 0.86),
    ("有限责任公司", 0.11),
    ("制造有限公司", 0.03),
)

# Common surnames in Shandong first; given-name characters for fictional people.
SURNAMES = (
    "王张李刘孙杨赵陈高于马徐田宋韩郭吴魏崔姜董杜曹邢贾周胡朱林何罗梁谢唐冯程袁邓许沈彭吕苏卢蒋"
    "蔡丁薛叶阎任付郝孔尹石"
)
GIVEN_CHARS = (
    "建国军伟强磊勇杰涛明华平刚辉鹏峰超波斌宁海东亮林红丽静敏燕霞芳娟玉英春秋文志永庆德福宝兴金成"
    "立新荣利俊凯洪彬振兵昊晨阳雪梅兰颖洁倩浩然宇航"
)

# Fictional villages and roads for addresses.
VILLAGE_ENDINGS = ("庄村", "家村", "集村", "屯村", "店村", "寨村", "楼村", "官庄村", "洼村")
ROADS = (
    "阳光大街",
    "津南路",
    "宁北路",
    "长安路",
    "新华路",
    "开元大街",
    "工业路",
    "东环路",
    "西环路",
    "南环路",
    "北环路",
    "振兴路",
    "建设大街",
    "迎宾路",
    "德政路",
    "富民路",
    "科技路",
    "金木大道",
)


def weighted(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    """Pick one option by weight."""
    values = [v for v, _ in options]
    weights = [w for _, w in options]
    return rng.choices(values, weights=weights, k=1)[0]


def person_name(rng: random.Random) -> str:
    """A fictional person's name: surname plus one or two given characters."""
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


def village(rng: random.Random) -> str:
    """A fictional village name such as 王庄村 or 李家村."""
    return rng.choice(SURNAMES) + rng.choice(VILLAGE_ENDINGS)


def road(rng: random.Random) -> str:
    """A fictional road name."""
    return rng.choice(ROADS)


class FirmNamer:
    """Unique fictional firm names; seed it with names already taken."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken: set[str] = set(taken)

    def reserve(self, name: str) -> None:
        """Mark a fixed name (a chain leader's, say) as taken."""
        self.taken.add(name)

    def make(self, rng: random.Random, words: Sequence[str], *, large: bool = False) -> str:
        """A new name for a firm whose trade is described by one of `words`."""
        return "".join(self.make_parts(rng, words, large=large))

    def make_parts(
        self, rng: random.Random, words: Sequence[str], *, large: bool = False
    ) -> tuple[str, ...]:
        """Like `make`, but the name's parts (prefix, trade name, word, form), for pinyin."""
        for attempt in range(40):
            prefix = weighted(rng, NAME_PREFIXES)
            trade = rng.choice(TRADE_FIRST) + rng.choice(TRADE_SECOND)
            if trade[0] == trade[1]:
                continue
            if attempt >= 8:
                trade += rng.choice(TRADE_THIRD)
            form = "股份有限公司" if large and rng.random() < 0.3 else weighted(rng, COMPANY_FORMS)
            parts = (prefix, trade, rng.choice(words), form)
            name = "".join(parts)
            if name not in self.taken:
                self.taken.add(name)
                return parts
        # Practically unreachable: a numbered branch keeps the name unique.
        base = (f"宁津县{rng.choice(TRADE_FIRST)}{rng.choice(TRADE_SECOND)}", words[0], "有限公司")
        n = 1
        while "".join((*base, f"第{n}分公司")) in self.taken:
            n += 1
        parts = (*base, f"第{n}分公司")
        self.taken.add("".join(parts))
        return parts


class PinyinCache:
    """Pinyin sort keys for names built from parts, looking each part up once.

    pypinyin segments text into phrases, so a name's pinyin could in principle differ from the
    concatenation of its parts' pinyin across a part boundary. The word lists avoid the one
    character where that happened (乐: 荣乐+工业 reads "yue gong"), and a test compares the result
    with `jinmu.enterprises.text.pinyin_key` for every generated name.
    """

    def __init__(self) -> None:
        self._cache: dict[str, list[str]] = {}

    def syllables(self, part: str) -> list[str]:
        """The pinyin syllables of one part (cached)."""
        found = self._cache.get(part)
        if found is None:
            found = self._cache[part] = lazy_pinyin(part, errors="default")
        return found

    def fields(self, parts: Sequence[str]) -> tuple[str, str]:
        """(name_pinyin, name_initials) as `Enterprise.save()` computes them."""
        syllables = [s for part in parts for s in self.syllables(part)]
        return pinyin_fields(syllables)


def pinyin_fields(syllables: Sequence[str]) -> tuple[str, str]:
    """Sort key and initials from pinyin syllables (non-letter chunks are kept whole)."""
    key = " ".join(syllables).lower()[:600]
    initials = "".join(s[0] if s.isalpha() else s for s in syllables if s.strip()).lower()[:200]
    return key, initials


class CreditCoder:
    """Unique, valid unified social credit codes: 91 (工商, enterprise) + region + 9 + check."""

    # Characters 9–17 are the organisation code; digits dominate in real codes.
    _BODY = "0123456789" * 6 + USCC_ALPHABET[10:]

    def __init__(self, region_code: str, taken: Iterable[str] = ()) -> None:
        self.region_code = region_code
        self.taken: set[str] = set(taken)

    def make(self, rng: random.Random) -> str:
        """A new code that passes GB 32100-2015's check character."""
        while True:
            body = "".join(rng.choice(self._BODY) for _ in range(9))
            first17 = f"91{self.region_code}{body}"
            code = first17 + uscc_check_character(first17)
            if code not in self.taken:
                self.taken.add(code)
                return code
