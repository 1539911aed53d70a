"""序时 shares, status thresholds, grey, forecast and the monthly snapshot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jinmu.enterprises.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
)
from jinmu.projects.tests.factories import ProjectFactory
from jinmu.targets.choices import Aggregation, Bound, Direction, Status
from jinmu.targets.models import Indicator, ReportedValue, Target, TargetSnapshot
from jinmu.targets.progress import (
    RED_POINTS,
    YELLOW_POINTS,
    behind_points,
    evaluate,
    evaluate_many,
    expected_for,
    expected_share,
    status_for,
)
from jinmu.targets.tests.factories import IndicatorFactory, TargetFactory


def _target(period: str = "year", year: int = 2026, **extra: Any) -> Target:
    """An unsaved target with an unsaved cumulative indicator (enough for 序时 arithmetic)."""
    indicator = Indicator(code="x", aggregation=extra.pop("aggregation", Aggregation.CUMULATIVE))
    indicator.direction = extra.pop("direction", Direction.HIGHER)
    return Target(indicator=indicator, year=year, period=period, value=Decimal(100), **extra)


def test_share_is_zero_before_and_one_after_the_period() -> None:
    """Outside the period the share is fixed."""
    target = _target()
    assert expected_share(target, dt.date(2025, 12, 31)) == 0
    assert expected_share(target, dt.date(2026, 12, 31)) == 1
    assert expected_share(target, dt.date(2027, 3, 1)) == 1


def test_share_counts_the_day_itself() -> None:
    """The first day is one day elapsed; 1 July 2026 is day 182 of 365."""
    target = _target()
    assert expected_share(target, dt.date(2026, 1, 1)) == Decimal(1) / Decimal(365)
    assert expected_share(target, dt.date(2026, 7, 1)) == Decimal(182) / Decimal(365)


def test_leap_year_has_366_days() -> None:
    """2028 is a leap year: 29 February is day 60 of 366."""
    target = _target(year=2028)
    assert expected_share(target, dt.date(2028, 2, 29)) == Decimal(60) / Decimal(366)


def test_quarter_share() -> None:
    """Q2 2026 has 91 days; 15 May is day 45."""
    target = _target(period="q2")
    assert expected_share(target, dt.date(2026, 3, 31)) == 0
    assert expected_share(target, dt.date(2026, 5, 15)) == Decimal(45) / Decimal(91)
    assert expected_share(target, dt.date(2026, 6, 30)) == 1


def test_monthly_profile_replaces_the_linear_share_prorated_in_the_month() -> None:
    """Cumulative shares per month; inside a month the share moves by day."""
    shares = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 1]
    target = _target(monthly_shares=shares)
    assert expected_share(target, dt.date(2026, 1, 31)) == Decimal("0.05")
    assert expected_share(target, dt.date(2026, 3, 31)) == Decimal("0.2")
    # 15 April: 0.2 + (0.3 − 0.2) × 15/30.
    assert expected_share(target, dt.date(2026, 4, 15)) == Decimal("0.25")


def test_quarter_profile_and_a_profile_of_the_wrong_length() -> None:
    """A quarter takes three shares; twelve shares on a quarter are ignored (linear)."""
    target = _target(period="q2", monthly_shares=["0.2", "0.5", "1"])
    assert expected_share(target, dt.date(2026, 4, 30)) == Decimal("0.2")
    assert expected_share(target, dt.date(2026, 5, 31)) == Decimal("0.5")
    target.monthly_shares = [0.1] * 11 + [1]
    assert expected_share(target, dt.date(2026, 5, 15)) == Decimal(45) / Decimal(91)


def test_a_rate_is_expected_in_full_at_any_time() -> None:
    """A growth rate is not accumulated over the year."""
    target = _target(aggregation=Aggregation.RATE)
    assert expected_for(target, dt.date(2026, 3, 1)) == 1


@pytest.mark.parametrize(
    ("points", "status"),
    [
        (Decimal("9.99"), Status.GREEN),
        (Decimal(10), Status.YELLOW),
        (Decimal(30), Status.YELLOW),
        (Decimal("30.01"), Status.RED),
        (Decimal(-5), Status.GREEN),
        (None, Status.GREY),
    ],
)
def test_status_thresholds(points: Decimal | None, status: Status) -> None:
    """Yellow from 10 points behind, red above 30 (practice.md)."""
    assert (YELLOW_POINTS, RED_POINTS) == (Decimal(10), Decimal(30))
    assert status_for(points) == status


def test_behind_points_for_a_cap_counts_overuse() -> None:
    """Using a lower-is-better cap faster than 序时 is behind."""
    cap = _target(direction=Direction.LOWER)
    assert behind_points(cap, Decimal("0.8"), Decimal("0.5")) == Decimal("30.0")
    assert behind_points(_target(), Decimal("0.8"), Decimal("0.5")) == Decimal("-30.0")


@pytest.mark.django_db
def test_evaluate_status_at_the_thresholds(world: Any) -> None:
    """At the end of a H1 target the share is 1: 7 of 10 is exactly 30 points behind (yellow),
    7 of 10.01 is just over 30 (red), 7 of 7.7 under 10 (green)."""
    kind = QualificationKindFactory(code="high-tech")
    for _ in range(7):
        QualificationFactory(kind=kind, granted_on=dt.date(2026, 3, 1))
    target = TargetFactory(period="h1", value=Decimal(10))
    result = evaluate(target, dt.date(2026, 6, 30))
    assert (result.measured, result.expected) == (Decimal(7), Decimal(1))
    assert (result.progress, result.status) == (Decimal("0.7"), Status.YELLOW)
    target.value = Decimal("10.01")
    assert evaluate(target, dt.date(2026, 6, 30)).status == Status.RED
    target.value = Decimal("7.7")
    assert evaluate(target, dt.date(2026, 6, 30)).status == Status.GREEN


@pytest.mark.django_db
def test_forecast_follows_the_linear_trend(world: Any) -> None:
    """3 certified by day 73 of 365 (a fifth of the year) forecasts 15 by year end."""
    kind = QualificationKindFactory(code="high-tech")
    for _ in range(3):
        QualificationFactory(kind=kind, granted_on=dt.date(2026, 2, 1))
    result = evaluate(TargetFactory(value=Decimal(30)), dt.date(2026, 3, 14))
    assert result.expected == Decimal("0.2")
    assert result.forecast == Decimal(15)
    assert result.progress == Decimal("0.1")
    assert result.status == Status.YELLOW
    assert [item.url_name for item in result.items] == ["enterprises:detail"] * 3


@pytest.mark.django_db
def test_a_level_forecasts_itself_and_a_range_uses_its_lower_value(world: Any) -> None:
    """Key projects standing count as they are; a 40–50 range is measured against 40."""
    for _ in range(4):
        ProjectFactory(region=world.town_a)
    target = TargetFactory(
        indicator=IndicatorFactory(code="key-projects-county"),
        value=Decimal(40),
        bound=Bound.RANGE,
        value_high=Decimal(50),
    )
    result = evaluate(target, dt.date(2026, 12, 31))
    assert (result.measured, result.forecast, result.progress) == (4, 4, Decimal("0.1"))
    assert result.status == Status.RED


@pytest.mark.django_db
def test_reported_indicator_is_grey_without_values_and_uses_the_latest_month(world: Any) -> None:
    """No report → grey; a rate takes the latest month reported up to the day."""
    indicator = IndicatorFactory(code="industrial-value-added-growth")
    target = TargetFactory(indicator=indicator, value=Decimal(6))
    result = evaluate(target, dt.date(2026, 5, 10))
    assert (result.measured, result.status, result.forecast) == (None, Status.GREY, None)
    for month, value in ((3, "5.4"), (4, "6.3"), (6, "1")):
        ReportedValue.objects.create(
            region=world.county,
            indicator=indicator,
            month=dt.date(2026, month, 1),
            value=Decimal(value),
            evidence="统计局月报",
        )
    result = evaluate(target, dt.date(2026, 5, 10))
    assert (result.measured, result.expected, result.status) == (
        Decimal("6.3"),
        1,
        Status.GREEN,
    )


@pytest.mark.django_db
def test_evaluate_many_reads_each_indicator_once(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    """A board of many targets of one indicator costs the same few queries as one target (the
    measure, and one read of the status thresholds)."""
    kind = QualificationKindFactory(code="high-tech")
    QualificationFactory(
        kind=kind, granted_on=dt.date(2026, 2, 1), enterprise=EnterpriseFactory(region=world.town_a)
    )
    QualificationFactory(
        kind=kind, granted_on=dt.date(2026, 2, 1), enterprise=EnterpriseFactory(region=world.town_b)
    )
    whole = TargetFactory()
    parts = [
        TargetFactory(parent=whole, region=town, value=Decimal(15))
        for town in (world.town_a, world.town_b)
    ]
    targets = list(Target.objects.select_related("indicator", "region", "responsible_unit"))
    with django_assert_max_num_queries(3):
        results = evaluate_many(targets, dt.date(2026, 6, 30))
    assert results[whole.pk].measured == 2
    assert [results[part.pk].measured for part in parts] == [1, 1]


@pytest.mark.django_db
def test_snapshot_command_is_idempotent(world: Any) -> None:
    """Running twice for June keeps one row per target, with the June values."""
    kind = QualificationKindFactory(code="high-tech")
    QualificationFactory(kind=kind, granted_on=dt.date(2026, 6, 30))
    QualificationFactory(kind=kind, granted_on=dt.date(2026, 7, 1))
    target = TargetFactory(value=Decimal(30))
    TargetFactory(year=2025)
    for _ in range(2):
        out = StringIO()
        call_command("snapshot_targets", "--month", "2026-06", stdout=out)
        assert "已写入2026-06的1条目标快照。" in out.getvalue()
    snapshot = TargetSnapshot.objects.get()
    assert (snapshot.target_id, snapshot.month) == (target.pk, dt.date(2026, 6, 30))
    assert snapshot.measured == 1
    assert snapshot.expected == Decimal("0.4959")  # 181 / 365
    assert snapshot.status == Status.RED


def test_snapshot_command_refuses_a_bad_month() -> None:
    """The month is YYYY-MM."""
    with pytest.raises(CommandError):
        call_command("snapshot_targets", "--month", "June")


@pytest.mark.django_db
def test_a_period_not_begun_is_grey(world: Any) -> None:
    """Next year's target is not green with nothing done: it has not started."""
    target = TargetFactory(year=2027)
    result = evaluate(target, dt.date(2026, 11, 26))
    assert (result.expected, result.status) == (0, Status.GREY)
