"""The demo county's targets: the article's ten goals confirmed as this year's targets,
decomposed, measured against 序时 with mixed lights, a reported indicator and monthly history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Sum

from jinmu.core.choices import UnitKind
from jinmu.core.models import AuditLog
from jinmu.demo import DEFAULT_SEED, DemoSummary, build_demo, prepare_world
from jinmu.demo.targets import (
    FALLBACK_TEXT,
    GROWTH_SERIES,
    SHARED_ENV,
    STATS_USERNAME,
    article_path,
    build_targets,
    goal_text,
    past_month_ends,
    published_months,
)
from jinmu.targets.choices import Status
from jinmu.targets.extraction import extract
from jinmu.targets.mapping import match_indicator
from jinmu.targets.models import ReportedValue, Target, TargetSnapshot
from jinmu.targets.progress import evaluate_many

# The real date the demo is shown on: 序时 ≈ 0.90.
DAY = dt.date(2026, 11, 26)
COUNTY = "371422"
# Enough firms for every town to have 规上 enterprises and for the ledger to fill; fewer than
# the default 3,000 so the module builds quickly.
FIRMS = 1200
# The article's ten goals: (indicator, value, unit, bound, condition).
TEN_GOALS = [
    ("attraction-100m", Decimal(35), "个", "exact", "投资>1亿元"),
    ("attraction-1b", Decimal(3), "个", "exact", "投资>10亿元"),
    ("cloud-new", Decimal(60), "家", "exact", ""),
    ("high-tech-new", Decimal(30), "家", "exact", ""),
    ("key-projects-county", Decimal(45), "个", "exact", ""),
    ("key-projects-county-investment", Decimal("291.3"), "亿元", "exact", ""),
    ("little-giant-new", Decimal(2), "家", "exact", ""),
    ("morning-star-new", Decimal(2), "家", "exact", ""),
    ("renovation-500w", Decimal(100), "个", "exact", "投资≥500万元"),
    ("srdi-provincial-new", Decimal(15), "家", "at_least", ""),
]
GROWTH = "industrial-value-added-growth"


def _top_level(year: int = DAY.year) -> Any:
    return Target.objects.filter(region_id=COUNTY, year=year, parent=None).select_related(
        "indicator", "region", "responsible_unit"
    )


def _goals(targets: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (t.indicator_id, Decimal(t.value).normalize(), t.unit, t.bound, t.condition)
        for t in targets
        if t.indicator_id != GROWTH
    )


def _normalised(goals: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(code, value.normalize(), *rest) for code, value, *rest in goals]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """The demo built once for the module on DAY, rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_demo(seed=DEFAULT_SEED, enterprises=FIRMS, today=DAY)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
def test_fallback_paragraph_states_the_articles_ten_goals() -> None:
    # when the paragraph written for deployments without ../shared is read
    goals = extract(FALLBACK_TEXT)
    # then it gives the same ten goals, each mapping to its indicator
    found = []
    for goal in goals:
        indicator = match_indicator(goal.indicator, goal.unit)
        assert indicator is not None, goal.indicator
        found.append(
            (indicator.code, Decimal(str(goal.value)), goal.unit, goal.bound, goal.condition or "")
        )
    assert sorted(found) == _normalised(TEN_GOALS)


@pytest.mark.django_db
def test_the_article_extracts_to_the_same_goals_as_the_fallback() -> None:
    path = article_path()
    if not path.is_file():
        pytest.skip(f"the seed article is not at {path} (../shared is absent)")
    article = [
        (g.indicator, g.value, g.unit, g.bound, g.condition)
        for g in extract(path.read_text(encoding="utf-8"))
    ]
    fallback = [
        (g.indicator, g.value, g.unit, g.bound, g.condition) for g in extract(FALLBACK_TEXT)
    ]
    assert article == fallback


def test_goal_text_falls_back_when_shared_is_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a shared directory without the article
    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    # when / then
    assert goal_text() == (FALLBACK_TEXT, False)
    # and with the article there it is read
    (tmp_path / "seed").mkdir()
    article_path().write_text("文章正文", encoding="utf-8")
    assert goal_text() == ("文章正文", True)


