"""Scoped querysets: the base every domain queryset builds on."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from jinmu.core.scoping import Scope, ScopeKind, scope_for

_Q = TypeVar("_Q", bound="ScopedQuerySet[Any]")
_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset that knows how to restrict itself to what a user may see."""

    def for_user(self: _Q, user: Any) -> _Q:
        """Only rows the user may see; override `for_scope` per model."""
        return self.for_scope(scope_for(user))

    def for_scope(self: _Q, scope: Scope) -> _Q:
        """Default: region-wide users see their region; everyone else sees nothing."""
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        return self.none()

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
