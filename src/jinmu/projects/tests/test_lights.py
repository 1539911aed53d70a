"""The light engine: each rule at its thresholds, the overall colour, overrides, settings per
region, and the batch refresh against the one-project refresh."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from jinmu.projects import lights, weeks
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import LedgerSettings, Project, StatusChange
from jinmu.projects.tests.factories import MilestoneFactory, ProjectFactory, YearPlanFactory

pytestmark = pytest.mark.django_db

D = dt.date
MONTHLY = [0, 0, "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", 1]


def monitored(world: Any, today: dt.date, **fields: Any) -> Project:
    """A key project under construction in town A whose report for the due week is in."""
    fields.setdefault("region", world.town_a)
    fields.setdefault("last_report_week", weeks.latest_due_week(today, 5))
    project: Project = ProjectFactory(**fields)
    return project


def rule(result: lights.LightResult, name: str) -> dict[str, Any] | None:
    """The reason a rule gave, or None when it did not apply."""
    found = [r for r in result.reasons if r["rule"] == name]
    assert len(found) <= 1
    return found[0] if found else None


def light_of(result: lights.LightResult, name: str) -> str | None:
    """The light one rule gave (None: not applicable)."""
    reason = rule(result, name)
    return None if reason is None else reason["light"]


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


# --- weekly report (grey) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "last_week", "expected"),
    [
        # Reports are due on Friday of their own week. On Friday 2026-11-20 the week due is
        # W46 (its deadline passed); from Saturday it is W47 (Monday 2026-11-16).
        (D(2026, 11, 20), D(2026, 11, 9), "green"),
        (D(2026, 11, 21), D(2026, 11, 9), "grey"),
        (D(2026, 11, 21), D(2026, 11, 16), "green"),
        (D(2026, 11, 21), None, "grey"),
    ],
)
def test_report_rule(world: Any, today: dt.date, last_week: dt.date | None, expected: str) -> None:
    project = monitored(world, today, last_report_week=last_week)
    Project.objects.filter(pk=project.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 1, 5, 9))
    )
    project.refresh_from_db()
    result = lights.compute_light(project, today=today)
    reason = rule(result, "report")
    assert reason is not None
    assert reason["light"] == expected
    assert result.light == expected
    if expected == "grey":
        assert reason["inputs"]["week"] == "2026-W47"
        assert "2026-W47" in reason["text"]


def test_a_project_registered_after_the_deadline_is_not_expected_to_have_reported(
    world: Any,
) -> None:
    today = D(2026, 11, 23)  # Monday: the week due is W47, deadline Friday 2026-11-20
    project = monitored(world, today, last_report_week=None)
    for created, expected in (
        (dt.datetime(2026, 11, 20, 23), "grey"),
        (dt.datetime(2026, 11, 21, 8), "green"),
    ):
        Project.objects.filter(pk=project.pk).update(created_at=timezone.make_aware(created))
        project.refresh_from_db()
        assert light_of(lights.compute_light(project, today=today), "report") == expected


def history(project: Project, *changes: tuple[str, dt.date]) -> None:
    """Record status changes (to_status, effective date) of a project, in this order."""
    previous = ""
    for to_status, changed_on in changes:
        StatusChange.objects.create(
            project=project, from_status=previous, to_status=to_status, changed_on=changed_on
        )
        previous = to_status


def signed_on(world: Any, today: dt.date, day: dt.date) -> Project:
    """An attraction project entered as a lead in January and signed on `day`, no report."""
    project = monitored(
        world,
        today,
        kind=ProjectKind.ATTRACTION,
        status=ProjectStatus.SIGNED,
        last_report_week=None,
    )
    Project.objects.filter(pk=project.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 1, 5, 9))
    )
    project.refresh_from_db()
    history(
        project,
        (ProjectStatus.LEAD, D(2026, 1, 5)),
        (ProjectStatus.ASSESSING, D(2026, 3, 2)),
        (ProjectStatus.NEGOTIATING, D(2026, 6, 1)),
        (ProjectStatus.SIGNED, day),
    )
    return project


def test_a_project_is_expected_to_report_from_when_it_came_under_weekly_scheduling(
    world: Any,
) -> None:
    # Monday 2026-11-23: the week due is W47, whose deadline was Friday 2026-11-20. The
    # projects were entered in January as leads: what counts is the day they were signed.
    today = D(2026, 11, 23)
    after = signed_on(world, today, D(2026, 11, 21))
    on_the_deadline = signed_on(world, today, D(2026, 11, 20))
    with translation.override("en"):
        reason = rule(lights.compute_light(after, today=today), "report")
    assert reason is not None
    assert reason["light"] == "green"
    assert reason["inputs"]["monitored_since"] == "2026-11-21"
    assert "Under weekly scheduling since 2026-11-21" in reason["text"]
    assert light_of(lights.compute_light(on_the_deadline, today=today), "report") == "grey"
    # The batch reads the same history and agrees.
    lights.refresh_lights(
        Project.objects.filter(pk__in=[after.pk, on_the_deadline.pk]), today=today
    )
    after.refresh_from_db()
    on_the_deadline.refresh_from_db()
    assert (after.light, on_the_deadline.light) == ("green", "grey")


def test_monitored_since_counts_the_latest_entry_into_a_monitored_state(world: Any) -> None:
    project = ProjectFactory(region=world.town_a, status=ProjectStatus.STARTED)
    Project.objects.filter(pk=project.pk).update(
        created_at=timezone.make_aware(dt.datetime(2025, 3, 1, 9))
    )
    project.refresh_from_db()
    since = Project.objects.annotate(since=lights.monitored_since_expression()).values_list(
        "since", flat=True
    )
    # No history at all: the day it was entered in the ledger.
    assert lights.monitored_since(project) == D(2025, 3, 1)
    assert since.get(pk=project.pk) == D(2025, 3, 1)
    # Registered straight into a monitored state: that registration's day; a later move
    # between monitored states does not restart it.
    history(
        project,
        (ProjectStatus.PREPARING, D(2025, 4, 1)),
        (ProjectStatus.STARTED, D(2025, 9, 1)),
    )
    assert lights.monitored_since(project) == D(2025, 4, 1)
    assert since.get(pk=project.pk) == D(2025, 4, 1)
    # Out of scheduling (a correction back to a state that is not monitored), then in again:
    # from the return.
    history(
        project,
        (ProjectStatus.PRODUCING, D(2026, 2, 1)),
        (ProjectStatus.STARTED, D(2026, 5, 10)),
    )
    assert lights.monitored_since(project) == D(2026, 5, 10)
    assert since.get(pk=project.pk) == D(2026, 5, 10)
    # Left again and no way back in the history: the ledger date, as without history.
    history(project, (ProjectStatus.PRODUCING, D(2026, 6, 1)))
    assert lights.monitored_since(project) == D(2025, 3, 1)
    assert since.get(pk=project.pk) == D(2025, 3, 1)


def test_report_due_weekday_comes_from_settings(world: Any) -> None:
    LedgerSettings.objects.create(region=world.county, report_due_weekday=1)
    today = D(2026, 11, 17)  # Tuesday: with Monday deadlines the week due is W47 itself
    project = monitored(world, today, last_report_week=D(2026, 11, 9))
    Project.objects.filter(pk=project.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 1, 5, 9))
    )
    project.refresh_from_db()
    assert light_of(lights.compute_light(project, today=today), "report") == "grey"


# --- the overall light ----------------------------------------------------------------------


def test_overall_light_red_beats_grey_beats_yellow(world: Any) -> None:
    today = D(2026, 7, 1)
    old = timezone.make_aware(dt.datetime(2026, 1, 5, 9))
    yellow_and_grey = monitored(
        world,
        today,
        status=ProjectStatus.PREPARING,
        planned_start=D(2026, 6, 1),
        last_report_week=None,
    )
    red_and_grey = monitored(
        world,
        today,
        status=ProjectStatus.PREPARING,
        planned_start=D(2026, 1, 1),
        last_report_week=None,
    )
    Project.objects.filter(pk__in=[yellow_and_grey.pk, red_and_grey.pk]).update(created_at=old)
    yellow_and_grey.refresh_from_db()
    red_and_grey.refresh_from_db()
    first = lights.compute_light(yellow_and_grey, today=today)
    assert (light_of(first, "start"), light_of(first, "report"), first.light) == (
        "yellow",
        "grey",
        "grey",
    )
    second = lights.compute_light(red_and_grey, today=today)
    assert (light_of(second, "start"), light_of(second, "report"), second.light) == (
        "red",
        "grey",
        "red",
    )


def test_override_is_the_effective_light_and_shown_as_overridden(world: Any) -> None:
    today = D(2026, 7, 1)
    project = monitored(
        world,
        today,
        light_override="red",
        light_override_reason="用地手续停滞，县领导督办",
        light_override_by=world.user("leader"),
        light_override_at=timezone.make_aware(dt.datetime(2026, 6, 30, 10)),
    )
    result = lights.refresh_light(project, today=today)
    assert (result.light, result.computed_light, result.overridden) == ("red", "green", True)
    override = result.reasons[0]
    assert override["rule"] == "override"
    assert override["light"] == "red"
    assert override["inputs"] == {
        "by": "t-leader",
        "at": "2026-06-30",
        "reason": "用地手续停滞，县领导督办",
        "computed_light": "green",
    }
    assert "用地手续停滞" in override["text"]
    project.refresh_from_db()
    assert (project.light, project.computed_light) == ("red", "green")
    assert project.light_reasons[0]["rule"] == "override"


# --- settings per region --------------------------------------------------------------------


def test_a_town_without_its_own_settings_uses_the_countys(world: Any) -> None:
    LedgerSettings.objects.create(region=world.county, schedule_yellow_points=Decimal("5"))
    LedgerSettings.objects.create(region=world.town_b, schedule_yellow_points=Decimal("15"))
    today = D(2026, 3, 14)  # 20% due; 12% done → 8 points behind
    results = {}
    for town in (world.town_a, world.town_b):
        project = monitored(
            world, today, region=town, invested_year=Decimal("12000000"), invested_year_of=2026
        )
        YearPlanFactory(project=project, year=2026, planned_investment=Decimal("100000000"))
        results[town.code] = rule(lights.compute_light(project, today=today), "schedule")
    assert results[world.town_a.code]["light"] == "yellow"  # type: ignore[index]
    assert results[world.town_a.code]["inputs"]["yellow_points"] == "5.00"  # type: ignore[index]
    assert results[world.town_b.code]["light"] == "green"  # type: ignore[index]


# --- writing lights -------------------------------------------------------------------------


def test_refresh_light_writes_without_a_version_bump(world: Any) -> None:
    today = D(2026, 7, 1)
    project = monitored(world, today, status=ProjectStatus.PREPARING, planned_start=D(2026, 6, 1))
    version = project.version
    result = lights.refresh_light(project, today=today)
    project.refresh_from_db()
    assert (project.light, project.computed_light, project.light_computed_on) == (
        "yellow",
        "yellow",
        today,
    )
    assert project.light_reasons == result.reasons
    assert project.version == version


def _portfolio(world: Any, today: dt.date) -> list[Project]:
    """One project per situation, in both towns, with and without settings of their own."""
    LedgerSettings.objects.create(region=world.town_b, milestone_red_days=5, start_red_months=1)
    old = timezone.make_aware(dt.datetime(2026, 1, 5, 9))
    made: list[Project] = []
    for town in (world.town_a, world.town_b):
        made += [
            monitored(world, today, region=town),
            monitored(
                world,
                today,
                region=town,
                status=ProjectStatus.PREPARING,
                planned_start=D(2026, 5, 20),
            ),
            monitored(world, today, region=town, actual_start=D(2026, 4, 1)),
            monitored(world, today, region=town, last_report_week=None),
            monitored(
                world, today, region=town, kind=ProjectKind.ATTRACTION, status=ProjectStatus.LEAD
            ),
            monitored(
                world,
                today,
                region=town,
                light_override="yellow",
                light_override_reason="人工",
                light_override_by=world.user("industry"),
                light_override_at=timezone.make_aware(dt.datetime(2026, 6, 1, 9)),
            ),
        ]
        slipping = monitored(world, today, region=town)
        MilestoneFactory(project=slipping, planned_end=D(2026, 6, 24))
        MilestoneFactory(project=slipping, planned_end=D(2026, 8, 24))
        behind = monitored(
            world, today, region=town, invested_year=Decimal("20000000"), invested_year_of=2026
        )
        YearPlanFactory(project=behind, year=2026, planned_investment=Decimal("100000000"))
        YearPlanFactory(project=behind, year=2027, planned_investment=Decimal("100000000"))
        made += [slipping, behind]
    Project.objects.filter(pk__in=[p.pk for p in made]).update(created_at=old)
    return made


def test_batch_refresh_equals_one_by_one(world: Any) -> None:
    today = D(2026, 7, 1)
    made = _portfolio(world, today)
    stats = lights.refresh_lights_stats(
        Project.objects.filter(pk__in=[p.pk for p in made]), today=today
    )
    batch = {
        p.pk: (p.light, p.computed_light, p.light_reasons, p.light_computed_on)
        for p in Project.objects.filter(pk__in=[p.pk for p in made])
    }
    # 16 projects, 2 not monitored: every monitored one went from "" to a colour.
    assert (stats.processed, stats.written, stats.changed) == (16, 14, 14)
    assert {v[0] for v in batch.values()} == {"", "green", "yellow", "red", "grey"}
    Project.objects.update(light="", computed_light="", light_reasons=[], light_computed_on=None)
    for project in Project.objects.filter(pk__in=[p.pk for p in made]):
        lights.refresh_light(project, today=today)
    assert lights.refresh_lights(Project.objects.none(), today=today) == 0
    single = {
        p.pk: (p.light, p.computed_light, p.light_reasons, p.light_computed_on)
        for p in Project.objects.filter(pk__in=[p.pk for p in made])
    }
    assert batch == single
    # The plain entry point answers how many projects it recomputed.
    assert (
        lights.refresh_lights(Project.objects.filter(pk__in=[p.pk for p in made]), today=today)
        == 16
    )


def test_batch_refresh_uses_few_queries_whatever_the_number_of_projects(world: Any) -> None:
    today = D(2026, 7, 1)
    _portfolio(world, today)
    with CaptureQueriesContext(connection) as small:
        lights.refresh_lights_stats(today=today, batch_size=4)
    Project.objects.update(light="", computed_light="", light_reasons=[], light_computed_on=None)
    with CaptureQueriesContext(connection) as large:
        lights.refresh_lights_stats(today=today, batch_size=1000)
    # One batch: projects, plans, milestones, users, bulk update, date update, and settings once
    # per region (two towns), the board's generation bump (one county), plus the empty read that
    # ends the loop and transaction markers.
    assert len(large) <= 13
    assert len(small) > len(large)


def test_time_passing_changes_lights_and_the_nightly_command_reports_it(world: Any) -> None:
    project = monitored(
        world, D(2026, 6, 14), status=ProjectStatus.PREPARING, planned_start=D(2026, 3, 15)
    )
    Project.objects.filter(pk=project.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 1, 5, 9))
    )
    out = StringIO()
    call_command("refresh_lights", "--date", "2026-06-12", stdout=out)
    assert "1 changed colour" in out.getvalue()
    project.refresh_from_db()
    assert (project.light, project.light_computed_on) == ("yellow", D(2026, 6, 12))
    # Three months after the planned start the same facts turn red (the report is still current
    # for the week due on 2026-06-15, W24's deadline being Friday 2026-06-12).
    Project.objects.filter(pk=project.pk).update(last_report_week=D(2026, 6, 8))
    out = StringIO()
    call_command("refresh_lights", "--date", "2026-06-15", stdout=out)
    assert "1 changed colour" in out.getvalue()
    project.refresh_from_db()
    assert project.light == "red"
    out = StringIO()
    call_command("refresh_lights", "--date", "2026-06-15", stdout=out)
    assert "0 rewritten, 0 changed colour" in out.getvalue()


def test_refresh_lights_command_refuses_a_bad_date(world: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("refresh_lights", "--date", "2026-13-01")
