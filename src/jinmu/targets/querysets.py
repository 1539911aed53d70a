"""Scoped reads of targets and reported values."""

from __future__ import annotations

from typing import Any

from jinmu.core.querysets import ScopedQuerySet
from jinmu.core.scoping import Scope, ScopeKind


class TargetQuerySet(ScopedQuerySet[Any]):
    """Targets: region-wide roles see the region's; a town the targets that lie in it (its own
    parts and goals, never the county's whole target, whose items and other parts are other
    towns' data); a park the targets it holds, a chain office its chains' targets. The
    services keep region, holder and chain consistent, so each of these is measured inside
    the scope that sees it."""

    def for_scope(self, scope: Scope) -> TargetQuerySet:
        """Scope targets."""
        area = self.in_area(scope)
        if area is not None:
            return area
        if scope.kind is ScopeKind.PARK:
            return self.in_region(scope.region_prefix).filter(responsible_unit_id=scope.unit_id)
        if scope.kind is ScopeKind.CHAIN:
            return self.in_region(scope.region_prefix).filter(chain__office_id=scope.unit_id)
        return self.none()


class ReportedValueQuerySet(ScopedQuerySet[Any]):
    """Reported values: read by region-wide roles; a department sees what it reported."""

    permission_model = "targets.target"
