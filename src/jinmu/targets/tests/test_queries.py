"""Read aggregates of the targets: the board by front and by 四提四增, the as-of day of a year,
units holding targets and each unit's own targets, measured from real facts and scoped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jinmu.enterprises.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
)
from jinmu.targets import queries
from jinmu.targets.models import Target
from jinmu.targets.tests.factories import IndicatorFactory, TargetFactory, part_of

pytestmark = pytest.mark.django_db

# 1 July 2026 is day 182 of 365.
ON = dt.date(2026, 7, 1)
SHARE = Decimal(182) / Decimal(365)

KIND_NAMES = {
    "high-tech": "国家高新技术企业",
    "little-giant": "国家级专精特新“小巨人”企业",
    "srdi-provincial": "省级专精特新中小企业",
}


def grant(kind: str, region: Any, day: dt.date) -> None:
    """A qualification of a kind granted on a day to a new enterprise of the region."""
    QualificationFactory(
        enterprise=EnterpriseFactory(region=region),
        kind=QualificationKindFactory(code=kind, name=KIND_NAMES[kind]),
        granted_on=day,
    )


def build_goals(world: Any) -> dict[str, Target]:
    """The county's 2026 targets on 1 July (序时 182/365 ≈ 49.9%):

    - 高新技术企业 ≥30 (innovation, 提规增量, held by the industry office): 11 granted → yellow;
      parts 大曹镇 10 (6 granted → green) and 保店镇 8 (1 granted → red);
    - 小巨人 ≥2 (innovation, 品牌提质增值): 1 granted → green;
    - 省级专精特新 ≥15 (clusters, 企业提速增效): none → red;
    - 规上工业增加值增速 about 6% (no front, no action): nothing reported → grey;
    - and a 2025 target of 20 high-tech enterprises (1 granted in 2025 → red at year end).
    """
    high_tech = TargetFactory(
        indicator=IndicatorFactory(code="high-tech-new"),
        name="国家级高新技术企业",
        value=Decimal(30),
        front="innovation",
        action="scale",
        responsible_unit=world.industry_office,
    )
    part_a = part_of(high_tech, value=10, region=world.town_a, responsible_unit=world.town_a_unit)
    part_b = part_of(high_tech, value=8, region=world.town_b, responsible_unit=world.town_b_unit)
    giant = TargetFactory(
        indicator=IndicatorFactory(code="little-giant-new"),
        name="专精特新“小巨人”企业",
        value=Decimal(2),
        front="innovation",
        action="brand",
    )
    srdi = TargetFactory(
        indicator=IndicatorFactory(code="srdi-provincial-new"),
        name="省级专精特新企业",
        value=Decimal(15),
        front="cluster",
        action="efficiency",
    )
    growth = TargetFactory(
        indicator=IndicatorFactory(code="industrial-value-added-growth"),
        name="规上工业增加值增速",
        value=Decimal(6),
        bound="approx",
        unit="%",
    )
    last_year = TargetFactory(
        indicator=IndicatorFactory(code="high-tech-new"),
        name="国家级高新技术企业",
        year=2025,
        value=Decimal(20),
        front="innovation",
    )
    for month in range(1, 7):
        grant("high-tech", world.town_a, dt.date(2026, month, 10))
    grant("high-tech", world.town_b, dt.date(2026, 5, 20))
    for month in (2, 3, 4, 5):
        grant("high-tech", world.county, dt.date(2026, month, 1))
    grant("high-tech", world.town_a, dt.date(2025, 12, 30))  # last year's
    grant("high-tech", world.county, dt.date(2026, 8, 1))  # after 1 July
    grant("little-giant", world.county, dt.date(2026, 3, 15))
    return {
        "high_tech": high_tech,
        "part_a": part_a,
        "part_b": part_b,
        "giant": giant,
        "srdi": srdi,
        "growth": growth,
        "last_year": last_year,
    }


@pytest.fixture
def goals(world: Any) -> dict[str, Target]:
    """The county's targets and the facts that measure them (see `build_goals`)."""
    return build_goals(world)


