"""Writing lights: one project at a time, and the batch refresh against the one-project
refresh (its queries, the nightly command)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jinmu.projects import lights
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import LedgerSettings, Project
from jinmu.projects.tests.factories import MilestoneFactory, YearPlanFactory
from jinmu.projects.tests.lights_support import D, monitored

pytestmark = pytest.mark.django_db


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
    # Stored: the facts; shown: the texts written from them for the day computed for.
    assert project.light_reasons == result.stored
    assert lights.shown_reasons(project.light_reasons, project.light_computed_on) == result.reasons
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
    # One batch: projects, plans, milestones, users, bulk update, and settings once per region
    # (two towns), the board's generation bump (one county), plus the empty read that ends the
    # loop, transaction markers and the night's record (`nights.record_night`).
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
