"""The named measures at their boundaries: window days, thresholds, terminated projects, and
town, park and chain scopes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory, EnterpriseNodeFactory
from jinmu.enterprises.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
)
from jinmu.projects.choices import ProjectKind, ProjectLevel, ProjectStatus
from jinmu.projects.models import Project
from jinmu.projects.tests.factories import ProjectFactory, ReportFactory
from jinmu.targets.measures import in_unit, measure_many, measure_target
from jinmu.targets.models import ReportedValue, Target
from jinmu.targets.tests.factories import IndicatorFactory, TargetFactory

START = dt.date(2026, 1, 1)
END = dt.date(2026, 12, 31)


def _target(code: str, **extra: Any) -> Target:
    """A whole-year 2026 target of a catalogue indicator."""
    return TargetFactory(indicator=IndicatorFactory(code=code), **extra)


def _value(target: Target, start: dt.date = START, end: dt.date = END) -> Decimal | None:
    """The measured value of a target over a window, read from its rows (as the detail page
    does) and checked against the database's totals (as the board counts it)."""
    value = measure_target(target, start, end).value
    totals = measure_many([target], {target.pk: (start, end)}, with_items=False)
    assert totals[target.pk].value == value
    return value


def test_money_units() -> None:
    """Yuan convert to 亿元 and 万元; counts pass through."""
    assert in_unit(Decimal(291_300_000), "亿元") == Decimal("2.913")
    assert in_unit(Decimal(5_000_000), "万元") == 500
    assert in_unit(Decimal(3), "家") == 3


@pytest.mark.django_db
def test_qualifications_granted_on_the_window_days_count_once_per_enterprise(world: Any) -> None:
    """The day before the period is out; its first and last days are in; a second grant of
    the same enterprise counts once; another kind does not count."""
    kind = QualificationKindFactory(code="high-tech")
    QualificationFactory(kind=kind, granted_on=dt.date(2025, 12, 31))
    first = QualificationFactory(kind=kind, granted_on=START)
    QualificationFactory(kind=kind, enterprise=first.enterprise, granted_on=dt.date(2026, 5, 1))
    last = QualificationFactory(kind=kind, granted_on=END)
    QualificationFactory(kind=QualificationKindFactory(code="cloud", name="上云"), granted_on=START)
    result = measure_target(_target("high-tech-new"), START, END)
    assert result.value == 2
    assert [(item.id, item.date) for item in result.items] == [
        (first.enterprise_id, START),
        (last.enterprise_id, END),
    ]
    assert result.items[0].url_name == "enterprises:detail"


@pytest.mark.django_db
def test_qualifications_by_town_county_park_and_chain(world: Any) -> None:
    """A town counts its own enterprises, the county all; a park and a chain their own."""
    kind = QualificationKindFactory(code="high-tech")
    in_park = EnterpriseFactory(region=world.town_a, park=world.park)
    on_chain = EnterpriseFactory(region=world.town_b)
    chain = ChainFactory()
    EnterpriseNodeFactory(enterprise=on_chain, node=ChainNodeFactory(chain=chain))
    for enterprise in (in_park, on_chain, EnterpriseFactory(region=world.town_a)):
        QualificationFactory(kind=kind, enterprise=enterprise, granted_on=dt.date(2026, 4, 1))
    assert _value(_target("high-tech-new")) == 3
    assert _value(_target("high-tech-new", region=world.town_a)) == 2
    assert _value(_target("high-tech-new", region=world.town_b)) == 1
    assert _value(_target("high-tech-new", responsible_unit=world.park)) == 1
    assert _value(_target("high-tech-new", chain=chain)) == 1
    assert measure_target(_target("high-tech-new", chain=chain), START, END).items[0].id == (
        on_chain.pk
    )


@pytest.mark.django_db
def test_renovation_threshold_window_and_terminated(world: Any) -> None:
    """5,000,000 counts, 4,999,999 does not; started outside the year or terminated: out."""

    def renovation(total: int, started: dt.date, **extra: Any) -> None:
        """A renovation project of a total investment started on a day."""
        ProjectFactory(
            kind=ProjectKind.RENOVATION,
            level="",
            total_investment=Decimal(total),
            actual_start=started,
            **extra,
        )

    renovation(5_000_000, START)
    renovation(4_999_999, START)
    renovation(8_000_000, END)
    renovation(8_000_000, dt.date(2025, 12, 31))
    renovation(8_000_000, dt.date(2027, 1, 1))
    renovation(8_000_000, dt.date(2026, 6, 1), status=ProjectStatus.TERMINATED)
    renovation(8_000_000, dt.date(2026, 6, 1), region=world.town_a)
    ProjectFactory(kind=ProjectKind.RENOVATION, total_investment=None, actual_start=START)
    assert _value(_target("renovation-500w")) == 3
    assert _value(_target("renovation-500w", region=world.town_a)) == 1


