"""Who may do what with a project, on top of seeing it: each question is a permission of the
role table (`jinmu.core.permissions`) taken through the scoped project queryset."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class ProjectRights:
    """What one user may do with one project, asked once for a page and its panels."""

    edit: bool
    report: bool
    approve_plans: bool
    override_light: bool


def _allowed_on_visible(user: Visitor, project: Project, action: str) -> bool:
    """`_allowed` for a project the user sees, without a query. `ProjectQuerySet.for_user`
    limits every action by the same scope as seeing, which the project has passed: what is
    left is the role's permission, or a kept unit's own project (`keep_responsible_project`)."""
    if has_action(user, f"projects.{action}_project"):
        return True
    unit_id = getattr(user, "unit_id", None)
    return (
        unit_id is not None
        and project.responsible_unit_id == unit_id
        and has_action(user, "projects.keep_responsible_project")
    )


def project_rights(user: Visitor, project: Project, *, visible: bool = False) -> ProjectRights:
    """The user's rights on `project`. `visible`: the project was read through
    `Project.objects.for_user(user)` in this request, so its scope is settled and the rights
    follow from the roles alone; otherwise the database is asked (`can_edit_project`)."""
    if visible:
        edit = _allowed_on_visible(user, project, "change")
        report = _allowed_on_visible(user, project, "report")
    else:
        edit = can_edit_project(user, project)
        report = can_report(user, project)
    return ProjectRights(
        edit=edit,
        report=report,
        approve_plans=can_approve_plans(user),
        override_light=can_override_light(user),
    )