def counts(items: list[queries.StatusCount]) -> dict[str, int]:
    """Status counts as a dict."""
    return {item.status: item.count for item in items}


def test_board_groups_whole_targets_by_front_with_parts_nested(
    world: Any, goals: dict[str, Target]
) -> None:
    # when
    board = queries.target_board(world.user("industry"), 2026, ON)
    # then: the fronts in the article's order, then the targets without a front
    assert [group.key for group in board.by_front] == ["innovation", "cluster", ""]
    innovation = board.by_front[0]
    assert [row.target for row in innovation.rows] == [goals["high_tech"], goals["giant"]]
    high_tech = innovation.rows[0]
    assert [part.target for part in high_tech.parts] == [goals["part_a"], goals["part_b"]]
    assert high_tech.part_count == 2
    assert high_tech.holder == world.industry_office
    # measured from the qualifications granted in the window, per scope
    tp = high_tech.progress
    assert (tp.measured, tp.status) == (Decimal(11), "yellow")
    assert tp.progress == Decimal(11) / Decimal(30)
    assert tp.expected == SHARE
    assert tp.forecast == Decimal(11) / SHARE
    assert [(p.progress.measured, p.progress.status) for p in high_tech.parts] == [
        (Decimal(6), "green"),
        (Decimal(1), "red"),
    ]
    assert tp.items == []  # counted by the database: the detail page lists the enterprises
    assert board.expected == SHARE
    assert counts(board.counts) == {"red": 1, "yellow": 1, "green": 1, "grey": 1}
    assert board.total == 4
    assert counts(innovation.counts) == {"red": 0, "yellow": 1, "green": 1, "grey": 0}


def test_board_groups_by_action_in_choice_order(world: Any, goals: dict[str, Target]) -> None:
    board = queries.target_board(world.user("leader"), 2026, ON)
    assert [(group.key, [row.target for row in group.rows]) for group in board.by_action] == [
        ("scale", [goals["high_tech"]]),
        ("efficiency", [goals["srdi"]]),
        ("brand", [goals["giant"]]),
        ("", [goals["growth"]]),
    ]
    assert board.by_action[0].label == "产业提规增量"


def test_flat_rows_put_parts_after_their_whole(world: Any, goals: dict[str, Target]) -> None:
    board = queries.target_board(world.user("industry"), 2026, ON)
    assert [row.target for row in board.flat_rows()] == [
        goals["high_tech"],
        goals["part_a"],
        goals["part_b"],
        goals["giant"],
        goals["srdi"],
        goals["growth"],
    ]
    assert [row.depth for row in board.flat_rows()][:3] == [0, 1, 1]


def test_a_town_sees_its_own_part_as_its_board(world: Any, goals: dict[str, Target]) -> None:
    board = queries.target_board(world.user("town_a"), 2026, ON)
    assert [row.target for row in board.rows] == [goals["part_a"]]
    row = board.rows[0]
    assert (row.progress.measured, row.progress.status, row.parts) == (Decimal(6), "green", [])
    assert [group.key for group in board.by_front] == ["innovation"]
    assert counts(board.counts) == {"red": 0, "yellow": 0, "green": 1, "grey": 0}


def test_roles_without_scope_see_no_targets(world: Any, goals: dict[str, Target]) -> None:
    for persona in ("bank", "enterprise", "judge", "auditor"):
        board = queries.target_board(world.user(persona), 2026, ON)
        assert board.rows == []
        assert queries.units_with_targets(world.user(persona), 2026, ON) == []


def test_as_of_is_today_this_year_and_the_last_day_of_a_past_year() -> None:
    today = dt.date(2026, 7, 1)
    assert queries.as_of(2026, today) == today
    assert queries.as_of(2025, today) == dt.date(2025, 12, 31)
    assert queries.as_of(2027, today) == today
    assert queries.year_share(2027, today) == 0
    assert queries.year_share(2025, dt.date(2025, 12, 31)) == 1
    assert queries.year_share(2026, today) == SHARE


