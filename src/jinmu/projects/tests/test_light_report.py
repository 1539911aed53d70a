"""The light engine: the weekly report rule (grey), when a project comes under weekly
scheduling, the overall colour, overrides and settings per region."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from jinmu.projects import lights
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import LedgerSettings, Project, StatusChange
from jinmu.projects.tests.factories import ProjectFactory, YearPlanFactory
from jinmu.projects.tests.lights_support import D, light_of, monitored, rule

pytestmark = pytest.mark.django_db


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
