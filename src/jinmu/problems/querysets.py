"""Scoped reads of problems."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from jinmu.core.querysets import ScopedQuerySet
from jinmu.core.scoping import Scope, ScopeKind
from jinmu.problems.choices import UNRESOLVED


class ProblemQuerySet(ScopedQuerySet[Any]):
    """Problems: region-wide roles see the region; a town what lies in it; a park those of the
    projects it sees and of its enterprises without a project; a chain office those of its
    chains' projects; an enterprise its own."""

    def for_scope(self, scope: Scope) -> ProblemQuerySet:
        """Scope problems."""
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.TOWN:
            return self.filter(region_id=scope.region_code)
        if scope.kind is ScopeKind.PARK:
            from jinmu.projects.models import Project

            # A park sees the problems of the projects it sees; an enterprise of the park may
            # also run projects elsewhere, and those (and their problems) are not the park's.
            # Problems about no project are the park's when their enterprise lies in it.
            return self.filter(
                Q(project__in=Project.objects.for_scope(scope).values("pk"))
                | Q(project__isnull=True, enterprise__park_id=scope.unit_id)
            )
        if scope.kind is ScopeKind.CHAIN:
            return self.in_region(scope.region_prefix).filter(
                project__chain__office_id=scope.unit_id
            )
        if scope.kind is ScopeKind.ENTERPRISE:
            return self.filter(enterprise_id=scope.enterprise_id)
        return self.none()

    def unresolved(self) -> ProblemQuerySet:
        """Problems still open or claimed."""
        return self.filter(status__in=UNRESOLVED)
