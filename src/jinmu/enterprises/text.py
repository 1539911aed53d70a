"""Chinese text helpers for enterprise names: pinyin sort keys and initials."""

from __future__ import annotations

import functools
import re
from typing import Any

from pypinyin.converter import UltimateConverter
from pypinyin.core import Pinyin


class _Verbatim(str):
    """Text without pinyin (Latin letters, digits, signs), kept as written by pypinyin."""

    __slots__ = ()


def _verbatim(chars: str) -> str:
    """Keep text without pinyin as written (errors="default"), marked so `name_keys` keeps all
    of it as its own initials, as pypinyin's first-letter style does."""
    return _Verbatim(chars)


class _MemoConverter(UltimateConverter):
    """`lazy_pinyin`'s own converter (default options), keeping the pinyin of each word the
    segmenter cuts and of each syllable's conversion to a style: a bulk import converts the
    same few hundred words (县, 有限公司 …) tens of thousands of times. A word's pinyin depends
    on the word and the options only; a converted syllable on the toned syllable, the style and
    `strict` (the character, passed along for custom styles, is not read by the built-in ones).
    """

    def __init__(self) -> None:
        super().__init__()
        self._styled: dict[tuple[str, Any, bool], str] = {}
        self._words: dict[tuple[str, Any, bool, Any, bool], list[list[str]]] = {}

    def convert(
        self,
        words: str,
        style: Any,
        heteronym: bool,
        errors: Any,
        strict: bool = True,
        **kwargs: Any,
    ) -> list[list[str]]:
        key = (words, style, heteronym, errors, strict)
        found = self._words.get(key)
        if found is None:
            found = super().convert(words, style, heteronym, errors, strict, **kwargs)
            if len(self._words) >= _WORDS_KEPT:
                self._words.clear()  # bounded: names carry numbers and Latin text too
            self._words[key] = found
        # Copies: pypinyin's callers own the lists they are given.
        return [list(item) for item in found]

    def convert_style(
        self, han: str, orig_pinyin: str, style: Any, strict: bool, **kwargs: Any
    ) -> str:
        key = (orig_pinyin, style, strict)
        styled = self._styled.get(key)
        if styled is None:
            styled = self._styled[key] = super().convert_style(
                han, orig_pinyin, style, strict, **kwargs
            )
        return styled


_WORDS_KEPT = 20_000
_PINYIN = Pinyin(_MemoConverter())


def lazy_pinyin(text: str, errors: Any) -> list[str]:
    """pypinyin's `lazy_pinyin(text, errors=errors)` (toneless style), on the memo converter."""
    return _PINYIN.lazy_pinyin(text, errors=errors)


# Saving an enterprise asks for the full key and the initials of the same name one after the
# other: one pypinyin pass serves both.
@functools.lru_cache(maxsize=256)
def _syllables(text: str) -> tuple[str, ...]:
    """One pypinyin pass: each Chinese character's toneless pinyin, other text as written."""
    return tuple(lazy_pinyin(text, errors=_verbatim))


def name_keys(text: str) -> tuple[str, str]:
    """The pinyin sort key and the initials of `text` (see pinyin_key and pinyin_initials)."""
    parts = _syllables(text)
    # pypinyin's first-letter style is the first letter of the toneless syllable, and leaves
    # text without pinyin whole.
    initials = (p if isinstance(p, _Verbatim) else p[:1] for p in parts if p.strip())
    return " ".join(parts).lower()[:600], "".join(initials).lower()[:200]


def pinyin_key(text: str) -> str:
    """Full pinyin, lower case, syllables separated by spaces (sorts like a phone's contacts)."""
    return name_keys(text)[0]


def pinyin_initials(text: str) -> str:
    """First letters of each syllable: 宁津健身器材 → njjsqc (non-Chinese kept as written)."""
    return name_keys(text)[1]


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
