"""Scoped reads of enterprises, figures and qualifications."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Subquery

from jinmu.core.querysets import ScopedQuerySet
from jinmu.core.scoping import Scope, ScopeKind


class EnterpriseQuerySet(ScopedQuerySet[Any]):
    """Enterprises, restricted by the user's scope."""

    def for_scope(self, scope: Scope) -> EnterpriseQuerySet:
        """Region-wide roles see the region; a chain office its chains; a town or park what lies
        in it; an enterprise user only their own enterprise."""
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.TOWN:
            return self.filter(region_id=scope.region_code)
        if scope.kind is ScopeKind.PARK:
            return self.filter(park_id=scope.unit_id)
        if scope.kind is ScopeKind.ENTERPRISE:
            return self.filter(pk=scope.enterprise_id)
        if scope.kind is ScopeKind.CHAIN:
            from jinmu.chains.models import EnterpriseNode

            on_chain = EnterpriseNode.objects.filter(
                enterprise_id=OuterRef("pk"), node__chain__office_id=scope.unit_id
            )
            return self.in_region(scope.region_prefix).filter(Exists(on_chain))
        return self.none()

    def with_latest_revenue(self) -> EnterpriseQuerySet:
        """Annotate each row with its latest year that has a revenue figure, and that revenue
        (correlated subqueries inside the list's one SQL query: no query per row)."""
        from jinmu.enterprises.models import AnnualFigures

        latest = AnnualFigures.objects.filter(
            enterprise_id=OuterRef("pk"), operating_revenue__isnull=False
        ).order_by("-year")
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
        from jinmu.enterprises.models import Enterprise

        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.ENTERPRISE:
            return self.filter(enterprise_id=scope.enterprise_id)
        if scope.kind is ScopeKind.NONE:
            return self.none()
        return self.filter(enterprise__in=Enterprise.objects.for_scope(scope).values("pk"))


class AnnualFiguresQuerySet(_ByEnterpriseQuerySet):
    """Annual figures, scoped through their enterprise."""


class QualificationQuerySet(_ByEnterpriseQuerySet):
    """Qualifications, scoped through their enterprise."""

    def current(self, on: Any = None) -> models.QuerySet[Any]:
        """Qualifications valid on a date (default today)."""
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(granted_on__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )
