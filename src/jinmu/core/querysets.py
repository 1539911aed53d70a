"""Scoped querysets: the base every domain queryset builds on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from jinmu.core.permissions import has_action
from jinmu.core.scoping import Scope, ScopeKind, scope_for

if TYPE_CHECKING:  # core.models imports this module
    from jinmu.core.types import Visitor

_Q = TypeVar("_Q", bound="ScopedQuerySet[Any]")
_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset that knows how to restrict itself to what a user may see or do."""

    # The model whose permissions govern these rows ("app_label.model"): a project's milestones
    # are read and changed under the project's permissions. None: the queryset's own model.
    permission_model: str | None = None
    # Where `in_place` finds a row for a park's scope (the park's unit), a chain office's (the
    # office of the row's chain, inside the region) and an enterprise user's (their enterprise).
    park_lookup: str | None = None
    chain_office_lookup: str | None = None
    enterprise_lookup: str | None = None

    def for_user(self: _Q, user: Visitor | None, action: str = "view") -> _Q:
        """Only rows on which the user may take `action` (view, change, report, approve,
        export …): none unless a role grants the permission, then the user's scope (override
        `for_scope` per model)."""
        if not has_action(user, self.permission_for(action)):
            return self.none()
        return self.for_scope(scope_for(user))

    def permission_for(self, action: str) -> str:
        """The permission that `action` on these rows needs, e.g. "projects.report_project"."""
        label = self.permission_model or self.model._meta.label_lower
        app_label, model_name = label.split(".")
        return f"{app_label}.{action}_{model_name}"

    def for_scope(self: _Q, scope: Scope) -> _Q:
        """Default: region-wide users see their region; everyone else sees nothing."""
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        return self.none()

    def in_area(self: _Q, scope: Scope) -> _Q | None:
        """The rows of a region-wide scope (its region) or of a town (those lying in the town);
        None for the other kinds, which each queryset's `for_scope` limits its own way."""
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.TOWN:
            return self.filter(region_id=scope.region_code)
        return None

    def in_place(self: _Q, scope: Scope) -> _Q | None:
        """As `in_area`, and for a park, a chain office or an enterprise the rows the class's
        lookups place there; None for a kind that has no lookup here."""
        area = self.in_area(scope)
        if area is not None:
            return area
        if scope.kind is ScopeKind.PARK and self.park_lookup:
            return self.filter(**{self.park_lookup: scope.unit_id})
        if scope.kind is ScopeKind.CHAIN and self.chain_office_lookup:
            return self.in_region(scope.region_prefix).filter(
                **{self.chain_office_lookup: scope.unit_id}
            )
        if scope.kind is ScopeKind.ENTERPRISE and self.enterprise_lookup:
            return self.filter(**{self.enterprise_lookup: scope.enterprise_id})
        return None

    def in_region(self: _Q, prefix: str) -> _Q:
        """Rows whose region code starts with `prefix` (a GB/T 2260 nesting)."""
        if len(prefix) >= 9:
            return self.filter(region_id=prefix)
        return self.filter(region__code__startswith=prefix)


class UnitQuerySet(ScopedQuerySet[Any]):
    """Units: everyone signed in may see the units of their own region (to route work)."""

    def for_scope(self, scope: Scope) -> UnitQuerySet:
        """Units are a public directory inside a deployment's region."""
        if scope.kind is ScopeKind.NONE:
            return self.none()
        return self
