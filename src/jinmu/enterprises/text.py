"""Chinese text helpers for enterprise names: pinyin sort keys and initials."""

from __future__ import annotations

import functools
import re

from pypinyin import Style, lazy_pinyin


def pinyin_key(text: str) -> str:
    """Full pinyin, lower case, syllables separated by spaces (sorts like a phone's contacts)."""
    return " ".join(lazy_pinyin(text, errors="default")).lower()[:600]


def pinyin_initials(text: str) -> str:
    """First letters of each syllable: 宁津健身器材 → njjsqc (non-Chinese kept as written)."""
    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return "".join(p for p in parts if p.strip()).lower()[:200]


# Names usually start with a place (宁津县华健体育器材有限公司, 山东津力…, 德州安德…), so users
# type the initials of the trade name (字号: hj…, jl…, ad…) rather than of the whole name.
_PROVINCES = (
    "北京|天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|"
    "湖南|广东|广西|海南|重庆|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|中国"
)


def _place_pattern() -> re.Pattern[str]:
    from django.conf import settings

    return _compile_place_pattern(tuple(getattr(settings, "JINMU_PLACE_WORDS", ())))


@functools.lru_cache(maxsize=8)
def _compile_place_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    shorts = "|".join([*(re.escape(w) for w in words if w), _PROVINCES])
    return re.compile(rf"^(?:(?:{shorts})(?:省|市|县|区)?|[\u4e00-\u9fff]{{2,3}}?(?:省|市|县|区))")


def without_place(name: str) -> str:
    """The name with up to three leading place names removed (山东省德州市宁津县X → X)."""
    pattern = _place_pattern()
    rest = name
    for _ in range(3):
        match = pattern.match(rest)
        if not match or match.end() >= len(rest):
            break
        rest = rest[match.end() :]
    return rest


def brand_initials(name: str, initials: str | None = None) -> str:
    """Pinyin initials of the name without its leading place names (宁津县华健… → hj…).

    Each Chinese character gives exactly one initial, so when the stripped prefix is all Chinese
    the result is a slice of the full initials (cheap for bulk loads).
    """
    rest = without_place(name)
    prefix = name[: len(name) - len(rest)]
    if initials is not None and all("\u4e00" <= ch <= "\u9fff" for ch in prefix):
        return initials[len(prefix) :]
    return pinyin_initials(rest)
