"""What the chains app adds to the enterprise register, through the register's extension points
(`jinmu.enterprises.extensions`, `EnterpriseFilterSet.add_filters`); `ChainsConfig.ready()`
installs it.

- Filters of the enterprise list, API and export: chain, chain node, and chain role (the
  options of the first two kept between requests, `jinmu.enterprises.options`).
- A chain office sees the enterprises on its chains.
- Links follow an enterprise moved to another region (their region is what scopes them).
- Node statistics follow enterprise writes (`jinmu.chains.stats`): a change of status, place
  or figures re-aggregates the enterprise's nodes; any other edit only moves their
  last-updated time.
- The enterprise's page lists the chain nodes it is on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from typing import Any, cast

import django_filters
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from jinmu.chains import stats
from jinmu.chains.choices import ChainRole
from jinmu.chains.models import Chain, ChainNode, EnterpriseNode
from jinmu.chains.querysets import chains_for_request, nodes_for_request
from jinmu.core.permissions import has_action
from jinmu.core.scoping import Scope, ScopeKind, scope_for
from jinmu.core.types import AuthedRequest
from jinmu.enterprises.extensions import EnterpriseExtension, Panel, register
from jinmu.enterprises.filtersets import EnterpriseFilterSet
from jinmu.enterprises.models import Enterprise
from jinmu.enterprises.options import ScopedOptionsFilter


def _on_nodes(queryset: QuerySet[Any], **link: Any) -> QuerySet[Any]:
    """Enterprises with a chain link matching `link`."""
    links = EnterpriseNode.objects.filter(enterprise_id=OuterRef("pk"), **link)
    return queryset.filter(Exists(links))


def _visible_key(model: type[Model]) -> Callable[[Any], Hashable]:
    """What the rows of `model` a request's user sees depend on (`for_user`): whether a role
    lets them see such rows at all, and their scope."""
    permission: str = cast(Any, model._default_manager).permission_for("view")

    def key(request: Any) -> Hashable:
        user = getattr(request, "user", None)
        return (has_action(user, permission), scope_for(user))

    return key


@extend_schema_field(OpenApiTypes.INT)
class ChainFilter(ScopedOptionsFilter):
    """Enterprises on any node of the chain."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        """Filter by the chosen chain."""
        return qs if value is None else _on_nodes(qs, node__chain=value)


@extend_schema_field(OpenApiTypes.INT)
class NodeFilter(ScopedOptionsFilter):
    """Enterprises on the node."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        """Filter by the chosen node."""
        return qs if value is None else _on_nodes(qs, node=value)


class RoleFilter(django_filters.ChoiceFilter):  # type: ignore[misc]
    """Enterprises in this role on some node (of the chosen chain, if one is chosen)."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        """Filter by role, within the chain the same filter set chose."""
        if value in EMPTY_VALUES:
            return qs
        chain = self.parent.form.cleaned_data.get("chain")
        if chain is None:
            return _on_nodes(qs, role=value)
        return _on_nodes(qs, role=value, node__chain=chain)


# A node's label, "chain · node", as ChainNode.__str__.
NODE_LABEL_FIELDS = ("chain__name", "name")


def chain_filters() -> dict[str, django_filters.Filter]:
    """The chain and node filters, shown after the park."""
    return {
        "chain": ChainFilter(
            label=_("Chain"),
            queryset=chains_for_request,
            options_key=_visible_key(Chain),
            models=("chains.chain",),
        ),
        "node": NodeFilter(
            label=_("Chain node"),
            queryset=nodes_for_request,
            label_fields=NODE_LABEL_FIELDS,
            options_key=_visible_key(ChainNode),
            models=("chains.chain", "chains.chainnode"),  # "chain · node", in the chains' order
        ),
    }


class ChainsOnEnterprises(EnterpriseExtension):
    """The chains app's part of the enterprise register."""

    name = "chains"

    def visible_to(self, scope: Scope) -> Q | None:
        """A chain office sees the enterprises on its chains."""
        if scope.kind is not ScopeKind.CHAIN:
            return None
        on_chain = EnterpriseNode.objects.filter(
            enterprise_id=OuterRef("pk"), node__chain__office_id=scope.unit_id
        )
        return Q(Exists(on_chain))

    def moved(self, region_id: str, enterprise_ids: list[int]) -> None:
        """Links carry their enterprise's region."""
        EnterpriseNode.objects.filter(enterprise_id__in=enterprise_ids).update(region_id=region_id)

    def changed(
        self,
        enterprise_ids: Iterable[int],
        *,
        counts_changed: bool,
        updated_at: dt.datetime | None = None,
    ) -> None:
        """Re-aggregate the enterprises' nodes, or only move their last-updated time."""
        if counts_changed:
            stats.refresh_for_enterprises(enterprise_ids)
        elif updated_at is not None:
            stats.bump_enterprises_updated(enterprise_ids, updated_at)

    def panels(self, request: AuthedRequest, enterprise: Enterprise, scope: Scope) -> list[Panel]:
        """The chain nodes the enterprise is on."""
        if scope.kind is ScopeKind.ENTERPRISE:
            # Its own chain links are part of an enterprise's profile.
            links = EnterpriseNode.objects.filter(enterprise=enterprise)
        else:
            links = EnterpriseNode.objects.for_user(request.user).filter(enterprise=enterprise)
        # By chain name, then in the nodes' own order (chain, segment, position, name), spelled
        # out; and only what the card shows of each link.
        rows = list(
            links.select_related("node__chain")
            .only("role", "node__name", "node__chain__name")
            .order_by(
                "node__chain__name",
                "node__chain__sort_order",
                "node__chain__name",
                "node__segment",
                "node__sort_order",
                "node__name",
            )
        )
        return [Panel("chains/_enterprise_links.html", {"links": rows})]


def install() -> None:
    """Fill the register's extension points (called once, from `ChainsConfig.ready()`)."""
    EnterpriseFilterSet.add_filters(chain_filters(), after="park")
    EnterpriseFilterSet.add_filters(
        {"role": RoleFilter(label=_("Chain role"), choices=ChainRole.choices)}
    )
    register(ChainsOnEnterprises())