def test_a_past_year_is_read_at_its_end(world: Any, goals: dict[str, Target]) -> None:
    on = queries.as_of(2025, ON)
    board = queries.target_board(world.user("industry"), 2025, on)
    assert [row.target for row in board.rows] == [goals["last_year"]]
    tp = board.rows[0].progress
    assert (tp.measured, tp.expected, tp.status) == (Decimal(1), Decimal(1), "red")


def test_nothing_is_due_in_a_future_year(world: Any) -> None:
    future = TargetFactory(year=2027, front="innovation")
    board = queries.target_board(world.user("industry"), 2027, queries.as_of(2027, ON))
    tp = board.rows[0].progress
    assert tp.target == future
    assert tp.expected == 0
    assert board.expected == 0
    assert board.is_future


def test_years_with_targets(world: Any, goals: dict[str, Target]) -> None:
    assert queries.years_with_targets(world.user("industry")) == [2026, 2025]
    assert queries.years_with_targets(world.user("industry"), include=[2027]) == [
        2027,
        2026,
        2025,
    ]
    assert queries.years_with_targets(world.user("bank")) == []


def test_units_with_targets_and_their_counts(world: Any, goals: dict[str, Target]) -> None:
    summaries = queries.units_with_targets(world.user("industry"), 2026, ON)
    # towns first (by name), then the industry office
    assert [s.unit for s in summaries] == [
        world.town_b_unit,
        world.town_a_unit,
        world.industry_office,
    ]
    assert [(s.count("green"), s.count("yellow"), s.count("red")) for s in summaries] == [
        (0, 0, 1),
        (1, 0, 0),
        (0, 1, 0),
    ]
    assert [s.total for s in summaries] == [1, 1, 1]
    town = queries.units_with_targets(world.user("town_a"), 2026, ON)
    assert [s.unit for s in town] == [world.town_a_unit]


def test_unit_targets_nest_the_parts_under_the_units_whole(
    world: Any, goals: dict[str, Target]
) -> None:
    office = queries.unit_targets(world.user("industry"), world.industry_office, 2026, ON)
    assert [row.target for row in office.rows] == [goals["high_tech"]]
    assert [part.target for part in office.rows[0].parts] == [goals["part_a"], goals["part_b"]]
    town = queries.unit_targets(world.user("industry"), world.town_b_unit, 2026, ON)
    assert [row.target for row in town.rows] == [goals["part_b"]]
    assert counts(town.counts)["red"] == 1
    # a town user sees nothing of another town's unit
    other = queries.unit_targets(world.user("town_a"), world.town_b_unit, 2026, ON)
    assert other.rows == []


def test_a_chain_part_is_held_by_the_chain_office(world: Any, goals: dict[str, Target]) -> None:
    from jinmu.chains.tests.factories import ChainFactory

    chain = ChainFactory(name="健身器材", office=world.chain_office)
    part = part_of(goals["srdi"], value=5, chain=chain)
    board = queries.target_board(world.user("chain"), 2026, ON)
    assert [row.target for row in board.rows] == [part]
    assert board.rows[0].holder == world.chain_office
    assert queries.visible_unit(world.user("chain"), world.chain_office.pk) == world.chain_office
    assert queries.visible_unit(world.user("other_chain"), world.chain_office.pk) is None


def test_visible_unit(world: Any, goals: dict[str, Target]) -> None:
    town_a = world.user("town_a")
    assert queries.visible_unit(town_a, world.town_a_unit.pk) == world.town_a_unit
    assert queries.visible_unit(town_a, world.town_b_unit.pk) is None
    assert queries.visible_unit(town_a, world.industry_office.pk) is None
    assert queries.visible_unit(world.user("industry"), world.town_b_unit.pk) == world.town_b_unit
    assert queries.visible_unit(world.user("bank"), world.town_a_unit.pk) is None
    assert queries.visible_unit(world.user("industry"), 999_999) is None
