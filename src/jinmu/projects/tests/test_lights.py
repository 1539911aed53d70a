"""The light engine's rules, each at its thresholds: start of works, 序时进度, milestones and
入统 (the weekly report rule, the overall colour and refreshing are in the other light tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from jinmu.projects import lights
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import LedgerSettings, Project
from jinmu.projects.tests.factories import MilestoneFactory, YearPlanFactory
from jinmu.projects.tests.lights_support import MONTHLY, D, light_of, monitored, rule

pytestmark = pytest.mark.django_db


# --- helpers --------------------------------------------------------------------------------


def test_add_months_clamps_to_month_end() -> None:
    assert lights.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert lights.add_months(D(2027, 11, 30), 3) == D(2028, 2, 29)
    assert lights.add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)
    assert lights.whole_months_between(D(2026, 3, 15), D(2026, 6, 14)) == 2
    assert lights.whole_months_between(D(2026, 3, 15), D(2026, 6, 15)) == 3
    assert lights.whole_months_between(D(2026, 3, 15), D(2026, 3, 1)) == 0


def test_expected_share_by_days_counts_today_and_leap_years(world: Any) -> None:
    plan = YearPlanFactory.build(year=2026)
    assert lights.expected_share(plan, D(2026, 1, 1)) == Decimal(1) / Decimal(365)
    assert lights.expected_share(plan, D(2026, 3, 14)) == Decimal("0.2")  # day 73 of 365
    assert lights.expected_share(plan, D(2026, 12, 31)) == 1
    assert lights.expected_share(plan, D(2025, 12, 31)) == 0
    assert lights.expected_share(plan, D(2027, 1, 1)) == 1
    leap = YearPlanFactory.build(year=2028)
    assert lights.expected_share(leap, D(2028, 7, 1)) == Decimal("0.5")  # day 183 of 366
    assert lights.expected_share(leap, D(2028, 12, 31)) == 1


def test_expected_share_by_month_prorates_the_current_month(world: Any) -> None:
    plan = YearPlanFactory.build(year=2026, monthly_shares=MONTHLY)
    assert lights.expected_share(plan, D(2026, 2, 10)) == 0
    assert lights.expected_share(plan, D(2026, 3, 31)) == Decimal("0.1")
    assert lights.expected_share(plan, D(2026, 4, 15)) == Decimal("0.15")
    assert lights.expected_share(plan, D(2026, 4, 30)) == Decimal("0.2")
    assert lights.expected_share(plan, D(2026, 12, 31)) == 1


# --- not monitored ---------------------------------------------------------------------------


def test_projects_not_under_weekly_scheduling_have_no_light(world: Any) -> None:
    today = D(2026, 7, 1)
    lead = monitored(
        world,
        today,
        kind=ProjectKind.ATTRACTION,
        status=ProjectStatus.LEAD,
        planned_start=D(2026, 1, 1),
    )
    producing = monitored(
        world,
        today,
        status=ProjectStatus.PRODUCING,
        light_override="red",
        light_override_reason="督办",
    )
    for project in (lead, producing):
        result = lights.refresh_light(project, today=today)
        assert (result.light, result.computed_light, result.reasons) == ("", "", [])
        project.refresh_from_db()
        assert (project.light, project.computed_light, project.light_reasons) == ("", "", [])
    assert not Project.objects.monitored().filter(pk__in=[lead.pk, producing.pk]).exists()


def test_monitored_project_without_any_applicable_rule_and_current_report_is_green(
    world: Any,
) -> None:
    today = D(2026, 7, 1)
    result = lights.compute_light(monitored(world, today), today=today)
    assert result.light == "green"
    assert [r["rule"] for r in result.reasons] == ["report"]


# --- start of works --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 2, 28), None),  # last day of the month before: rule does not apply
        (D(2026, 3, 1), "yellow"),  # first day of the planned month: "due this month"
        (D(2026, 3, 14), "yellow"),  # the day before the planned start
        (D(2026, 3, 15), "yellow"),  # due today, not started
        (D(2026, 6, 14), "yellow"),  # a day short of 3 months
        (D(2026, 6, 15), "red"),  # 3 whole months after the planned start
        (D(2026, 6, 16), "red"),
    ],
)
def test_start_rule_thresholds(world: Any, today: dt.date, expected: str | None) -> None:
    project = monitored(world, today, status=ProjectStatus.PREPARING, planned_start=D(2026, 3, 15))
    result = lights.compute_light(project, today=today)
    assert light_of(result, "start") == expected
    assert result.light == (expected or "green")
    if expected:
        inputs = rule(result, "start")["inputs"]  # type: ignore[index]
        assert inputs["planned_start"] == "2026-03-15"
        assert inputs["red_from"] == "2026-06-15"


def test_start_due_later_this_month_says_so(world: Any) -> None:
    # practice.md: yellow when the start is "due this month, not started"
    today = D(2026, 3, 1)
    project = monitored(world, today, status=ProjectStatus.PREPARING, planned_start=D(2026, 3, 25))
    with translation.override("en"):
        reason = rule(lights.compute_light(project, today=today), "start")
    assert reason is not None
    assert reason["light"] == "yellow"
    assert reason["text"] == (
        "Works are due to start this month, on 2026-03-25, and have not started; "
        "red from 2026-06-25."
    )
    assert reason["inputs"]["days_overdue"] == "0"
    # A start planned for next month is not yet due.
    later = monitored(world, today, status=ProjectStatus.PREPARING, planned_start=D(2026, 4, 1))
    assert light_of(lights.compute_light(later, today=D(2026, 3, 31)), "start") is None


def test_start_rule_month_arithmetic_at_month_end(world: Any) -> None:
    # 2025-11-30 + 3 months = 2026-02-28 (no 30 February)
    project = monitored(
        world, D(2026, 2, 28), status=ProjectStatus.PREPARING, planned_start=D(2025, 11, 30)
    )
    assert light_of(lights.compute_light(project, today=D(2026, 2, 27)), "start") == "yellow"
    assert light_of(lights.compute_light(project, today=D(2026, 2, 28)), "start") == "red"


def test_start_rule_red_months_come_from_settings(world: Any) -> None:
    LedgerSettings.objects.create(region=world.county, start_red_months=1)
    project = monitored(
        world, D(2026, 4, 15), status=ProjectStatus.PREPARING, planned_start=D(2026, 3, 15)
    )
    assert light_of(lights.compute_light(project, today=D(2026, 4, 14)), "start") == "yellow"
    assert light_of(lights.compute_light(project, today=D(2026, 4, 15)), "start") == "red"


def test_started_project_is_green_and_a_late_start_says_so(world: Any) -> None:
    today = D(2026, 7, 1)
    on_time = monitored(
        world,
        today,
        planned_start=D(2026, 3, 15),
        actual_start=D(2026, 3, 10),
        statistics_registered_on=D(2026, 4, 1),
    )
    late = monitored(
        world,
        today,
        planned_start=D(2026, 3, 15),
        actual_start=D(2026, 6, 20),
        statistics_registered_on=D(2026, 6, 25),
    )
    first = lights.compute_light(on_time, today=today)
    second = lights.compute_light(late, today=today)
    assert light_of(first, "start") == light_of(second, "start") == "green"
    assert rule(first, "start")["inputs"]["days_late"] == "0"  # type: ignore[index]
    late_reason = rule(second, "start")
    assert late_reason is not None
    assert late_reason["inputs"]["days_late"] == "97"
    assert "97" in late_reason["text"]


def test_a_started_status_without_a_start_date_counts_as_started(world: Any) -> None:
    today = D(2026, 7, 1)
    project = monitored(world, today, status=ProjectStatus.STARTED, planned_start=D(2026, 1, 1))
    reason = rule(lights.compute_light(project, today=today), "start")
    assert reason is not None
    assert reason["light"] == "green"
    assert reason["inputs"]["actual_start"] == ""


# --- 序时进度 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "invested", "behind", "expected"),
    [
        # 2026-03-14 is day 73 of 365: 20% due.
        (D(2026, 3, 14), "10010000", "9.99", "green"),
        (D(2026, 3, 14), "10000000", "10.00", "yellow"),  # yellow from 10 points, inclusive
        (D(2026, 3, 14), "9990000", "10.01", "yellow"),
        # 2026-05-26 is day 146 of 365: 40% due.
        (D(2026, 5, 26), "10010000", "29.99", "yellow"),
        (D(2026, 5, 26), "10000000", "30.00", "yellow"),  # 30 points still yellow
        (D(2026, 5, 26), "9990000", "30.01", "red"),  # more than 30: red
        (D(2026, 5, 26), "50000000", "-10.00", "green"),  # ahead of plan
    ],
)
def test_schedule_rule_thresholds(
    world: Any, today: dt.date, invested: str, behind: str, expected: str
) -> None:
    project = monitored(world, today, invested_year=Decimal(invested), invested_year_of=2026)
    YearPlanFactory(project=project, year=2026, planned_investment=Decimal("100000000"))
    result = lights.compute_light(project, today=today)
    reason = rule(result, "schedule")
    assert reason is not None
    assert reason["light"] == expected
    assert reason["inputs"]["points_behind"] == behind
    assert reason["inputs"]["planned_investment"] == "100000000.00"
    assert result.light == expected


def test_schedule_counts_nothing_done_when_the_yearly_figure_is_last_years(world: Any) -> None:
    today = D(2026, 3, 14)
    project = monitored(world, today, invested_year=Decimal("90000000"), invested_year_of=2025)
    YearPlanFactory(project=project, year=2026, planned_investment=Decimal("100000000"))
    reason = rule(lights.compute_light(project, today=today), "schedule")
    assert reason is not None
    assert reason["inputs"]["actual_share"] == "0.0000"
    assert (reason["inputs"]["points_behind"], reason["light"]) == ("20.00", "yellow")


def test_schedule_in_a_leap_year_divides_by_366(world: Any) -> None:
    # 40% done: on 2028-07-01 (day 183 of 366) 50% is due → 10 points behind → yellow; the same
    # date in 2026 is day 182 of 365 (49.86%) → 9.86 points → green.
    leap = monitored(world, D(2028, 7, 1), invested_year=Decimal("40000000"), invested_year_of=2028)
    YearPlanFactory(project=leap, year=2028, planned_investment=Decimal("100000000"))
    common = monitored(
        world, D(2026, 7, 1), invested_year=Decimal("40000000"), invested_year_of=2026
    )
    YearPlanFactory(project=common, year=2026, planned_investment=Decimal("100000000"))
    leap_reason = rule(lights.compute_light(leap, today=D(2028, 7, 1)), "schedule")
    common_reason = rule(lights.compute_light(common, today=D(2026, 7, 1)), "schedule")
    assert leap_reason is not None
    assert common_reason is not None
    assert (leap_reason["inputs"]["points_behind"], leap_reason["light"]) == ("10.00", "yellow")
    assert (common_reason["inputs"]["points_behind"], common_reason["light"]) == ("9.86", "green")


@pytest.mark.parametrize(
    ("invested", "expected"), [("5010000", "green"), ("5000000", "yellow"), ("0", "yellow")]
)
def test_schedule_with_a_monthly_profile(world: Any, invested: str, expected: str) -> None:
    # Profile: 10% by end of March, 20% by end of April → 15% due on 15 April.
    today = D(2026, 4, 15)
    project = monitored(world, today, invested_year=Decimal(invested), invested_year_of=2026)
    YearPlanFactory(
        project=project, year=2026, planned_investment=Decimal("100000000"), monthly_shares=MONTHLY
    )
    reason = rule(lights.compute_light(project, today=today), "schedule")
    assert reason is not None
    assert reason["light"] == expected
    assert reason["inputs"]["expected_share"] == "0.1500"
    assert reason["inputs"]["by_month"] == "yes"


def test_schedule_needs_a_positive_plan_for_this_year(world: Any) -> None:
    today = D(2026, 7, 1)
    project = monitored(world, today)
    YearPlanFactory(project=project, year=2025, planned_investment=Decimal("100000000"))
    YearPlanFactory(project=project, year=2026, planned_investment=Decimal("0"))
    assert rule(lights.compute_light(project, today=today), "schedule") is None


# --- milestones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planned_end", "expected", "days"),
    [
        (D(2026, 7, 1), None, None),  # ends today: not yet late
        (D(2026, 6, 30), "yellow", "1"),
        (D(2026, 6, 17), "yellow", "14"),
        (D(2026, 6, 16), "red", "15"),  # red from 15 days
        (D(2026, 6, 15), "red", "16"),
    ],
)
def test_milestone_rule_thresholds(
    world: Any, planned_end: dt.date, expected: str | None, days: str | None
) -> None:
    today = D(2026, 7, 1)
    project = monitored(world, today)
    MilestoneFactory(project=project, planned_start=D(2026, 3, 1), planned_end=planned_end)
    reason = rule(lights.compute_light(project, today=today), "milestone")
    if expected is None:
        assert reason is None
        return
    assert reason is not None
    assert (reason["light"], reason["inputs"]["days_late"]) == (expected, days)


def test_milestone_yellow_days_from_settings_and_finished_milestones(world: Any) -> None:
    LedgerSettings.objects.create(region=world.county, milestone_yellow_days=3)
    today = D(2026, 7, 1)
    project = monitored(world, today)
    MilestoneFactory(project=project, name="土建", planned_end=D(2026, 6, 29))  # 2 days late
    MilestoneFactory(
        project=project, name="设备", planned_end=D(2026, 5, 1), actual_end=D(2026, 5, 20)
    )
    reason = rule(lights.compute_light(project, today=today), "milestone")
    assert reason is not None
    assert (reason["light"], reason["inputs"]["days_late"]) == ("green", "2")
    assert (reason["inputs"]["due"], reason["inputs"]["late"]) == ("2", "1")
    late = lights.compute_light(project, today=D(2026, 7, 2))
    assert light_of(late, "milestone") == "yellow"
    assert rule(late, "milestone")["inputs"]["milestone"] == "土建"  # type: ignore[index]
    project.milestones.filter(name="土建").update(actual_end=D(2026, 7, 1))
    done = rule(lights.compute_light(project, today=D(2026, 7, 2)), "milestone")
    assert done is not None
    assert (done["light"], done["inputs"]["late"]) == ("green", "0")


def test_milestone_rule_takes_the_latest_slip(world: Any) -> None:
    today = D(2026, 7, 1)
    project = monitored(world, today)
    MilestoneFactory(project=project, name="报建", planned_end=D(2026, 6, 30))
    MilestoneFactory(project=project, name="主体", planned_end=D(2026, 6, 1))
    reason = rule(lights.compute_light(project, today=today), "milestone")
    assert reason is not None
    assert (reason["light"], reason["inputs"]["milestone"]) == ("red", "主体")
    assert reason["inputs"]["days_late"] == "30"


# --- 入统 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 4, 14), "green"),  # less than a month after the start: still in time
        (D(2026, 4, 15), "yellow"),  # not registered 1 month after the start
        (D(2026, 5, 15), "yellow"),  # exactly 2 months: not yet "more than 2 months"
        (D(2026, 5, 16), "red"),  # more than 2 months after the start
    ],
)
def test_statistics_rule_thresholds(world: Any, today: dt.date, expected: str) -> None:
    project = monitored(world, today, actual_start=D(2026, 3, 15))
    result = lights.compute_light(project, today=today)
    reason = rule(result, "statistics")
    assert reason is not None
    assert reason["light"] == expected
    assert reason["inputs"]["yellow_from"] == "2026-04-15"
    assert reason["inputs"]["red_after"] == "2026-05-15"
    assert result.light == expected


def test_statistics_registered_is_green_and_not_started_does_not_apply(world: Any) -> None:
    today = D(2026, 9, 1)
    registered = monitored(
        world, today, actual_start=D(2026, 3, 15), statistics_registered_on=D(2026, 8, 1)
    )
    not_started = monitored(world, today, status=ProjectStatus.PREPARING)
    assert light_of(lights.compute_light(registered, today=today), "statistics") == "green"
    assert rule(lights.compute_light(not_started, today=today), "statistics") is None
