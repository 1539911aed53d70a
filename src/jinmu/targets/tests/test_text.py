"""Normalisation: pinyin glosses, traditional characters, punctuation and sentences."""

from __future__ import annotations

from jinmu.targets.text import (
    normalise,
    split_passages,
    split_sentences,
    strip_pinyin,
    to_simplified,
    unify_numbers,
    unify_punctuation,
)


def test_pinyin_glosses_after_characters_are_removed() -> None:
    assert strip_pinyin("推動經(jīng)濟(jì)發(fā)展") == "推動經濟發展"


def test_latin_text_in_brackets_is_kept() -> None:
    assert strip_pinyin("设立R&D机构(研发)和项目(a)") == "设立R&D机构(研发)和项目"
    assert strip_pinyin("型号(t5)") == "型号(t5)"


def test_traditional_characters_become_simplified() -> None:
    assert to_simplified("縣級重點項目總投資億元") == "县级重点项目总投资亿元"


def test_full_width_digits_and_percent_become_ascii() -> None:
    assert unify_punctuation("增长６．５％") == "增长6.5%"


def test_ascii_clause_marks_become_chinese_but_numbers_keep_theirs() -> None:
    assert unify_punctuation("目标是:增长8%,投资1,200亿元;比例3:2") == (
        "目标是：增长8%，投资1200亿元；比例3:2"
    )


def test_normalise_runs_every_step() -> None:
    assert normalise("力爭新增企業３０家,發(fā)展") == "力争新增企业30家，发展"


def test_sentences_split_at_end_marks_and_line_breaks() -> None:
    assert split_sentences("甲增长5%。乙达到3家！丙呢？\n丁") == [
        "甲增长5%。",
        "乙达到3家！",
        "丙呢？",
        "丁",
    ]


def test_passages_are_the_non_empty_lines() -> None:
    assert split_passages("第一段\n\n  第二段  \n") == ["第一段", "第二段"]


def test_percentages_spelled_in_chinese_get_digits() -> None:
    assert unify_numbers("增长百分之八左右，下降千分之五，提高百分之二点五") == (
        "增长8%左右，下降5‰，提高2.5%"
    )
