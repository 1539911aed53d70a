"""Pinyin keys of enterprise names: one pypinyin pass gives what its two styles give."""

from __future__ import annotations

import pytest
from pypinyin import Style, lazy_pinyin

from jinmu.enterprises.text import name_keys, pinyin_initials, pinyin_key

NAMES = [
    "宁津县华健体育器材有限公司",
    "山东津力健身器材有限公司",
    "德州安德电梯有限公司",
    "重庆银行宁津支行",  # polyphones: 重 chóng, 行 háng
    "长春长生",
    "乐乐乐",
    "绿色女子",  # ü written v
    "嗯呣",
    "3M中国有限公司",
    "ABC 公司",
    "（山东）德州·安德",
    "Café咖啡",
    "ＡＢＣ全角１２３",
    "一二三〇",
    "䶮𠀀丂",
    "  公司  ",
    "a b  c",
    "",
]


def _two_passes(text: str) -> tuple[str, str]:
    """The keys as first defined: one pypinyin pass per style."""
    full = " ".join(lazy_pinyin(text, errors="default")).lower()[:600]
    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return full, "".join(p for p in parts if p.strip()).lower()[:200]


@pytest.mark.parametrize("name", NAMES)
def test_one_pass_gives_the_keys_of_two(name: str) -> None:
    # then
    assert name_keys(name) == _two_passes(name)
    assert (pinyin_key(name), pinyin_initials(name)) == _two_passes(name)


def test_examples() -> None:
    # then
    assert name_keys("宁津健身器材") == ("ning jin jian shen qi cai", "njjsqc")
    assert name_keys("3M中国") == ("3m zhong guo", "3mzg")


def test_long_names_are_cut() -> None:
    # given
    name = "健" * 300
    # then
    assert name_keys(name) == _two_passes(name)
