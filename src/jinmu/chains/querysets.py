"""Scoped reads of chains and what hangs off them."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from jinmu.core.querysets import ScopedQuerySet
from jinmu.core.regions import county_code
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
                region__code__startswith=scope.region_prefix or county_code(scope.region_code)
            )
        return self.none()


class ChainNodeQuerySet(ScopedQuerySet[Any]):
    """Nodes, and what hangs off a chain or a node, are visible with their chain."""

    permission_model = "chains.chain"

    def _chain_path(self) -> str:
        """The lookup from a row to its chain: its own `chain`, or its node's."""
        names = {field.name for field in self.model._meta.get_fields()}
        return "chain" if "chain" in names else "node__chain"

    def for_scope(self, scope: Scope) -> Any:
        """Scope through the chain."""
        if scope.kind is ScopeKind.REGION:
            return self.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.NONE or scope.kind is ScopeKind.ENTERPRISE:
            return self.none()
        chains = apps.get_model("chains", "Chain").objects.for_scope(scope).values("pk")
        return self.filter(**{f"{self._chain_path()}__in": chains})


class ChainChildQuerySet(ChainNodeQuerySet):
    """Rows hanging off a chain or a node (links, partners), scoped through the chain."""


class BottleneckQuerySet(ChainNodeQuerySet):
    """Bottlenecks, scoped through their node's chain."""

    def open(self) -> BottleneckQuerySet:
        """Bottlenecks not yet cleared."""
        return self.filter(status="open")


def chains_for_request(request: Any) -> Any:
    """Chains a filter offers the requesting user (django-filter calls it with the request)."""
    return apps.get_model("chains", "Chain").objects.for_user(getattr(request, "user", None))


def nodes_for_request(request: Any) -> Any:
    """Nodes a filter offers the requesting user; the label "chain · node" reads the chain, so
    it is joined (and only the label's columns read: a county has hundreds of nodes)."""
    return (
        apps.get_model("chains", "ChainNode")
        .objects.for_user(getattr(request, "user", None))
        .select_related("chain")
        .only("id", "name", "chain__id", "chain__name")
    )
