"""Writing a plan's milestones: add, change, remove and finish them, each recomputing the
project's light (milestone slippage is one of its rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.services import check_version, delete_object, save_object
from jinmu.core.types import User
from jinmu.problems.services import is_assignable, unassignable_message
from jinmu.projects import lights
from jinmu.projects.choices import PlanState
from jinmu.projects.models import Milestone, Project
from jinmu.projects.permissions import can_report
from jinmu.projects.planning.common import (
    FROZEN_FIELDS,
    MILESTONE_FIELDS,
    frozen_message,
    lock_project,
    require_editor,
)


def _validate_milestone(
    milestone: Milestone, *, today: dt.date, previous_owner_id: int | None = None
) -> None:
    """Model rules plus: actual dates are facts, so never in the future, and a newly chosen
    owner unit must be able to own work in the project's county. All errors at once, by
    field."""
    errors: dict[str, list[Any]] = {}
    try:
        milestone.full_clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    owner = milestone.owner_unit
    if (
        owner is not None
        and owner.pk != previous_owner_id
        and not is_assignable(owner, milestone.region_id)
    ):
        errors.setdefault("owner_unit", []).append(unassignable_message())
    if milestone.actual_start and milestone.actual_start > today:
        errors.setdefault("actual_start", []).append(_("An actual date cannot be in the future."))
    if milestone.actual_end and milestone.actual_end > today:
        errors.setdefault("actual_end", []).append(_("An actual date cannot be in the future."))
    if errors:
        raise ValidationError(errors)


def _apply(milestone: Milestone, data: Mapping[str, Any]) -> None:
    unknown = sorted(set(data) - set(MILESTONE_FIELDS))
    if unknown:
        raise TypeError(f"Fields not editable here: {unknown}")
    for name, value in data.items():
        setattr(milestone, name, value)


@transaction.atomic
def add_milestone(
    *,
    actor: User,
    project: Project,
    data: Mapping[str, Any],
    today: dt.date | None = None,
) -> Milestone:
    """Add a milestone to a project's draft plan (or to a plan being re-planned)."""
    require_editor(actor, project)
    current = lock_project(project)
    if current.plan_state == PlanState.APPROVED:
        raise ValidationError(frozen_message(), code="plan_frozen")
    milestone = Milestone(project=current, region_id=current.region_id)
    _apply(milestone, data)
    _validate_milestone(milestone, today=today or timezone.localdate())
    save_object(milestone, actor=actor, validate=False)
    lights.refresh_light(current)
    return milestone


@transaction.atomic
def update_milestone(
    *,
    actor: User,
    milestone: Milestone,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Milestone:
    """Change a milestone. While the plan is approved only the actual dates, the owner unit and
    the order may change; a planned date, weight or name is refused field by field."""
    project = milestone.project
    require_editor(actor, project)
    current_project = lock_project(project)
    stored: Milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    check_version(stored, expected_version)
    previous_owner_id = stored.owner_unit_id
    if current_project.plan_state == PlanState.APPROVED:
        frozen = {
            name: [frozen_message()]
            for name in FROZEN_FIELDS
            if name in data and data[name] != getattr(stored, name)
        }
        if frozen:
            raise ValidationError(frozen)
    _apply(stored, data)
    stored.region_id = current_project.region_id
    _validate_milestone(
        stored, today=today or timezone.localdate(), previous_owner_id=previous_owner_id
    )
    save_object(stored, actor=actor, validate=False)
    lights.refresh_light(current_project)
    milestone.refresh_from_db()
    return stored


@transaction.atomic
def delete_milestone(
    *, actor: User, milestone: Milestone, expected_version: int | None = None
) -> None:
    """Remove a milestone from a draft plan or a plan being re-planned (baselines keep it)."""
    project = milestone.project
    require_editor(actor, project)
    current = lock_project(project)
    if current.plan_state == PlanState.APPROVED:
        raise ValidationError(frozen_message(), code="plan_frozen")
    delete_object(milestone, actor=actor, expected_version=expected_version)
    lights.refresh_light(current)


@transaction.atomic
def complete_milestone(
    *,
    actor: User,
    milestone: Milestone,
    on: dt.date,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Milestone:
    """Record a milestone as finished on `on`: the path for whoever files the weekly report
    (the enterprise included), in any plan state."""
    project = milestone.project
    if not can_report(actor, project):
        raise PermissionDenied(_("You may not report on this project."))
    current_project = lock_project(project)
    stored: Milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    check_version(stored, expected_version)
    stored.actual_end = on
    _validate_milestone(
        stored, today=today or timezone.localdate(), previous_owner_id=stored.owner_unit_id
    )
    save_object(stored, actor=actor, validate=False)
    lights.refresh_light(current_project)
    milestone.refresh_from_db()
    return stored
