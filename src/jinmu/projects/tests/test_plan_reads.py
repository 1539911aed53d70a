"""The plan's summary, its fingerprint and the approval verdicts from rows the page read
already give what they give when they read for themselves; the pages read them once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jinmu.projects import approvals, planning
from jinmu.projects.models import Baseline, Project
from jinmu.projects.planning.common import ordered_milestones
from jinmu.projects.tests import planning_support as support
from jinmu.projects.tests.factories import ApprovalFactory

pytestmark = pytest.mark.django_db
english = support.english
D = dt.date


def _replanned(world: Any) -> Project:
    """A plan approved, then re-planned with a milestone moved later (two baselines)."""
    project = support.town_project(world)
    first = support.add(world, project, name="开工")
    support.add(world, project, name="封顶", planned_start=D(2026, 4, 1), planned_end=D(2026, 6, 1))
    support.approved(world, project)
    project.refresh_from_db()
    planning.request_replan(actor=world.user("town_a"), project=project, reason="雨季")
    planning.update_milestone(
        actor=world.user("town_a"),
        milestone=ordered_milestones(project).get(pk=first.pk),
        data={"planned_end": D(2026, 4, 20)},
        today=support.TODAY,
    )
    project.refresh_from_db()
    planning.approve_replan(actor=world.user("industry"), project=project)
    project.refresh_from_db()
    return project


def test_the_summary_and_fingerprint_from_rows_read_already(world: Any) -> None:
    project = _replanned(world)
    milestones = list(ordered_milestones(project))
    baselines = list(Baseline.objects.filter(project=project).order_by("number"))
    assert len(baselines) == 2

    given = planning.plan_summary(
        project, today=support.TODAY, milestones=milestones, baselines=baselines
    )
    read = planning.plan_summary(project, today=support.TODAY)

    assert given == read
    assert read.baseline_count == 2
    assert read.slipped_count == 1
    assert planning.plan_signature(project, milestones) == planning.plan_signature(project)


def test_the_verdicts_from_dates_read_already(world: Any) -> None:
    project = support.town_project(world, actual_start=D(2026, 3, 5))
    ApprovalFactory(project=project, kind="land", actual_on=D(2026, 3, 1))
    ApprovalFactory(project=project, kind="title", actual_on=None)
    dates = {"land": D(2026, 3, 1), "title": None}

    assert approvals.verdicts(project, today=support.TODAY, actual_dates=dates) == (
        approvals.verdicts(project, today=support.TODAY)
    )


def test_the_plan_page_reads_the_plan_once(world: Any, client: Client) -> None:
    project = _replanned(world)
    client.force_login(world.user("industry"))
    url = reverse("projects:plan", args=[project.pk])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    reads = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "projects_milestone"' in sql for sql in reads) == 1
    assert sum('FROM "projects_baseline"' in sql for sql in reads) == 1


def test_the_approvals_panel_reads_the_items_once(world: Any, client: Client) -> None:
    project = support.town_project(world, actual_start=D(2026, 3, 5))
    ApprovalFactory(project=project, kind="land", actual_on=D(2026, 3, 1))
    client.force_login(world.user("industry"))
    url = reverse("projects:detail", args=[project.pk])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()

    reads = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "projects_approvalitem"' in sql for sql in reads) == 1
    assert 'data-rule="land_to_start" data-state="late"' in html