@pytest.mark.django_db
def test_attraction_signed_by_threshold_and_chain(world: Any) -> None:
    """Signed in the period at or above 1亿 (10亿 for the larger one), by chain."""
    chain = ChainFactory()

    def signed(total: int, on: dt.date, **extra: Any) -> None:
        """An attraction project of a total signed on a day."""
        extra.setdefault("status", ProjectStatus.SIGNED)
        ProjectFactory(
            kind=ProjectKind.ATTRACTION,
            level="",
            total_investment=Decimal(total),
            signed_on=on,
            **extra,
        )

    signed(100_000_000, START, chain=chain)
    signed(99_999_999, START, chain=chain)
    signed(1_000_000_000, END)
    signed(1_000_000_000, dt.date(2025, 12, 31))
    signed(2_000_000_000, dt.date(2026, 3, 1), status=ProjectStatus.TERMINATED)
    assert _value(_target("attraction-100m")) == 2
    assert _value(_target("attraction-1b")) == 1
    assert _value(_target("attraction-100m", chain=chain)) == 1


@pytest.mark.django_db
def test_key_projects_count_and_total_in_yi(world: Any) -> None:
    """County key projects standing at the window's end, not terminated, in 个 and 亿元."""
    ProjectFactory(total_investment=Decimal(300_000_000))
    ProjectFactory(total_investment=Decimal(50_000_000), region=world.town_a)
    ProjectFactory(total_investment=Decimal(900_000_000), status=ProjectStatus.TERMINATED)
    ProjectFactory(total_investment=Decimal(900_000_000), level=ProjectLevel.CITY)
    today = dt.date.today()
    assert _value(_target("key-projects-county"), START, today) == 2
    assert _value(_target("key-projects-county-investment"), START, today) == Decimal("3.5")
    assert _value(_target("key-projects-county", region=world.town_a), START, today) == 1
    # Registered after the window's end: not yet standing then.
    assert _value(_target("key-projects-county"), START, today - dt.timedelta(days=1)) == 0


@pytest.mark.django_db
def test_investment_completed_sums_weeks_whose_monday_is_in_the_window(world: Any) -> None:
    """The week of Monday 29 Dec 2025 belongs to 2025 even though it ends in 2026."""
    project = ProjectFactory(region=world.town_a)
    ReportFactory(project=project, week=dt.date(2025, 12, 29), invested_this_week=Decimal(10**8))
    ReportFactory(project=project, week=dt.date(2026, 1, 5), invested_this_week=Decimal(2 * 10**7))
    ReportFactory(project=project, week=dt.date(2026, 12, 28), invested_this_week=Decimal(10**7))
    ReportFactory(week=dt.date(2026, 3, 2), invested_this_week=Decimal(10**8))
    assert _value(_target("investment-completed")) == Decimal("1.3")
    assert _value(_target("investment-completed", region=world.town_a)) == Decimal("0.3")
    assert _value(_target("investment-completed"), START, dt.date(2026, 1, 4)) == 0
    items = measure_target(_target("investment-completed", region=world.town_a), START, END).items
    assert [(item.id, item.amount, item.date) for item in items] == [
        (project.pk, Decimal(3 * 10**7), dt.date(2026, 12, 28))
    ]


