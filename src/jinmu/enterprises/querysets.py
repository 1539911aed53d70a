"""Scoped reads of enterprises, figures and qualifications."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from jinmu.core.querysets import ScopedQuerySet
from jinmu.core.scoping import Scope, ScopeKind
from jinmu.enterprises import extensions


class EnterpriseQuerySet(ScopedQuerySet[Any]):
    """Enterprises, restricted by the user's scope."""

    park_lookup = "park_id"
    enterprise_lookup = "pk"

    def for_scope(self, scope: Scope) -> EnterpriseQuerySet:
        """Region-wide roles see the region; a chain office its chains; a town or park what lies
        in it; an enterprise user only their own enterprise."""
        place = self.in_place(scope)
        if place is not None:
            return place
        # Scope kinds of the apps above (a chain office: the firms on its chains).
        condition = extensions.visible_to(scope)
        if condition is not None:
            return self.in_region(scope.region_prefix).filter(condition)
        return self.none()

    def with_latest_revenue(self) -> EnterpriseQuerySet:
        """Annotate each row with its latest year that has a revenue figure, and that revenue
        (correlated subqueries inside the list's one SQL query: no query per row)."""
        latest = (
            apps.get_model("enterprises", "AnnualFigures")
            .objects.filter(enterprise_id=OuterRef("pk"), operating_revenue__isnull=False)
            .order_by("-year")
        )
        annotated: EnterpriseQuerySet = self.annotate(
            latest_revenue=Subquery(latest.values("operating_revenue")[:1]),
            latest_year=Subquery(latest.values("year")[:1]),
        )
        return annotated

    def operating(self) -> EnterpriseQuerySet:
        """Only operating enterprises."""
        return self.filter(status="operating")


class _ByEnterpriseQuerySet(ScopedQuerySet[Any]):
    """Child rows of an enterprise are visible exactly when the enterprise is."""

    permission_model = "enterprises.enterprise"

    def for_scope(self, scope: Scope) -> Any:
        """Scope through the parent enterprise."""
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.ENTERPRISE:
            return self.filter(enterprise_id=scope.enterprise_id)
        if scope.kind is ScopeKind.NONE:
            return self.none()
        enterprises = apps.get_model("enterprises", "Enterprise").objects.for_scope(scope)
        return self.filter(enterprise__in=enterprises.values("pk"))


class AnnualFiguresQuerySet(_ByEnterpriseQuerySet):
    """Annual figures, scoped through their enterprise."""


class QualificationQuerySet(_ByEnterpriseQuerySet):
    """Qualifications, scoped through their enterprise."""

    def current(self, on: Any = None) -> models.QuerySet[Any]:
        """Qualifications valid on a date (default today)."""
        day = on or timezone.localdate()
        return self.filter(granted_on__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )
