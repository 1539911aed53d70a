"""Scoped reads of problems."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Model, Q

from jinmu.core.querysets import ScopedQuerySet
from jinmu.core.scoping import Scope, ScopeKind
from jinmu.core.types import User
from jinmu.problems.choices import UNRESOLVED


class ProblemQuerySet(ScopedQuerySet[Any]):
    """Problems: region-wide roles see the region; a town what lies in it; a park those of the
    projects it sees and of its enterprises without a project; a chain office those of its
    chains' projects; an enterprise its own."""

    def for_scope(self, scope: Scope) -> ProblemQuerySet:
        """Scope problems."""
        area = self.in_area(scope)
        if area is not None:
            return area
        if scope.kind is ScopeKind.PARK:
            # A park sees the problems of the projects it sees (those sited in the park); an
            # enterprise of the park may also run projects elsewhere, and those (and their
            # problems) are not the park's. Problems about no project are the park's when
            # their enterprise lies in it.
            return self.filter(
                Q(project__park_id=scope.unit_id)
                | Q(project__isnull=True, enterprise__park_id=scope.unit_id)
            )
        if scope.kind is ScopeKind.CHAIN:
            return self.in_region(scope.region_prefix).filter(
                project__chain__office_id=scope.unit_id
            )
        if scope.kind is ScopeKind.ENTERPRISE:
            return self.filter(enterprise_id=scope.enterprise_id)
        return self.none()

    def subjects_for(self, user: User, relation: str) -> ScopedQuerySet[Any]:
        """What `user` sees of the model a problem is about by `relation` ("project",
        "enterprise"). Reached through the relation itself: the apps above this one (projects)
        are never imported here."""
        model = cast("type[Model]", self.model._meta.get_field(relation).related_model)
        rows = cast("ScopedQuerySet[Any]", model._default_manager.all())
        return rows.for_user(user)

    def unresolved(self) -> ProblemQuerySet:
        """Problems still open or claimed."""
        return self.filter(status__in=UNRESOLVED)
