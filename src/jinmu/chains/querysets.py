"""Scoped reads of chains and what hangs off them."""

from __future__ import annotations

from typing import Any

from jinmu.core.querysets import ScopedQuerySet
from jinmu.core.scoping import Scope, ScopeKind

# Towns, parks and enterprises read the chain maps of their region: a map is the county's shared
# picture, and a town must see which gaps its firms could fill. Editing is limited elsewhere.
_READERS = (ScopeKind.REGION, ScopeKind.TOWN, ScopeKind.PARK)


class ChainQuerySet(ScopedQuerySet[Any]):
    """Chains: region-wide roles, towns and parks see all; a chain office sees its own chains."""

    def for_scope(self, scope: Scope) -> ChainQuerySet:
        """Scope chains."""
        if scope.kind is ScopeKind.CHAIN:
            return self.in_region(scope.region_prefix).filter(office_id=scope.unit_id)
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind in (ScopeKind.TOWN, ScopeKind.PARK):
            return self.filter(
                region__code__startswith=scope.region_prefix or scope.region_code[:6]
            )
        return self.none()


class ChainNodeQuerySet(ScopedQuerySet[Any]):
    """Nodes are visible with their chain."""

    permission_model = "chains.chain"

    def for_scope(self, scope: Scope) -> ChainNodeQuerySet:
        """Scope nodes through their chain."""
        from jinmu.chains.models import Chain

        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.NONE or scope.kind is ScopeKind.ENTERPRISE:
            return self.none()
        return self.filter(chain__in=Chain.objects.for_scope(scope).values("pk"))


class ChainChildQuerySet(ChainNodeQuerySet):
    """Rows hanging off a chain or a node (links, partners)."""

    def for_scope(self, scope: Scope) -> ChainChildQuerySet:
        """Scope through the chain."""
        from jinmu.chains.models import Chain

        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.NONE or scope.kind is ScopeKind.ENTERPRISE:
            return self.none()
        chains = Chain.objects.for_scope(scope).values("pk")
        if self.model.__name__ == "EnterpriseNode":
            return self.filter(node__chain__in=chains)
        return self.filter(chain__in=chains)


class BottleneckQuerySet(ChainNodeQuerySet):
    """Bottlenecks, scoped through their node's chain."""

    def for_scope(self, scope: Scope) -> BottleneckQuerySet:
        """Scope through the node's chain."""
        from jinmu.chains.models import Chain

        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.NONE or scope.kind is ScopeKind.ENTERPRISE:
            return self.none()
        return self.filter(node__chain__in=Chain.objects.for_scope(scope).values("pk"))

    def open(self) -> BottleneckQuerySet:
        """Bottlenecks not yet cleared."""
        return self.filter(status="open")


def chains_for_request(request: Any) -> Any:
    """Chains a filter offers the requesting user (django-filter calls it with the request)."""
    from jinmu.chains.models import Chain

    return Chain.objects.for_user(getattr(request, "user", None))


def nodes_for_request(request: Any) -> Any:
    """Nodes a filter offers the requesting user; the label "chain · node" reads the chain, so
    it is joined (and only the label's columns read: a county has hundreds of nodes)."""
    from jinmu.chains.models import ChainNode

    return (
        ChainNode.objects.for_user(getattr(request, "user", None))
        .select_related("chain")
        .only("id", "name", "chain__id", "chain__name")
    )
