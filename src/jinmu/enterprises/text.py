"""Chinese text helpers for enterprise names: pinyin sort keys and initials."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_key(text: str) -> str:
    """Full pinyin, lower case, syllables separated by spaces (sorts like a phone's contacts)."""
    return " ".join(lazy_pinyin(text, errors="default")).lower()[:600]


def pinyin_initials(text: str) -> str:
    """First letters of each syllable: 宁津健身器材 → njjsqc (non-Chinese kept as written)."""
    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return "".join(p for p in parts if p.strip()).lower()[:200]
