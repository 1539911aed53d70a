"""Who may do what with a project, on top of seeing it (scoping decides seeing)."""

from __future__ import annotations

from typing import Any

from jinmu.core.choices import Role
from jinmu.core.scoping import ScopeKind, scope_for

# Staff who keep the ledger within what they see.
_EDITOR_ROLES = (Role.SYSTEM_ADMIN, Role.INDUSTRY_OFFICE, Role.CHAIN_OFFICE, Role.TOWN)


def _visible(user: Any, project: Any) -> bool:
    from jinmu.projects.models import Project

    return bool(Project.objects.for_user(user).filter(pk=project.pk).exists())


def can_create_projects(user: Any) -> bool:
    """Ledger keepers and departments (e.g. 商务局 registers leads, 发改局 key projects)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*_EDITOR_ROLES, Role.DEPARTMENT)
        and scope_for(user).kind is not ScopeKind.NONE
    )


def can_edit_project(user: Any, project: Any) -> bool:
    """Keepers edit what they see; a department edits the projects it is responsible for."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(*_EDITOR_ROLES) and _visible(user, project):
        return True
    return bool(
        user.has_role(Role.DEPARTMENT)
        and user.unit_id is not None
        and project.responsible_unit_id == user.unit_id
        and _visible(user, project)
    )


def can_report(user: Any, project: Any) -> bool:
    """The weekly report comes from the enterprise, the town or park, or the ledger keepers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.ENTERPRISE):
        return bool(user.enterprise_id is not None and project.enterprise_id == user.enterprise_id)
    return can_edit_project(user, project)


def can_approve_plans(user: Any) -> bool:
    """Approving a battle map (and every re-plan) is for the industry office and leaders."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(Role.SYSTEM_ADMIN, Role.INDUSTRY_OFFICE, Role.COUNTY_LEADER)
    )


def can_override_light(user: Any) -> bool:
    """A manual light is a supervision decision: industry office and county leaders only."""
    return can_approve_plans(user)


def can_curate(user: Any) -> bool:
    """Who keeps the curated project lists (双十 …): the industry office and the admin."""
    return can_approve_plans(user) and can_create_projects(user)
