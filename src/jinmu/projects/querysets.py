"""Scoped reads of projects and everything hanging off a project."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from jinmu.core.models import DomainModel, Region, User
from jinmu.core.permissions import has_action
from jinmu.core.places import in_scope
from jinmu.core.querysets import ScopedQuerySet
from jinmu.core.regions import county_code
from jinmu.core.scoping import Scope, ScopeKind, scope_for
from jinmu.core.types import Visitor

# What a unit answering for some projects (`keep_responsible_project`) may do with them.
_KEEPING_ACTIONS = ("change", "report")


class ProjectQuerySet(ScopedQuerySet[Any]):
    """Projects: region-wide roles see the region; a chain office the projects on its chains;
    a town or park what lies in it; an enterprise user the projects of its own enterprise."""

    park_lookup = "park_id"
    chain_office_lookup = "chain__office_id"
    enterprise_lookup = "enterprise_id"

    def for_user(self, user: Visitor | None, action: str = "view") -> ProjectQuerySet:
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
        place = self.in_place(scope)
        return self.none() if place is None else place

    def monitored(self) -> ProjectQuerySet:
        """Projects under weekly scheduling (they carry a light)."""
        return self.exclude(light="")


class ProjectChildQuerySet(ScopedQuerySet[Any]):
    """Rows of a project (plans, history, approvals, milestones, reports …): visible exactly
    when their project is. Their `region` is kept equal to the project's by the services."""

    permission_model = "projects.project"

    def for_scope(self, scope: Scope) -> Any:
        """Scope through the project; rows that carry a region (all but the status history)
        are placed by it for region-wide and town users."""
        if scope.kind is ScopeKind.NONE:
            return self.none()
        path = self._project_path()
        if issubclass(self.model, DomainModel):
            area = self.in_area(scope)
            if area is not None:
                return area
        elif scope.kind is ScopeKind.REGION:
            return self.filter(**{f"{path}__region__code__startswith": scope.region_prefix})
        visible = apps.get_model("projects", "Project").objects.for_scope(scope).values("pk")
        return self.filter(**{f"{path}__in": visible})

    def _project_path(self) -> str:
        """The lookup from a row to its project: its own `project`, or its report's."""
        names = {field.name for field in self.model._meta.get_fields()}
        return "project" if "project" in names else "report__project"


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
            return self.in_region(county_code(scope.region_code))
        return self.none()


def regions_for_projects(scope: Scope) -> QuerySet[Region]:
    """Where a user may place a project: the county and its towns for region-wide and chain
    staff, the own town for a town, the park's town for a park."""
    return in_scope(
        Region.objects.all(), scope, wide="code__startswith", town="code", park="units__pk"
    )


def _county_prefix(user: Visitor | None, scope: Scope) -> str:
    if scope.region_prefix:
        return scope.region_prefix
    if scope.region_code:
        return county_code(scope.region_code)
    region = getattr(user, "region", None)
    return region.scope_prefix if region is not None else ""


def staff_users(user: Visitor | None, scope: Scope, *roles: str) -> QuerySet[User]:
    """Active users of the user's county holding one of `roles` (for leader/owner choices)."""
    prefix = _county_prefix(user, scope)
    candidates = User.objects.filter(is_active=True).filter(
        Q(region__code__startswith=prefix) | Q(unit__region__code__startswith=prefix)
    )
    # Roles live in a JSON list: a few hundred staff are filtered here rather than with a
    # JSON lookup that SQLite and PostgreSQL spell differently.
    pks = [u.pk for u in candidates.only("pk", "roles") if set(u.roles or []) & set(roles)]
    return User.objects.filter(pk__in=pks).order_by("display_name", "username")
