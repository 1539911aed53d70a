"""Battle map services: re-planning, the reporter finishing milestones, summaries and
baseline comparisons, and the owner units a milestone may have."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jinmu.core.services import StaleObjectError
from jinmu.core.tests.factories import UnitFactory
from jinmu.projects import planning
from jinmu.projects.choices import PlanState
from jinmu.projects.models import Baseline, Milestone
from jinmu.projects.tests import planning_support as support
from jinmu.projects.tests.factories import MilestoneFactory
from jinmu.projects.tests.planning_support import (
    TODAY,
    D,
    add,
    approved,
    field_errors,
    town_project,
)

english = support.english


# --------------------------------------------------------------------------- re-planning


def test_replan_needs_a_reason_then_approval_keeps_every_baseline(world: Any) -> None:
    # given an approved plan
    project = town_project(world)
    milestone = add(world, project)
    first = approved(world, project)
    town = world.user("town_a")
    # a re-plan without a reason is refused
    with pytest.raises(ValidationError) as error:
        planning.request_replan(actor=town, project=project, reason="  ")
    assert field_errors(error) == {"reason": ["Say why the plan must change."]}
    project.refresh_from_db()
    assert project.plan_state == PlanState.APPROVED
    # with a reason the planned side opens
    planning.request_replan(
        actor=town, project=project, reason="用地指标延后下达", expected_version=project.version
    )
    project.refresh_from_db()
    assert project.plan_state == PlanState.REPLANNING
    assert project.replan_reason == "用地指标延后下达"
    planning.update_milestone(
        actor=town, milestone=milestone, data={"planned_end": D(2026, 5, 31)}, today=TODAY
    )
    added = add(
        world, project, name="竣工验收", planned_start=D(2026, 6, 1), planned_end=D(2026, 6, 30)
    )
    # when the industry office approves
    second = planning.approve_replan(actor=world.user("industry"), project=project)
    # then a second baseline is frozen, the first one kept unchanged
    project.refresh_from_db()
    assert project.plan_state == PlanState.APPROVED
    assert project.replan_reason == ""
    assert [b.number for b in Baseline.objects.filter(project=project).order_by("number")] == [
        1,
        2,
    ]
    first.refresh_from_db()
    assert [m["planned_end"] for m in first.milestones] == ["2026-03-31"]
    assert second.reason == "用地指标延后下达"
    assert second.requested_by == town
    assert second.approved_by == world.user("industry")
    assert [(m["id"], m["planned_end"]) for m in second.milestones] == [
        (milestone.pk, "2026-05-31"),
        (added.pk, "2026-06-30"),
    ]
    # and the plan is frozen again
    with pytest.raises(ValidationError):
        planning.update_milestone(
            actor=town, milestone=milestone, data={"planned_end": D(2026, 7, 1)}, today=TODAY
        )


def test_replan_rules(world: Any) -> None:
    project = town_project(world)
    add(world, project)
    town = world.user("town_a")
    with pytest.raises(ValidationError, match="Only an approved plan"):
        planning.request_replan(actor=town, project=project, reason="变更")
    approved(world, project)
    with pytest.raises(ValidationError, match="No re-plan"):
        planning.approve_replan(actor=world.user("industry"), project=project)
    with pytest.raises(PermissionDenied):
        planning.request_replan(actor=world.user("leader"), project=project, reason="变更")
    planning.request_replan(actor=town, project=project, reason="变更")
    with pytest.raises(PermissionDenied):
        planning.approve_replan(actor=town, project=project)
    with pytest.raises(StaleObjectError):
        planning.approve_replan(
            actor=world.user("leader"), project=project, expected_version=project.version - 1
        )
    assert Baseline.objects.count() == 1


def test_rejected_replan_returns_to_the_latest_baseline(world: Any) -> None:
    # given an approved plan of two milestones, then a re-plan that changes one, removes the
    # other and adds a third
    project = town_project(world)
    kept = add(world, project, name="开工", sort_order=1)
    removed = add(
        world,
        project,
        name="主体",
        planned_start=D(2026, 4, 1),
        planned_end=D(2026, 8, 31),
        weight=Decimal("2"),
        sort_order=2,
    )
    approved(world, project)
    town = world.user("town_a")
    planning.request_replan(actor=town, project=project, reason="调整")
    planning.update_milestone(
        actor=town,
        milestone=kept,
        data={"planned_end": D(2026, 6, 30), "actual_start": D(2026, 3, 5)},
        today=TODAY,
    )
    planning.delete_milestone(actor=town, milestone=removed)
    add(world, project, name="新增", planned_start=D(2026, 9, 1), planned_end=D(2026, 9, 30))
    # when the re-plan is refused
    planning.reject_replan(actor=world.user("leader"), project=project)
    # then the planned side is the baseline's again, actuals are kept
    project.refresh_from_db()
    assert project.plan_state == PlanState.APPROVED
    rows = list(Milestone.objects.filter(project=project).order_by("sort_order"))
    assert [(m.pk, m.name, m.planned_end, m.weight) for m in rows] == [
        (kept.pk, "开工", D(2026, 3, 31), Decimal("1")),
        (removed.pk, "主体", D(2026, 8, 31), Decimal("2")),
    ]
    assert rows[0].actual_start == D(2026, 3, 5)
    assert Baseline.objects.count() == 1


def test_complete_milestone_is_open_to_the_reporting_enterprise(world: Any) -> None:
    from jinmu.enterprises.tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(region=world.town_a)
    user = world.user("enterprise")
    user.enterprise = enterprise
    user.save()
    project = town_project(world, enterprise=enterprise)
    milestone = add(world, project)
    approved(world, project)
    planning.complete_milestone(actor=user, milestone=milestone, on=D(2026, 4, 2), today=TODAY)
    milestone.refresh_from_db()
    assert milestone.actual_end == D(2026, 4, 2)
    with pytest.raises(ValidationError):
        planning.complete_milestone(
            actor=user, milestone=milestone, on=TODAY + dt.timedelta(days=1), today=TODAY
        )
    with pytest.raises(PermissionDenied):
        planning.complete_milestone(
            actor=world.user("town_b"), milestone=milestone, on=D(2026, 4, 2), today=TODAY
        )


# --------------------------------------------------------------------------- reading


def test_states_days_late_and_summary(world: Any) -> None:
    # given, on 2026-05-15
    project = town_project(world)
    make = MilestoneFactory
    done = make(
        project=project,
        planned_start=D(2026, 1, 1),
        planned_end=D(2026, 2, 1),
        actual_start=D(2026, 1, 2),
        actual_end=D(2026, 1, 30),
        weight=Decimal("2"),
    )
    done_late = make(
        project=project,
        planned_start=D(2026, 2, 1),
        planned_end=D(2026, 3, 1),
        actual_end=D(2026, 3, 11),
        weight=Decimal("1"),
    )
    late = make(
        project=project,
        planned_start=D(2026, 3, 1),
        planned_end=D(2026, 5, 5),
        actual_start=D(2026, 3, 2),
        weight=Decimal("3"),
    )
    ongoing = make(
        project=project,
        planned_start=D(2026, 5, 1),
        planned_end=D(2026, 6, 30),
        weight=Decimal("2"),
    )
    upcoming = make(
        project=project,
        planned_start=D(2026, 7, 1),
        planned_end=D(2026, 9, 30),
        weight=Decimal("2"),
    )
    # then
    states = {m.pk: planning.milestone_state(m, today=TODAY) for m in Milestone.objects.all()}
    assert states == {
        done.pk: "done",
        done_late.pk: "done_late",
        late.pk: "late",
        ongoing.pk: "ongoing",
        upcoming.pk: "upcoming",
    }
    assert planning.days_late(done, today=TODAY) == 0
    assert planning.days_late(done_late, today=TODAY) == 10
    assert planning.days_late(late, today=TODAY) == 10
    summary = planning.plan_summary(project, today=TODAY)
    assert (summary.total, summary.done) == (5, 2)
    assert summary.weighted_percent == 30  # (2 + 1) of 10
    assert summary.next_milestone == late
    assert (summary.late_count, summary.max_days_late) == (1, 10)
    assert summary.baseline_count == 0


def test_rows_compare_with_the_chosen_baseline(world: Any) -> None:
    project = town_project(world)
    kept = add(world, project, name="开工")
    gone = add(world, project, name="拆除", planned_start=D(2026, 4, 1), planned_end=D(2026, 4, 9))
    first = approved(world, project)
    planning.request_replan(actor=world.user("town_a"), project=project, reason="延期")
    planning.update_milestone(
        actor=world.user("town_a"),
        milestone=kept,
        data={"planned_end": D(2026, 4, 10)},
        today=TODAY,
    )
    planning.delete_milestone(actor=world.user("town_a"), milestone=gone)
    rows, removed = planning.milestone_rows(project, baseline=first, today=TODAY)
    assert [(r.milestone.pk, r.baseline_end, r.slip_days) for r in rows] == [
        (kept.pk, D(2026, 3, 31), 10)
    ]
    assert [r.name for r in removed] == ["拆除"]
    summary = planning.plan_summary(project, today=TODAY)
    assert summary.slipped_count == 1


# --------------------------------------------------------------------------- owner units


def other_county_unit(world: Any) -> Any:
    """A department of 庆云县, a neighbouring county."""
    from jinmu.core.choices import RegionLevel
    from jinmu.core.tests.factories import RegionFactory

    qingyun = RegionFactory(
        code="371423", name="庆云县", level=RegionLevel.COUNTY, parent=world.county.parent
    )
    return UnitFactory(name="庆云县住建局", region=qingyun)


def test_owner_unit_must_work_in_the_projects_county(world: Any) -> None:
    from jinmu.core.choices import UnitKind

    project = town_project(world)
    stranger = other_county_unit(world)
    bank = UnitFactory(name="宁津农商银行", kind=UnitKind.BANK)
    for unit in (stranger, bank):
        with pytest.raises(ValidationError) as info:
            add(world, project, owner_unit=unit)
        assert set(field_errors(info)) == {"owner_unit"}
    assert not Milestone.objects.exists()
    milestone = add(world, project, owner_unit=world.park)
    with pytest.raises(ValidationError) as info:
        planning.update_milestone(
            actor=world.user("town_a"), milestone=milestone, data={"owner_unit": bank}, today=TODAY
        )
    assert set(field_errors(info)) == {"owner_unit"}
    milestone.refresh_from_db()
    assert milestone.owner_unit == world.park


def test_an_owner_stored_before_the_rule_does_not_block_other_changes(world: Any) -> None:
    project = town_project(world)
    milestone = MilestoneFactory(project=project, owner_unit=other_county_unit(world))
    planning.update_milestone(
        actor=world.user("town_a"),
        milestone=milestone,
        data={"actual_start": D(2026, 3, 2)},
        today=TODAY,
    )
    milestone.refresh_from_db()
    assert milestone.actual_start == D(2026, 3, 2)


def test_rejected_replan_brings_a_removed_milestone_back_with_its_actual_dates(
    world: Any,
) -> None:
    # given an approved plan whose first milestone is done and the second under way
    project = town_project(world)
    town = world.user("town_a")
    done = add(world, project, name="开工", actual_start=D(2026, 3, 2), actual_end=D(2026, 3, 30))
    going = add(
        world,
        project,
        name="主体",
        planned_start=D(2026, 4, 1),
        planned_end=D(2026, 8, 31),
        actual_start=D(2026, 4, 3),
        sort_order=2,
    )
    approved(world, project)
    # a re-plan records an actual date on one, then removes both
    planning.request_replan(actor=town, project=project, reason="合并节点")
    going = planning.update_milestone(
        actor=town, milestone=going, data={"actual_end": D(2026, 5, 10)}, today=TODAY
    )
    version_when_removed = going.version
    planning.delete_milestone(actor=town, milestone=done)
    planning.delete_milestone(actor=town, milestone=going)
    # when the re-plan is refused
    planning.reject_replan(actor=world.user("leader"), project=project)
    # then both come back with their identity and every actual date
    rows = {m.pk: m for m in Milestone.objects.filter(project=project)}
    assert set(rows) == {done.pk, going.pk}
    assert (rows[done.pk].actual_start, rows[done.pk].actual_end) == (
        D(2026, 3, 2),
        D(2026, 3, 30),
    )
    assert (rows[going.pk].actual_start, rows[going.pk].actual_end) == (
        D(2026, 4, 3),
        D(2026, 5, 10),
    )
    # a page opened before the removal is stale, not silently accepted
    assert rows[going.pk].version > version_when_removed
    summary = planning.plan_summary(project, today=TODAY)
    assert (summary.done, summary.weighted_percent) == (2, 100)
