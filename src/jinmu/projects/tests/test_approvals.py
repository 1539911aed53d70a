"""拿地即开工 / 交地即发证: verdicts with day counts, approval rows, the area summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinmu.projects import approvals
from jinmu.projects.models import Project
from jinmu.projects.tests.factories import ApprovalFactory, ProjectFactory

D = dt.date
TODAY = D(2026, 5, 15)


def project_with(
    region: Any,
    *,
    land: dt.date | None,
    start: dt.date | None,
    title: dt.date | None = None,
    status: str = "started",
) -> Project:
    project = ProjectFactory(region=region, actual_start=start, status=status)
    if land is not None:
        ApprovalFactory(project=project, kind="land", planned_on=land, actual_on=land)
    if title is not None:
        ApprovalFactory(project=project, kind="title", actual_on=title)
    return project


def test_works_started_on_the_day_the_land_came(world: Any) -> None:
    project = project_with(world.town_a, land=D(2026, 3, 2), start=D(2026, 3, 2))
    land, _title = approvals.verdicts(project, today=TODAY)
    assert land.rule == "land_to_start"
    assert land.achieved is True
    assert (land.state, land.days) == ("achieved", 0)
    assert (land.land_on, land.done_on) == (D(2026, 3, 2), D(2026, 3, 2))


def test_works_started_later_shows_the_day_count(world: Any) -> None:
    project = project_with(world.town_a, land=D(2026, 3, 2), start=D(2026, 3, 12))
    land, _title = approvals.verdicts(project, today=TODAY)
    assert land.achieved is False
    assert (land.state, land.days) == ("late", 10)


def test_waiting_for_the_start_counts_days_so_far(world: Any) -> None:
    project = project_with(world.town_a, land=D(2026, 5, 1), start=None, status="preparing")
    land, title = approvals.verdicts(project, today=TODAY)
    assert land.achieved is False
    assert (land.state, land.days) == ("waiting", 14)
    assert (title.state, title.days) == ("waiting", 14)


def test_without_a_land_date_there_is_no_verdict(world: Any) -> None:
    project = project_with(world.town_a, land=None, start=D(2026, 3, 12))
    ApprovalFactory(project=project, kind="land", planned_on=D(2026, 3, 1))  # planned only
    land, title = approvals.verdicts(project, today=TODAY)
    assert land.achieved is None
    assert (land.state, land.days) == ("no_data", None)
    assert title.state == "no_data"


def test_title_on_land_delivery(world: Any) -> None:
    on_time = project_with(
        world.town_a, land=D(2026, 3, 2), start=D(2026, 3, 2), title=D(2026, 3, 2)
    )
    late = project_with(world.town_a, land=D(2026, 3, 2), start=D(2026, 3, 2), title=D(2026, 4, 1))
    _land, title = approvals.verdicts(on_time, today=TODAY)
    assert (title.rule, title.achieved, title.days) == ("delivery_to_title", True, 0)
    _land, title = approvals.verdicts(late, today=TODAY)
    assert (title.achieved, title.state, title.days) == (False, "late", 30)


def test_approval_rows_give_planned_actual_and_days_late(world: Any) -> None:
    # given
    project = ProjectFactory(region=world.town_a)
    ApprovalFactory(project=project, kind="title", planned_on=D(2026, 5, 1))  # open, overdue
    ApprovalFactory(
        project=project, kind="planning", planned_on=D(2026, 3, 1), actual_on=D(2026, 3, 8)
    )
    ApprovalFactory(
        project=project, kind="land", planned_on=D(2026, 3, 1), actual_on=D(2026, 2, 27)
    )
    ApprovalFactory(project=project, kind="construction", planned_on=D(2026, 6, 1))
    ApprovalFactory(project=project, kind="other", name="消防审查")
    # when
    rows = approvals.approval_rows(project, today=TODAY)
    # then: in the order of the approval process
    assert [(r.item.kind, r.state, r.days_late) for r in rows] == [
        ("land", "done", 0),
        ("planning", "done_late", 7),
        ("construction", "pending", 0),
        ("title", "overdue", 14),
        ("other", "unplanned", 0),
    ]


def test_summary_shares_of_started_projects(world: Any) -> None:
    # given four started projects with a land date, one without, one not started
    project_with(world.town_a, land=D(2026, 3, 2), start=D(2026, 3, 2), title=D(2026, 3, 2))
    project_with(world.town_a, land=D(2026, 3, 2), start=D(2026, 3, 2), title=D(2026, 3, 20))
    project_with(world.town_a, land=D(2026, 3, 2), start=D(2026, 3, 9))
    project_with(world.town_b, land=D(2026, 3, 2), start=D(2026, 4, 1), title=D(2026, 3, 2))
    project_with(world.town_b, land=None, start=D(2026, 3, 2), status="started")
    project_with(world.town_b, land=D(2026, 3, 2), start=None, status="preparing")
    # when
    summary = approvals.summary(Project.objects.all())
    # then
    assert summary.started == 5
    assert summary.without_land_date == 1
    assert (summary.land_to_start.achieved, summary.land_to_start.eligible) == (2, 4)
    assert summary.land_to_start.percent == 50
    assert (summary.delivery_to_title.achieved, summary.delivery_to_title.eligible) == (2, 4)


def test_summary_follows_the_users_scope(world: Any) -> None:
    project_with(world.town_a, land=D(2026, 3, 2), start=D(2026, 3, 2))
    project_with(world.town_b, land=D(2026, 3, 2), start=D(2026, 3, 5))
    town_b = approvals.summary_for_user(world.user("town_b"))
    assert (town_b.land_to_start.achieved, town_b.land_to_start.eligible) == (0, 1)
    county = approvals.summary_for_user(world.user("industry"))
    assert (county.land_to_start.achieved, county.land_to_start.eligible) == (1, 2)
    assert approvals.summary_for_user(world.user("bank")).started == 0
    assert approvals.summary(Project.objects.none()).land_to_start.percent is None
