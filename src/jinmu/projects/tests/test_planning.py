"""Battle map services: the draft plan's milestones, permissions, and approving the plan (the
frozen baseline)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jinmu.core.models import AuditLog
from jinmu.core.services import StaleObjectError
from jinmu.core.tests.factories import UnitFactory
from jinmu.projects import planning
from jinmu.projects.choices import Light, PlanState
from jinmu.projects.models import Baseline, Milestone
from jinmu.projects.tests import planning_support as support
from jinmu.projects.tests.planning_support import (
    TODAY,
    D,
    add,
    approved,
    field_errors,
    town_project,
)

english = support.english


# --------------------------------------------------------------------------- draft plan


def test_town_adds_milestone_to_draft_of_its_project_in_its_region(world: Any) -> None:
    # given
    project = town_project(world)
    unit = UnitFactory(name="住建局")
    # when
    milestone = add(world, project, owner_unit=unit, weight=Decimal("2.5"))
    # then
    milestone.refresh_from_db()
    assert milestone.project_id == project.pk
    assert milestone.region_id == world.town_a.code
    assert milestone.owner_unit == unit
    assert milestone.weight == Decimal("2.5")
    assert AuditLog.objects.filter(
        object_id=str(milestone.pk), action="create", actor=world.user("town_a")
    ).exists()


@pytest.mark.parametrize("persona", ["town_b", "enterprise", "leader", "bank"])
def test_others_cannot_add_milestones(world: Any, persona: str) -> None:
    project = town_project(world)
    with pytest.raises(PermissionDenied):
        add(world, project, persona=persona)
    assert not Milestone.objects.exists()


def test_milestone_ending_before_it_starts_is_refused_field_by_field(world: Any) -> None:
    project = town_project(world)
    with pytest.raises(ValidationError) as error:
        add(
            world,
            project,
            planned_start=D(2026, 4, 1),
            planned_end=D(2026, 3, 1),
            actual_start=D(2026, 4, 10),
            actual_end=D(2026, 4, 2),
        )
    errors = field_errors(error)
    assert errors["planned_end"] == ["A milestone cannot end before it starts."]
    assert errors["actual_end"] == ["A milestone cannot end before it starts."]
    assert not Milestone.objects.exists()


def test_actual_dates_in_the_future_are_refused(world: Any) -> None:
    project = town_project(world)
    with pytest.raises(ValidationError) as error:
        add(world, project, actual_start=TODAY, actual_end=TODAY + dt.timedelta(days=1))
    assert field_errors(error) == {"actual_end": ["An actual date cannot be in the future."]}
    with pytest.raises(ValidationError) as error:
        add(world, project, actual_start=TODAY + dt.timedelta(days=1))
    assert "actual_start" in field_errors(error)
    assert not Milestone.objects.exists()


def test_draft_milestones_edit_and_delete_freely_with_stale_check(world: Any) -> None:
    # given
    project = town_project(world)
    milestone = add(world, project)
    version = milestone.version
    # when
    planning.update_milestone(
        actor=world.user("town_a"),
        milestone=milestone,
        data={"planned_end": D(2026, 4, 30), "weight": Decimal("3")},
        expected_version=version,
        today=TODAY,
    )
    # then
    milestone.refresh_from_db()
    assert milestone.planned_end == D(2026, 4, 30)
    assert milestone.version == version + 1
    # a second edit opened on the old version is refused, nothing changes
    with pytest.raises(StaleObjectError):
        planning.update_milestone(
            actor=world.user("industry"),
            milestone=milestone,
            data={"name": "改名"},
            expected_version=version,
            today=TODAY,
        )
    milestone.refresh_from_db()
    assert milestone.name == "开工"
    with pytest.raises(StaleObjectError):
        planning.delete_milestone(
            actor=world.user("town_a"), milestone=milestone, expected_version=version
        )
    planning.delete_milestone(
        actor=world.user("town_a"), milestone=milestone, expected_version=version + 1
    )
    assert not Milestone.objects.exists()


def test_every_milestone_change_recomputes_the_light(world: Any) -> None:
    # given a project under construction with no milestone rule yet
    project = town_project(world)
    # when a milestone due long ago is added unfinished
    milestone = add(world, project, planned_start=D(2020, 1, 1), planned_end=D(2020, 2, 1))
    # then the milestone rule colours the project red
    project.refresh_from_db()
    rules = {reason["rule"]: reason["light"] for reason in project.light_reasons}
    assert rules["milestone"] == Light.RED
    # when it is recorded as finished
    planning.update_milestone(
        actor=world.user("town_a"),
        milestone=milestone,
        data={"actual_start": D(2020, 1, 1), "actual_end": D(2020, 2, 1)},
        today=TODAY,
    )
    project.refresh_from_db()
    rules = {reason["rule"]: reason["light"] for reason in project.light_reasons}
    assert rules["milestone"] == Light.GREEN


# --------------------------------------------------------------------------- approval


def test_approve_plan_freezes_baseline_one_with_a_snapshot(world: Any) -> None:
    # given
    project = town_project(world)
    unit = UnitFactory(name="自然资源局")
    second = add(
        world,
        project,
        name="主体施工",
        planned_start=D(2026, 4, 1),
        planned_end=D(2026, 9, 30),
        owner_unit=unit,
        weight=Decimal("3"),
        sort_order=2,
    )
    first = add(world, project, name="开工", sort_order=1)
    version = project.version
    # when
    baseline = planning.approve_plan(
        actor=world.user("industry"),
        project=project,
        expected_version=version,
        expected_plan=planning.plan_signature(project),
    )
    # then
    project.refresh_from_db()
    assert project.plan_state == PlanState.APPROVED
    assert project.version == version + 1
    assert baseline.number == 1
    assert baseline.reason == ""
    assert baseline.approved_by == world.user("industry")
    assert baseline.region_id == project.region_id
    assert baseline.milestones == [
        {
            "id": first.pk,
            "name": "开工",
            "planned_start": "2026-03-01",
            "planned_end": "2026-03-31",
            "owner_unit": None,
            "owner_unit_name": "",
            "weight": "1.00",
            "sort_order": 1,
        },
        {
            "id": second.pk,
            "name": "主体施工",
            "planned_start": "2026-04-01",
            "planned_end": "2026-09-30",
            "owner_unit": unit.pk,
            "owner_unit_name": "自然资源局",
            "weight": "3.00",
            "sort_order": 2,
        },
    ]


@pytest.mark.parametrize("persona", ["industry", "leader", "admin"])
def test_industry_leader_and_admin_approve(world: Any, persona: str) -> None:
    project = town_project(world)
    add(world, project)
    baseline = planning.approve_plan(actor=world.user(persona), project=project)
    assert baseline.number == 1


@pytest.mark.parametrize("persona", ["town_a", "department", "chain", "enterprise"])
def test_others_cannot_approve(world: Any, persona: str) -> None:
    project = town_project(world)
    add(world, project)
    with pytest.raises(PermissionDenied):
        planning.approve_plan(actor=world.user(persona), project=project)
    project.refresh_from_db()
    assert project.plan_state == PlanState.DRAFT
    assert not Baseline.objects.exists()


def test_empty_plan_and_changed_plan_are_not_approved(world: Any) -> None:
    project = town_project(world)
    with pytest.raises(ValidationError, match="at least one milestone"):
        approved(world, project)
    signature = planning.plan_signature(project)
    add(world, project)
    with pytest.raises(ValidationError, match="plan changed"):
        planning.approve_plan(
            actor=world.user("industry"), project=project, expected_plan=signature
        )
    assert not Baseline.objects.exists()


def test_approved_plan_refuses_planned_changes_but_records_actuals(world: Any) -> None:
    # given
    project = town_project(world)
    milestone = add(world, project)
    approved(world, project)
    town = world.user("town_a")
    # planned dates and weight are frozen, field by field
    with pytest.raises(ValidationError) as error:
        planning.update_milestone(
            actor=town,
            milestone=milestone,
            data={"planned_end": D(2026, 4, 30), "weight": Decimal("5"), "actual_start": None},
            today=TODAY,
        )
    frozen = "The plan is approved; request a re-plan to change it."
    assert field_errors(error) == {"planned_end": [frozen], "weight": [frozen]}
    # adding and deleting are refused too
    with pytest.raises(ValidationError, match="request a re-plan"):
        add(world, project, name="新节点")
    with pytest.raises(ValidationError, match="request a re-plan"):
        planning.delete_milestone(actor=town, milestone=milestone)
    # the same planned values sent back unchanged are fine, and actuals and owner are recorded
    unit = UnitFactory(name="大曹镇建设办")
    planning.update_milestone(
        actor=town,
        milestone=milestone,
        data={
            "planned_end": D(2026, 3, 31),
            "actual_start": D(2026, 3, 2),
            "actual_end": D(2026, 4, 3),
            "owner_unit": unit,
        },
        today=TODAY,
    )
    milestone.refresh_from_db()
    assert (milestone.actual_start, milestone.actual_end) == (D(2026, 3, 2), D(2026, 4, 3))
    assert milestone.owner_unit == unit
    assert milestone.planned_end == D(2026, 3, 31)
    assert Milestone.objects.count() == 1


def test_approving_twice_is_refused(world: Any) -> None:
    project = town_project(world)
    add(world, project)
    approved(world, project)
    with pytest.raises(ValidationError, match="Only a draft plan"):
        approved(world, project)
    assert Baseline.objects.count() == 1
