"""Extraction of quantified goals: every pattern and non-goal on constructed sentences, and the
seed article's ten goals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jinmu.targets.extraction import BOUNDS, KINDS, Goal, extract, parse_number

# The repository's parent holds `shared` (tests → targets → jinmu → src → repo).
SHARED = Path(__file__).resolve().parents[4] / ".." / "shared"
SEED = SHARED / "seed" / "000_e4b0471a93748a18.txt"

KEYS = ["indicator", "kind", "value", "unit", "bound", "value_high", "condition", "period"]


def brief(goal: Goal) -> tuple[Any, ...]:
    """(kind, value, unit, bound) of a goal."""
    return (goal.kind, goal.value, goal.unit, goal.bound)


def only(text: str) -> Goal:
    """The single goal of a text."""
    goals = extract(text)
    assert len(goals) == 1, [g.to_dict() for g in goals]
    return goals[0]


# --------------------------------------------------------------------------- numbers


def test_numbers_parse_in_arabic_and_chinese() -> None:
    assert parse_number("291.3") == 291.3
    assert parse_number("三十") == 30
    assert parse_number("五百") == 500
    assert parse_number("千") == 1000


def test_jsonl_form_has_exactly_the_keys() -> None:
    goal = only("全年新增规上工业企业20家。")
    assert list(goal.to_dict()) == [*KEYS, "sentence"]
    assert goal.to_dict()["value"] == 20
    assert isinstance(goal.to_dict()["value"], int)


# --------------------------------------------------------------------------- kinds


def test_increment_after_a_verb_and_along_a_list() -> None:
    goals = extract("力争年内新增市级专精特新企业12家、省级“瞪羚”企业3家。")
    assert [(g.indicator, *brief(g)) for g in goals] == [
        ("市级专精特新企业", "increment", 12, "家", "exact"),
        ("省级“瞪羚”企业", "increment", 3, "家", "exact"),
    ]
    assert all(g.period == "年内" for g in goals)


def test_chinese_numerals_after_a_goal_verb() -> None:
    goal = only("全年新增规上工业企业三十家以上。")
    assert brief(goal) == ("increment", 30, "家", "at_least")


def test_level_with_achieve_and_break_through() -> None:
    goals = extract("到2027年，全区工业总产值达到800亿元，研发投入突破12亿元。")
    assert [(g.indicator, *brief(g)) for g in goals] == [
        ("工业总产值", "level", 800, "亿元", "exact"),
        ("研发投入", "level", 12, "亿元", "at_least"),
    ]
    assert goals[0].period == "到2027年"


def test_growth_rate_with_approximately() -> None:
    goal = only("预期目标是：全镇地区生产总值增长6.5%左右。")
    assert (goal.indicator, *brief(goal)) == ("地区生产总值", "growth_rate", 6.5, "%", "approx")


def test_share_from_rate_and_ratio_words() -> None:
    goals = extract("高新技术企业占比达到35%以上，宽带入户覆盖率不低于95%。")
    assert [brief(g) for g in goals] == [
        ("share", 35, "%", "at_least"),
        ("share", 95, "%", "at_least"),
    ]


def test_unemployment_and_price_rates_are_levels_with_upper_bounds() -> None:
    goals = extract("城镇调查失业率控制在5%以内，居民消费价格涨幅不超过3%。")
    assert [(g.indicator, *brief(g)) for g in goals] == [
        ("城镇调查失业率", "level", 5, "%", "at_most"),
        ("居民消费价格涨幅", "level", 3, "%", "at_most"),
    ]


def test_count_of_projects() -> None:
    goal = only("全年实施市级重点项目64个。")
    assert (goal.indicator, *brief(goal)) == ("市级重点项目", "count", 64, "个", "exact")


def test_planned_investment_is_a_total() -> None:
    goal = only("年度计划投资38.6亿元。")
    assert brief(goal) == ("total", 38.6, "亿元", "exact")


def test_magnitude_stays_in_the_unit() -> None:
    goals = extract("新增造林面积1.2万亩，建成充电桩2.5万个。")
    assert [(g.value, g.unit) for g in goals] == [(1.2, "万亩"), (2.5, "万个")]


# --------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("全年引进外资项目12个以上。", "at_least"),
        ("粮食产量不低于30万吨。", "at_least"),
        ("培育不少于15家链主企业。", "at_least"),
        ("招商引资到位资金超过90亿元。", "at_least"),
        ("外贸进出口总额突破60亿元。", "at_least"),
        ("农产品网络零售额达到18亿元。", "exact"),
        ("单位能耗下降幅度控制在2%以内。", "at_most"),
        ("财政赤字率不超过3%。", "at_most"),
        ("新增城镇就业约5000人。", "approx"),
        ("居民收入增长7%左右。", "approx"),
        ("物价涨幅控制在3%左右。", "approx"),
    ],
)
def test_bounds(text: str, bound: str) -> None:
    assert only(text).bound == bound


def test_ranges_with_a_dash_or_a_chinese_one() -> None:
    goal = only("明年规上工业增加值增长5%—6%。")
    assert (goal.kind, goal.bound, goal.value, goal.value_high, goal.unit) == (
        "growth_rate",
        "range",
        5,
        6,
        "%",
    )
    goal = only("每个园区引进2-3个研发机构。")
    assert (goal.bound, goal.value, goal.value_high, goal.unit) == ("range", 2, 3, "个")
    goal = only("推动1一2家企业上市。")
    assert (goal.bound, goal.value, goal.value_high, goal.unit) == ("range", 1, 2, "家")


# --------------------------------------------------------------------------- conditions


def test_investment_threshold_becomes_a_condition_of_the_count() -> None:
    goal = only("力争年内实施投资1000万元以上技改项目40个。")
    assert brief(goal) == ("count", 40, "个", "exact")
    assert goal.condition == "投资≥1000万元"


def test_over_a_hundred_million_thresholds() -> None:
    goals = extract("年内签约过亿元项目18个、过5亿元项目4个。")
    assert [(g.value, g.condition, g.kind) for g in goals] == [
        (18, "投资>1亿元", "count"),
        (4, "投资>5亿元", "count"),
    ]


def test_threshold_after_the_count() -> None:
    goal = only("推进26个亿元以上产业项目建设。")
    assert (goal.value, goal.condition, goal.kind) == (26, "投资≥1亿元", "count")


def test_threshold_at_the_end_of_the_clause() -> None:
    goal = only("力争6条产业链产值规模超百亿。")
    assert (goal.value, goal.unit, goal.kind) == (6, "条", "count")
    assert goal.condition == "产值规模>100亿元"


def test_a_money_goal_with_at_least_is_not_a_threshold() -> None:
    goal = only("全年到位资金80亿元以上。")
    assert brief(goal) == ("level", 80, "亿元", "at_least")
    assert goal.condition is None


# --------------------------------------------------------------------------- several goals


def test_total_investment_of_n_projects_is_two_goals() -> None:
    goals = extract("年内开工建设总投资86.5亿元的28个市级重点项目。")
    assert sorted((g.kind, g.value, g.unit) for g in goals) == [
        ("count", 28, "个"),
        ("total", 86.5, "亿元"),
    ]
    assert all("市级重点项目" in g.indicator for g in goals)


def test_respectively_is_split_per_indicator() -> None:
    goals = extract("城镇和农村居民人均可支配收入分别增长6%和7%左右。")
    assert [(g.indicator, *brief(g)) for g in goals] == [
        ("城镇居民人均可支配收入", "growth_rate", 6, "%", "approx"),
        ("农村居民人均可支配收入", "growth_rate", 7, "%", "approx"),
    ]


def test_one_value_shared_by_two_indicators() -> None:
    goals = extract("两项指标中，设备联网率、数据采集率均要达到80%以上。")
    assert [(g.indicator, *brief(g)) for g in goals] == [
        ("设备联网率", "share", 80, "%", "at_least"),
        ("数据采集率", "share", 80, "%", "at_least"),
    ]


def test_doubling_is_growth_of_a_hundred_percent() -> None:
    goals = extract("今年税收收入、非税收入全部实现翻番。")
    assert [(g.indicator, g.kind, g.value, g.unit) for g in goals] == [
        ("税收收入", "growth_rate", 100, "%"),
        ("非税收入", "growth_rate", 100, "%"),
    ]


def test_sentence_is_the_normalised_source_sentence() -> None:
    goals = extract("前言。力爭新增企業３０家,發(fā)展壯大。")
    assert goals[0].sentence == "力争新增企业30家，发展壮大。"


# --------------------------------------------------------------------------- non-goals


@pytest.mark.parametrize(
    "text",
    [
        "去年完成固定资产投资52亿元，增长9%。",
        "2023年全县实现地区生产总值180亿元，同比增长6%。",
        "截至目前，已认定高新技术企业41家。",
        "1-9月完成工业投资23亿元，完成率76%。",
        "根据《通知》（示范办〔2022〕63号）要求，于2024年3月15日前完成申报。",
        "我县综合实力排名第3位，全市排名第1。",
        "一是强化招商引资；二是优化营商环境；三是抓好项目建设。",
        "01.加快项目建设\n02.优化营商环境",
        "围绕“3+5”产业体系，聚焦“双百”工程，实施五大行动。",
        "打造一个平台，做好五个强化，实现两个突破。",
        "推动企业进入全国500强。",
        "在流转12万亩土地的基础上发展特色农业。",
        "全年为民办好12件实事：",
        "按照4条主线、6个方面推进数字化转型。",
        "今年以来，全区新签约项目31个。",
    ],
)
def test_non_goals_are_skipped(text: str) -> None:
    assert extract(text) == [], [g.to_dict() for g in extract(text)]


def test_a_result_then_a_goal_in_one_sentence() -> None:
    goals = extract("去年完成固定资产投资50亿元，今年力争达到60亿元。")
    assert [(g.indicator, *brief(g)) for g in goals] == [
        ("固定资产投资", "level", 60, "亿元", "exact"),
    ]


def test_a_report_paragraph_stays_past_until_a_goal_appears() -> None:
    text = "去年全县生产总值增长6%。新开工项目46个。今年力争新开工项目50个。"
    assert [g.value for g in extract(text)] == [50]


def test_structure_ratios_are_not_shares() -> None:
    goals = extract("本年度技改项目80个，其中过亿元项目30个，占比37.5%。")
    assert [g.value for g in goals] == [80, 30]


def test_text_without_goals_gives_nothing() -> None:
    assert extract("优化营商环境，提升服务水平。") == []
    assert extract("") == []


# --------------------------------------------------------------------------- seed article


def test_seed_article_extracts_exactly_its_ten_goals() -> None:
    if not SEED.exists():
        pytest.skip(f"the seed article is not at {SEED} (../shared is absent)")
    goals = extract(SEED.read_text(encoding="utf-8"))
    found = [(g.indicator, g.kind, g.value, g.unit, g.bound, g.condition) for g in goals]
    assert found == [
        ("国家级高新技术企业", "increment", 30, "家", "exact", None),
        ("国家级专精特新“小巨人”企业", "increment", 2, "家", "exact", None),
        ("省级“专精特新”企业", "increment", 15, "家", "at_least", None),
        # 以上 qualifies 500万元, not the 100 projects: the count itself is exact.
        ("投资500万元以上县级重点技改项目", "count", 100, "个", "exact", "投资≥500万元"),
        ("上云企业", "increment", 60, "家", "exact", None),
        ("“晨星工厂”", "increment", 2, "家", "exact", None),
        ("过亿元项目", "count", 35, "个", "exact", "投资>1亿元"),
        ("过10亿元项目", "count", 3, "个", "exact", "投资>10亿元"),
        ("县级重点项目总投资", "total", 291.3, "亿元", "exact", None),
        ("县级重点项目", "count", 45, "个", "exact", None),
    ]
    assert all(g.period == "年内" for g in goals)
    assert all(g.value_high is None for g in goals)
    assert all(g.kind in KINDS and g.bound in BOUNDS for g in goals)
    # Labels stay out: 二十大, 一企一年一技改, 双十, 两市场, 六中心, 四提四增.
    assert not {"二十大", "双十", "两市场", "六中心", "四提四增"} & {g.indicator for g in goals}


def test_revenue_threshold_on_enterprises_keeps_the_increment() -> None:
    goal = only("新增营收超亿元企业10家。")
    assert (goal.kind, goal.value, goal.condition) == ("increment", 10, "营收>1亿元")


def test_spelled_percentages_and_percentage_points() -> None:
    goals = extract("一般公共预算收入增长百分之五，研发投入强度提高0.3个百分点。")
    assert [(g.indicator, *brief(g)) for g in goals] == [
        ("一般公共预算收入", "growth_rate", 5, "%", "exact"),
        ("研发投入强度", "growth_rate", 0.3, "个百分点", "exact"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "打造15分钟生活圈，构建1小时经济圈。",
        "拨打12345热线反映问题。",
        "在3个月内完成整改。",
    ],
)
def test_durations_and_hotlines_are_not_goals(text: str) -> None:
    assert extract(text) == []


def test_span_marks_the_number_in_its_sentence() -> None:
    """Each goal knows where its number, unit and bound stand in the sentence (for the review
    page's highlight); the span is not part of the jsonl form."""
    goals = extract("到2026年，新增上云企业60家，总投资291.3亿元的45个项目全部开工。")
    spans = [g.sentence[g.span[0] : g.span[1]] for g in goals if g.span]
    assert spans == ["60家", "291.3亿元", "45个"]
    assert "span" not in goals[0].to_dict()
