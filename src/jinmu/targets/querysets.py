"""Scoped reads of targets and reported values."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from jinmu.core.querysets import ScopedQuerySet
from jinmu.core.scoping import Scope, ScopeKind


class TargetQuerySet(ScopedQuerySet[Any]):
    """Targets: region-wide roles see the region's; a town its own parts (not the county's
    whole target, whose items and other parts are other towns' data); a park or chain office
    the parts assigned to it."""

    def for_scope(self, scope: Scope) -> TargetQuerySet:
        """Scope targets."""
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.TOWN:
            return self.filter(
                Q(region_id=scope.region_code) | Q(responsible_unit_id=scope.unit_id)
            )
        if scope.kind in (ScopeKind.PARK, ScopeKind.CHAIN):
            return self.in_region(scope.region_prefix).filter(
                Q(responsible_unit_id=scope.unit_id) | Q(chain__office_id=scope.unit_id)
            )
        return self.none()


class ReportedValueQuerySet(ScopedQuerySet[Any]):
    """Reported values: read by region-wide roles; a department sees what it reported."""