def test_growth_figures_are_out_from_the_month_after() -> None:
    assert published_months(dt.date(2026, 3, 14)) == []
    assert published_months(dt.date(2026, 3, 15)) == [dt.date(2026, 2, 1)]
    assert published_months(dt.date(2025, 11, 26))[-1] == dt.date(2025, 10, 1)
    assert past_month_ends(dt.date(2026, 3, 1)) == [dt.date(2026, 1, 31), dt.date(2026, 2, 28)]
    assert past_month_ends(dt.date(2026, 1, 20)) == []


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoTargets:
    """The demo county's target board on DAY."""

    def test_the_ten_goals_are_this_years_top_level_targets(self) -> None:
        # when the demo is built (fixture); then
        targets = list(_top_level())
        assert _goals(targets) == _normalised(TEN_GOALS)
        assert len(targets) == 11  # and the reported growth rate
        for target in targets:
            assert target.period == "year"
            assert target.front, target.name
            assert target.action, target.name
            assert target.responsible_unit is not None, target.name
            assert target.responsible_unit.kind == UnitKind.DEPARTMENT
            assert target.source_sentence
            assert target.created_by is not None
            assert target.created_by.username == "industry"
        units = {t.indicator_id: t.responsible_unit.short_name for t in targets}
        assert units["attraction-100m"] == "商务局"
        assert units["key-projects-county"] == "发改局"
        assert units[GROWTH] == "统计局"

    def test_targets_keep_the_articles_sentences(self) -> None:
        path = article_path()
        if not path.is_file():
            pytest.skip(f"the seed article is not at {path} (../shared is absent)")
        sentences = {g.sentence for g in extract(path.read_text(encoding="utf-8"))}
        measured = [t for t in _top_level() if t.indicator_id != GROWTH]
        assert {t.source_sentence for t in measured} <= sentences

    def test_parts_add_up_within_their_wholes(self) -> None:
        # then three goals are decomposed, to towns, to parks and towns, and to chains
        for target in _top_level():
            total = target.parts.aggregate(total=Sum("value"))["total"]
            assert total is None or total <= target.value, target.name
        parts = {
            t.indicator_id: t.parts.select_related("region", "responsible_unit", "chain")
            for t in _top_level()
        }
        renovation = list(parts["renovation-500w"])
        assert sum(p.value for p in renovation) == 100
        assert len(renovation) >= 8
        assert all(p.region.level == "town" for p in renovation)
        attraction = list(parts["attraction-100m"])
        assert sum(p.value for p in attraction) == 35
        kinds = {p.responsible_unit.kind for p in attraction if p.responsible_unit}
        assert kinds == {UnitKind.PARK, UnitKind.TOWN}
        high_tech = list(parts["high-tech-new"])
        assert sum(p.value for p in high_tech) == 30
        assert len({p.chain_id for p in high_tech if p.chain_id}) == 7
        assert not parts["key-projects-county"].exists()

    def test_progress_is_measured_with_some_ahead_and_some_behind(self) -> None:
        # when the board is evaluated on the demo's day
        targets = list(_top_level())
        results = evaluate_many(targets, DAY)
        statuses = {t.indicator_id: results[t.pk].status for t in targets}
        # then every goal has data, some are on time and some behind 序时
        assert Status.GREY not in statuses.values()
        assert Status.GREEN in statuses.values()
        assert {Status.YELLOW, Status.RED} & set(statuses.values())
        assert statuses["key-projects-county"] == Status.GREEN
        # and the measured values are the demo's facts
        by_code = {t.indicator_id: results[t.pk] for t in targets}
        assert by_code["key-projects-county"].measured == 45
        assert by_code["key-projects-county-investment"].measured == Decimal("291.3")
        assert by_code[GROWTH].measured == GROWTH_SERIES[10]
        parts = list(Target.objects.filter(region__code__startswith=COUNTY, year=DAY.year))
        part_statuses = {r.status for r in evaluate_many(parts, DAY).values()}
        assert {Status.GREEN, Status.RED} <= part_statuses

    def test_the_statistics_bureau_reported_the_growth_rate_monthly(self) -> None:
        rows = list(
            ReportedValue.objects.filter(region_id=COUNTY, indicator_id=GROWTH).select_related(
                "reported_by", "reporting_unit"
            )
        )
        assert sorted(r.month for r in rows) == [dt.date(2026, m, 1) for m in range(2, 11)]
        for row in rows:
            assert row.value == GROWTH_SERIES[row.month.month]
            assert row.evidence
            assert row.reported_by is not None
            assert row.reported_by.username == STATS_USERNAME
            assert row.reporting_unit is not None
            assert row.reporting_unit.short_name == "统计局"

    def test_month_end_snapshots_give_each_target_a_history(self) -> None:
        # then every target has a snapshot at each past month-end of the year
        months = past_month_ends(DAY)
        assert months[0] == dt.date(2026, 1, 31)
        assert months[-1] == dt.date(2026, 10, 31)
        targets = list(Target.objects.filter(region__code__startswith=COUNTY, year=DAY.year))
        for target in targets:
            got = list(target.snapshots.values_list("month", flat=True))
            assert got == months, target.name
        # and the last one agrees with the board evaluated on that day
        october = evaluate_many(targets, months[-1])
        for snapshot in TargetSnapshot.objects.filter(month=months[-1], target__in=targets):
            assert snapshot.status == october[snapshot.target_id].status
        statuses = set(TargetSnapshot.objects.values_list("status", flat=True))
        assert len(statuses) >= 2

    def test_targets_are_audited_as_the_industry_office_confirmed_them(self) -> None:
        # then each target has its own entry under the industry office's name (they went
        # through the services), besides the demo's summary row
        target_type = ContentType.objects.get_for_model(Target)
        rows = AuditLog.objects.filter(content_type=target_type).exclude(object_id="*")
        assert rows.count() == Target.objects.count()
        assert set(rows.values_list("actor__username", flat=True)) == {"industry"}
        summary = AuditLog.objects.get(content_type=target_type, object_id="*")
        assert summary.after is not None
        assert summary.after["rows"] == Target.objects.count()

    def test_a_second_run_leaves_the_years_targets_alone(self) -> None:
        # given
        before = (Target.objects.count(), ReportedValue.objects.count())
        # when
        counts = build_targets(prepare_world(today=DAY))
        # then
        assert not counts
        assert before == (Target.objects.count(), ReportedValue.objects.count())

    def test_without_the_article_the_fallback_paragraph_loads_the_same_board(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # given a deployment without ../shared, building another year's board
        monkeypatch.setenv(SHARED_ENV, str(tmp_path / "absent"))
        year = DAY.year - 1
        # when
        counts = build_targets(prepare_world(today=DAY.replace(year=year)))
        # then
        assert counts[Target] > 11
        targets = list(_top_level(year))
        assert _goals(targets) == _normalised(TEN_GOALS)
        sentences = {g.sentence for g in extract(FALLBACK_TEXT)}
        assert {t.source_sentence for t in targets if t.indicator_id != GROWTH} <= sentences
        assert TargetSnapshot.objects.filter(target__year=year).exists()