@pytest.mark.django_db
def test_a_board_of_parts_counts_the_same_from_totals_as_from_rows(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    """Towns, a park and a chain, whole year and first half, measured together: the
    database's totals give each target what its rows give it."""
    chain = ChainFactory()
    for region, park, on in (
        (world.town_a, None, dt.date(2026, 3, 1)),
        (world.town_a, world.park, dt.date(2026, 8, 1)),
        (world.town_b, None, dt.date(2026, 5, 1)),
        (world.county, None, dt.date(2025, 12, 1)),
    ):
        for kind, dates in (
            (ProjectKind.RENOVATION, {"actual_start": on}),
            (ProjectKind.ATTRACTION, {"signed_on": on, "status": ProjectStatus.SIGNED}),
        ):
            project = ProjectFactory(
                kind=kind,
                level="",
                region=region,
                park=park,
                chain=chain if park else None,
                total_investment=Decimal(200_000_000),
                **dates,
            )
            ReportFactory(project=project, week=dt.date(2026, 6, 1), invested_this_week=Decimal(7))
        key = ProjectFactory(region=region, park=park, total_investment=Decimal(300_000_000))
        # Listed in April (in Beijing: 23:30 UTC on 31 March is already 1 April there).
        Project.objects.filter(pk=key.pk).update(
            created_at=dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
        )
    targets = [
        _target(code, region=region, **extra)
        for code in (
            "renovation-500w",
            "attraction-100m",
            "investment-completed",
            "key-projects-county",
            "key-projects-county-investment",
        )
        for region, extra in (
            (world.county, {}),
            (world.town_a, {}),
            (world.town_b, {"period": "h1"}),
            (world.county, {"responsible_unit": world.park}),
            (world.county, {"chain": chain}),
        )
    ]
    windows = {t.pk: (t.starts_on, min(t.ends_on, dt.date(2026, 9, 30))) for t in targets}
    # The second half's key projects: none listed by 31 March (Beijing), all by 1 April.
    windows[targets[17].pk] = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    with django_assert_max_num_queries(4):
        # One query per base: the count of key projects and their total share theirs.
        totals = measure_many(targets, windows, with_items=False)
    rows = measure_many(targets, windows)
    assert {pk: r.value for pk, r in totals.items()} == {pk: r.value for pk, r in rows.items()}
    assert [totals[t.pk].value for t in targets[:5]] == [3, 2, 1, 1, 1]
    assert [totals[t.pk].value for t in targets[15:20]] == [4, 2, 0, 1, 0]


@pytest.mark.django_db
def test_reported_targets_are_read_together(world: Any, django_assert_num_queries: Any) -> None:
    """Many towns' growth targets cost one read of the reported values; each gets its own
    region's latest month (a rate) or sum (a cumulative indicator), none when nothing came."""
    growth = IndicatorFactory(code="industrial-value-added-growth")
    cumulative = IndicatorFactory(
        code="reported-output",
        source="reported",
        measure="",
        params={},
        aggregation="cumulative",
        unit="亿元",
    )
    for month, value in ((dt.date(2026, 3, 1), "6.1"), (dt.date(2026, 4, 1), "6.4")):
        ReportedValue.objects.create(
            region=world.town_a,
            indicator=growth,
            month=month,
            value=Decimal(value),
            evidence="月报",
        )
        ReportedValue.objects.create(
            region=world.town_a,
            indicator=cumulative,
            month=month,
            value=Decimal(2),
            evidence="月报",
        )
    targets = [
        _target("industrial-value-added-growth", region=world.town_a),
        _target("industrial-value-added-growth", region=world.town_b),
        _target("reported-output", region=world.town_a),
    ]
    windows = {t.pk: (START, dt.date(2026, 6, 30)) for t in targets}
    with django_assert_num_queries(1):
        results = measure_many(targets, windows)
    assert [results[t.pk].value for t in targets] == [Decimal("6.4"), None, Decimal(4)]
    # the same as one target at a time
    assert [_value(t, START, dt.date(2026, 6, 30)) for t in targets] == [Decimal("6.4"), None, 4]


@pytest.mark.django_db
def test_qualification_totals_count_each_enterprise_once(world: Any) -> None:
    """The database's totals (the board) agree with the rows (the detail page): an enterprise
    certified twice, or on two nodes of a chain, counts once; a window sees its own grants."""
    kind = QualificationKindFactory(code="high-tech")
    chain = ChainFactory()
    twice = EnterpriseFactory(region=world.town_a)
    for node in (ChainNodeFactory(chain=chain), ChainNodeFactory(chain=chain)):
        EnterpriseNodeFactory(enterprise=twice, node=node)
    for day in (dt.date(2026, 2, 1), dt.date(2026, 8, 1)):
        QualificationFactory(kind=kind, enterprise=twice, granted_on=day)
    QualificationFactory(kind=kind, granted_on=dt.date(2026, 9, 1))
    assert _value(_target("high-tech-new")) == 2
    assert _value(_target("high-tech-new", chain=chain)) == 1
    assert _value(_target("high-tech-new"), START, dt.date(2026, 6, 30)) == 1
    assert _value(_target("high-tech-new"), dt.date(2026, 7, 1), END) == 2


@pytest.mark.django_db
def test_qualification_kinds_are_totalled_in_one_query(
    world: Any, django_assert_num_queries: Any
) -> None:
    """Targets of several kinds of qualification, by chain and by town, cost one query on a
    board, and each counts its own kind as its rows do."""
    chain = ChainFactory()
    on_chain = EnterpriseFactory(region=world.town_b)
    EnterpriseNodeFactory(enterprise=on_chain, node=ChainNodeFactory(chain=chain))
    high_tech = QualificationKindFactory(code="high-tech")
    little_giant = QualificationKindFactory(code="little-giant", name="小巨人")
    QualificationFactory(kind=high_tech, enterprise=on_chain, granted_on=dt.date(2026, 3, 1))
    QualificationFactory(kind=little_giant, enterprise=on_chain, granted_on=dt.date(2026, 4, 1))
    QualificationFactory(kind=little_giant, granted_on=dt.date(2026, 5, 1))
    targets = [
        _target("high-tech-new"),
        _target("high-tech-new", chain=chain),
        _target("high-tech-new", region=world.town_a),
        _target("little-giant-new"),
        _target("little-giant-new", region=world.town_b),
    ]
    windows = {t.pk: (START, END) for t in targets}
    with django_assert_num_queries(1):
        totals = measure_many(targets, windows, with_items=False)
    rows = measure_many(targets, windows)
    assert {pk: r.value for pk, r in totals.items()} == {pk: r.value for pk, r in rows.items()}
    assert [totals[t.pk].value for t in targets] == [1, 1, 0, 2, 1]
