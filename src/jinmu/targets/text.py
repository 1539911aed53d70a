"""Normalisation of policy texts: pinyin glosses, traditional characters, punctuation, sentences."""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an
import opencc

# Converted pages gloss characters with their pinyin in brackets (`發(fā)展`); the gloss is noise.
_PINYIN_RE = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňḿ]{1,8}[)）]")
# Full-width ASCII (digits, letters, ％, ．) maps to ASCII by a fixed offset.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Chinese punctuation that should stay Chinese after the full-width fold.
_KEEP_CJK = {"，", "；", "：", "！", "？"}
_ASCII_TO_CJK = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_SENTENCE_END_RE = re.compile(r"(?<=[。！？])|\n+")
_FRACTION_RE = re.compile(r"(百|千)分之([零〇一二两三四五六七八九十点]+)")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    """The OpenCC traditional → simplified converter (built once: loading it is slow)."""
    return opencc.OpenCC("t2s")


def strip_pinyin(text: str) -> str:
    """Remove pinyin glosses such as `(fā)` that follow a Chinese character."""
    return _PINYIN_RE.sub("", text)


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones."""
    return str(_converter().convert(text))


def unify_punctuation(text: str) -> str:
    """Fold full-width digits and letters to ASCII and ASCII clause marks to Chinese ones.

    Commas and colons between digits stay ASCII: they are thousands separators and ratios.
    """
    out: list[str] = []
    for ch in text:
        if ch in _KEEP_CJK:
            out.append(ch)
        elif 0xFF01 <= ord(ch) <= 0xFF5E:
            out.append(chr(_FULL_WIDTH[ord(ch)]))
        elif ch == "\u3000":
            out.append(" ")
        else:
            out.append(ch)
    folded = "".join(out)
    result: list[str] = []
    for i, ch in enumerate(folded):
        if ch in _ASCII_TO_CJK:
            before = folded[i - 1] if i > 0 else ""
            after = folded[i + 1] if i + 1 < len(folded) else ""
            if ch in ",:" and before.isdigit() and after.isdigit():
                result.append(ch)
                continue
            result.append(_ASCII_TO_CJK[ch])
        else:
            result.append(ch)
    # Thousands separators carry no meaning for the value.
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", "".join(result))


def _spelled_fraction(match: re.Match[str]) -> str:
    """百分之八 → 8%, 千分之五 → 5‰ (left as written when the numeral does not parse)."""
    try:
        value = cn2an.cn2an(match.group(2), "smart")
    except ValueError:
        return match.group(0)
    number = f"{value:g}" if isinstance(value, float) else str(value)
    return number + ("%" if match.group(1) == "百" else "‰")


def unify_numbers(text: str) -> str:
    """Write percentages spelled in Chinese (百分之八, 千分之五) with digits and a sign."""
    return _FRACTION_RE.sub(_spelled_fraction, text)


def normalise(text: str) -> str:
    """Strip pinyin glosses, convert to simplified Chinese, unify punctuation and percentages."""
    return unify_numbers(unify_punctuation(to_simplified(strip_pinyin(text))))


def split_passages(text: str) -> list[str]:
    """Split a text into its non-empty lines (paragraphs)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_sentences(text: str) -> list[str]:
    """Split a text into sentences at 。！？ and line breaks, keeping the end mark."""
    return [part.strip() for part in _SENTENCE_END_RE.split(text) if part and part.strip()]
