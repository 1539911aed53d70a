"""What the plan's writes and reads share: the editable fields, who may change or approve a
plan, and the project row they lock."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jinmu.core.services import check_version
from jinmu.core.types import User
from jinmu.projects.models import Milestone, Project
from jinmu.projects.permissions import can_approve_plans, can_edit_project

# What a form, the API or an import may set on a milestone.
MILESTONE_FIELDS = (
    "name",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "owner_unit",
    "weight",
    "sort_order",
)
# Fixed while the plan is approved (the baseline's content apart from the owner unit, which
# may be reassigned, and the display order).
FROZEN_FIELDS = ("name", "planned_start", "planned_end", "weight")


def frozen_message() -> str:
    """Why a planned field of an approved plan cannot change."""
    return _("The plan is approved; request a re-plan to change it.")


def require_editor(actor: User, project: Project) -> None:
    """Refuse unless the actor may change the project's plan."""
    if not can_edit_project(actor, project):
        raise PermissionDenied(_("You may not change this project's plan."))


def require_approver(actor: User, project: Project) -> None:
    """Refuse unless the actor approves plans and sees the project."""
    if not can_approve_plans(actor):
        raise PermissionDenied(
            _("Only the industry office or a county leader can approve a battle map.")
        )
    if not Project.objects.for_user(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(_("You may not change this project's plan."))


def lock_project(project: Project, expected_version: int | None = None) -> Project:
    """The project row, locked for the rest of the transaction (plan state and milestone
    writes of one project are serialised on it)."""
    current: Project = Project.objects.select_for_update().get(pk=project.pk)
    check_version(current, expected_version)
    return current


def ordered_milestones(project: Project) -> QuerySet[Milestone]:
    """The plan's milestones in display order, with their owner units."""
    return (
        Milestone.objects.filter(project=project)
        .select_related("owner_unit")
        .order_by("sort_order", "planned_start", "id")
    )
