"""Who may do what with a project, on top of seeing it: each question is a permission of the
role table (`jinmu.core.permissions`) taken through the scoped project queryset."""

from __future__ import annotations

from jinmu.core.permissions import has_action
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.types import Visitor
from jinmu.projects.models import Project


def _allowed(user: Visitor, project: Project, action: str) -> bool:
    return bool(Project.objects.for_user(user, action).filter(pk=project.pk).exists())


def can_create_projects(user: Visitor) -> bool:
    """Ledger keepers and departments (e.g. 商务局 registers leads, 发改局 key projects)."""
    return has_action(user, "projects.add_project") and scope_for(user).kind is not ScopeKind.NONE


def can_edit_project(user: Visitor, project: Project) -> bool:
    """Keepers edit what they see; a department edits the projects it is responsible for."""
    return _allowed(user, project, "change")


def can_report(user: Visitor, project: Project) -> bool:
    """The weekly report comes from the enterprise, the town or park, or the ledger keepers."""
    return _allowed(user, project, "report")


def can_approve_plans(user: Visitor) -> bool:
    """Approving a battle map (and every re-plan) is for the industry office and leaders."""
    return has_action(user, "projects.approve_project")


def can_override_light(user: Visitor) -> bool:
    """A manual light is a supervision decision: industry office and county leaders only."""
    return has_action(user, "projects.override_project")


def can_curate(user: Visitor) -> bool:
    """Who keeps the curated project lists (双十 …): the industry office and the admin."""
    return has_action(user, "projects.curate_project") and scope_for(user).kind is not (
        ScopeKind.NONE
    )
