"""Scoped reads of projects and everything hanging off a project."""

from __future__ import annotations

from typing import Any

from jinmu.core.permissions import has_action
from jinmu.core.querysets import ScopedQuerySet
from jinmu.core.scoping import Scope, ScopeKind, scope_for

# What a unit answering for some projects (`keep_responsible_project`) may do with them.
_KEEPING_ACTIONS = ("change", "report")


class ProjectQuerySet(ScopedQuerySet[Any]):
    """Projects: region-wide roles see the region; a chain office the projects on its chains;
    a town or park what lies in it; an enterprise user the projects of its own enterprise."""

    def for_user(self, user: Any, action: str = "view") -> ProjectQuerySet:
        """As for any scoped rows; a unit that keeps only the projects it answers for (a
        department) changes and reports just those."""
        if (
            action in _KEEPING_ACTIONS
            and not has_action(user, self.permission_for(action))
            and has_action(user, "projects.keep_responsible_project")
        ):
            unit_id = getattr(user, "unit_id", None)
            if unit_id is None:
                return self.none()
            return self.for_scope(scope_for(user)).filter(responsible_unit_id=unit_id)
        return super().for_user(user, action)

    def for_scope(self, scope: Scope) -> ProjectQuerySet:
        """Scope projects."""
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.TOWN:
            return self.filter(region_id=scope.region_code)
        if scope.kind is ScopeKind.PARK:
            return self.filter(park_id=scope.unit_id)
        if scope.kind is ScopeKind.CHAIN:
            return self.in_region(scope.region_prefix).filter(chain__office_id=scope.unit_id)
        if scope.kind is ScopeKind.ENTERPRISE:
            return self.filter(enterprise_id=scope.enterprise_id)
        return self.none()

    def monitored(self) -> ProjectQuerySet:
        """Projects under weekly scheduling (they carry a light)."""
        return self.exclude(light="")


class ProjectChildQuerySet(ScopedQuerySet[Any]):
    """Rows of a project (plans, history, approvals, milestones, reports …): visible exactly
    when their project is. Their `region` is kept equal to the project's by the services."""

    permission_model = "projects.project"

    def for_scope(self, scope: Scope) -> Any:
        """Scope through the project."""
        from jinmu.projects.models import Project

        if scope.kind is ScopeKind.REGION:
            if self.model.__name__ == "StatusChange":
                return self.filter(project__region__code__startswith=scope.region_prefix)
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.NONE:
            return self.none()
        if scope.kind is ScopeKind.TOWN and self.model.__name__ != "StatusChange":
            return self.filter(region_id=scope.region_code)
        visible = Project.objects.for_scope(scope).values("pk")
        if self.model.__name__ == "ReportPhoto":
            return self.filter(report__project__in=visible)
        return self.filter(project__in=visible)


class TagQuerySet(ScopedQuerySet[Any]):
    """Project lists are the county's: everyone with a domain scope in the region reads them."""

    permission_model = "projects.project"

    def for_scope(self, scope: Scope) -> TagQuerySet:
        """Tags of the user's county."""
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind in (ScopeKind.CHAIN, ScopeKind.PARK):
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.TOWN:
            return self.in_region(scope.region_code[:6])
        return self.none()
