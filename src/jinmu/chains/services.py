"""Writes of the chains app: chains, nodes, enterprise links, partners and bottlenecks.

Every function is keyword-only, atomic and audited (through `save_object`/`delete_object` or
`record_change`), refuses a stale version, and checks that the actor may edit chains and that the
chain is in their scope: a chain office changes only its own chains. Child rows take their
region from their parent. Writes that change a node's links refresh its derived statistics
(`jinmu.chains.stats`) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.chains.choices import BottleneckStatus, NodeKind
from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner, EnterpriseNode
from jinmu.chains.queries import linkable_enterprises
from jinmu.chains.stats import refresh_node_stats
from jinmu.core.audit import record_change, snapshot
from jinmu.core.choices import AuditAction, UnitKind
from jinmu.core.models import Region
from jinmu.core.scoping import ScopeKind, can_edit_chains, scope_for
from jinmu.core.services import apply_fields, delete_object, save_object
from jinmu.core.types import User
from jinmu.enterprises.models import Enterprise

M = TypeVar("M", bound=models.Model)
_OnChain = TypeVar("_OnChain", ChainNode, EnterpriseNode, ChainPartner, Bottleneck)

CHAIN_FIELDS = (
    "name",
    "cluster",
    "description",
    "chief",
    "office",
    "weak_share_threshold",
    "sort_order",
)
NODE_FIELDS = (
    "parent",
    "name",
    "segment",
    "kind",
    "facility_type",
    "description",
    "local_demand",
    "sort_order",
)
LINK_FIELDS = ("role", "note")
PARTNER_FIELDS = (
    "kind",
    "name",
    "unit",
    "contact_name",
    "contact_phone",
    "role_description",
)
BOTTLENECK_FIELDS = (
    "title",
    "detail",
    "since",
    "owner_unit",
    "owner_name",
    "status",
    "cleared_on",
)


# --------------------------------------------------------------------------- permission helpers


def require_chain_editor(actor: User, chain: Chain) -> None:
    """Refuse unless the actor may edit chains and the chain is in their scope."""
    if not can_edit_chains(actor):
        raise PermissionDenied(_("You may not change industrial chains."))
    if not Chain.objects.for_user(actor).filter(pk=chain.pk).exists():
        raise PermissionDenied(_("This chain is not one you may change."))


def _require_region_editor(actor: User) -> None:
    """Creating and deleting whole chains is for region-wide editors (the industry office)."""
    if not can_edit_chains(actor) or scope_for(actor).kind is not ScopeKind.REGION:
        raise PermissionDenied(_("Only the industry office may create or delete chains."))


def _locked(model: type[M], pk: Any) -> M:
    """The current row, locked for the rest of the transaction."""
    return model._default_manager.select_for_update().get(pk=pk)


def _editable_row(actor: User, model: type[_OnChain], pk: Any) -> _OnChain:
    """The current row, locked for the rest of the transaction, if the actor may edit the chain
    it lies on (its own, or its node's)."""
    current = _locked(model, pk)
    if isinstance(current, EnterpriseNode | Bottleneck):
        require_chain_editor(actor, current.node.chain)
    else:
        require_chain_editor(actor, current.chain)
    return current


def _delete_with_dependents(
    obj: models.Model, *, actor: User, expected_version: int | None, dependents: list[models.Model]
) -> None:
    """Delete a row whose cascade removes `dependents`, and audit every removed row.

    The dependents come with the related rows their names need (`select_related`), since those
    rows are gone when the audit entries are written.
    """
    before = [(dependent, snapshot(dependent)) for dependent in dependents]
    delete_object(obj, actor=actor, expected_version=expected_version)
    for dependent, state in before:
        record_change(obj=dependent, action=AuditAction.DELETE, actor=actor, before=state)


# --------------------------------------------------------------------------- chains


def _validate_office(office: Any) -> None:
    if office is not None and office.kind != UnitKind.CHAIN_OFFICE:
        raise ValidationError({"office": _("Choose a chain office.")})


@transaction.atomic
def create_chain(*, actor: User, data: Mapping[str, Any], region: Region | None = None) -> Chain:
    """Create a chain in the actor's region (industry office only)."""
    _require_region_editor(actor)
    scope = scope_for(actor)
    region = region or actor.region or (actor.unit.region if actor.unit else None)
    if region is None or not region.code.startswith(scope.region_prefix):
        raise PermissionDenied(_("The chain must lie in your region."))
    _validate_office(data.get("office"))
    chain = apply_fields(Chain(region=region), data, CHAIN_FIELDS)
    return save_object(chain, actor=actor)


@transaction.atomic
def update_chain(
    *, actor: User, chain: Chain, data: Mapping[str, Any], expected_version: int | None = None
) -> Chain:
    """Change a chain's settings; only the industry office hands a chain to another office.

    The chain's region, which decides which firms count as local in the node statistics, is not
    among the editable fields; a write that moves a chain must call `stats.refresh_chain`.
    """
    require_chain_editor(actor, chain)
    current = _locked(Chain, chain.pk)
    if (
        "office" in data
        and scope_for(actor).kind is not ScopeKind.REGION
        and getattr(data["office"], "pk", None) != current.office_id
    ):
        raise ValidationError(
            {"office": _("Only the industry office may hand a chain to another office.")}
        )
    _validate_office(data.get("office"))
    apply_fields(current, data, CHAIN_FIELDS)
    return save_object(current, actor=actor, expected_version=expected_version)


@transaction.atomic
def delete_chain(*, actor: User, chain: Chain, expected_version: int | None = None) -> None:
    """Delete a chain with everything on it (industry office only; every row audited)."""
    _require_region_editor(actor)
    require_chain_editor(actor, chain)
    dependents: list[models.Model] = [
        *Bottleneck.objects.filter(node__chain=chain),
        *EnterpriseNode.objects.filter(node__chain=chain).select_related(
            "node__chain", "enterprise"
        ),
        *ChainPartner.objects.filter(chain=chain),
        *ChainNode.objects.filter(chain=chain).select_related("chain"),
    ]
    _delete_with_dependents(
        chain, actor=actor, expected_version=expected_version, dependents=dependents
    )


# --------------------------------------------------------------------------- nodes


def _descendant_ids(node: ChainNode) -> set[int]:
    """Ids of the node's children, their children and so on (one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in ChainNode.objects.filter(chain_id=node.chain_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    stack = list(children.get(node.pk, []))
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


def _check_parent(node: ChainNode) -> None:
    """The parent is in the same chain and not the node itself or one of its descendants."""
    parent = node.parent
    if parent is None:
        return
    if parent.chain_id != node.chain_id:
        raise ValidationError({"parent": _("The parent node belongs to another chain.")})
    if node.pk is not None and (parent.pk == node.pk or parent.pk in _descendant_ids(node)):
        raise ValidationError(
            {"parent": _("A node cannot sit below itself or one of its own sub-nodes.")}
        )


@transaction.atomic
def create_node(*, actor: User, chain: Chain, data: Mapping[str, Any]) -> ChainNode:
    """Add a node to a chain (its region is the chain's)."""
    require_chain_editor(actor, chain)
    node = apply_fields(ChainNode(chain=chain, region_id=chain.region_id), data, NODE_FIELDS)
    _check_parent(node)
    save_object(node, actor=actor)
    refresh_node_stats([node.pk])  # its row of zeros, so reading it never has to compute
    return node


@transaction.atomic
def update_node(
    *, actor: User, node: ChainNode, data: Mapping[str, Any], expected_version: int | None = None
) -> ChainNode:
    """Change a node; it stays on its chain.

    Its statistics stay as they are: they count the node's own links only, whatever its parent,
    and demand and threshold are applied when the gaps are read.
    """
    current = _editable_row(actor, ChainNode, node.pk)
    apply_fields(current, data, NODE_FIELDS)
    _check_parent(current)
    return save_object(current, actor=actor, expected_version=expected_version)


@transaction.atomic
def delete_node(*, actor: User, node: ChainNode, expected_version: int | None = None) -> None:
    """Delete a node with its sub-nodes, links and bottlenecks (every row audited)."""
    current = _editable_row(actor, ChainNode, node.pk)
    below = _descendant_ids(current)
    affected = {current.pk, *below}
    dependents: list[models.Model] = [
        *Bottleneck.objects.filter(node_id__in=affected),
        *EnterpriseNode.objects.filter(node_id__in=affected).select_related(
            "node__chain", "enterprise"
        ),
        *ChainNode.objects.filter(pk__in=below).select_related("chain"),
    ]
    _delete_with_dependents(
        current, actor=actor, expected_version=expected_version, dependents=dependents
    )


# --------------------------------------------------------------------------- enterprise links


@transaction.atomic
def link_enterprise(
    *,
    actor: User,
    node: ChainNode,
    enterprise: Enterprise,
    role: str,
    note: str = "",
) -> EnterpriseNode:
    """Put an enterprise on a node in a role (链主, backbone, supporting)."""
    require_chain_editor(actor, node.chain)
    if node.kind == NodeKind.GROUP:
        raise ValidationError(
            {"node": _("A group node only structures the chain: link firms to its sub-nodes.")}
        )
    if not linkable_enterprises(actor).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("This enterprise is not in your area.")})
    link = EnterpriseNode(
        node=node, enterprise=enterprise, role=role, note=note, region_id=node.region_id
    )
    save_object(link, actor=actor)
    refresh_node_stats([node.pk])
    return link


@transaction.atomic
def update_link(
    *,
    actor: User,
    link: EnterpriseNode,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> EnterpriseNode:
    """Change an enterprise's role or note on a node."""
    current = _editable_row(actor, EnterpriseNode, link.pk)
    apply_fields(current, data, LINK_FIELDS)
    save_object(current, actor=actor, expected_version=expected_version)
    refresh_node_stats([current.node_id])
    return current


@transaction.atomic
def unlink_enterprise(
    *, actor: User, link: EnterpriseNode, expected_version: int | None = None
) -> None:
    """Take an enterprise off a node."""
    current = _editable_row(actor, EnterpriseNode, link.pk)
    delete_object(current, actor=actor, expected_version=expected_version)
    refresh_node_stats([current.node_id])


# --------------------------------------------------------------------------- partners


@transaction.atomic
def create_partner(*, actor: User, chain: Chain, data: Mapping[str, Any]) -> ChainPartner:
    """Add a member of the chain's 政产学研金服用 community."""
    require_chain_editor(actor, chain)
    partner = ChainPartner(chain=chain, region_id=chain.region_id)
    apply_fields(partner, data, PARTNER_FIELDS)
    return save_object(partner, actor=actor)


@transaction.atomic
def update_partner(
    *,
    actor: User,
    partner: ChainPartner,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> ChainPartner:
    """Change a partner."""
    current = _editable_row(actor, ChainPartner, partner.pk)
    apply_fields(current, data, PARTNER_FIELDS)
    return save_object(current, actor=actor, expected_version=expected_version)


@transaction.atomic
def delete_partner(
    *, actor: User, partner: ChainPartner, expected_version: int | None = None
) -> None:
    """Remove a partner."""
    current = _editable_row(actor, ChainPartner, partner.pk)
    delete_object(current, actor=actor, expected_version=expected_version)


# --------------------------------------------------------------------------- bottlenecks


@transaction.atomic
def create_bottleneck(*, actor: User, node: ChainNode, data: Mapping[str, Any]) -> Bottleneck:
    """Record a bottleneck (堵点) on a node."""
    require_chain_editor(actor, node.chain)
    bottleneck = Bottleneck(node=node, region_id=node.region_id)
    apply_fields(bottleneck, data, BOTTLENECK_FIELDS)
    return save_object(bottleneck, actor=actor)


@transaction.atomic
def update_bottleneck(
    *,
    actor: User,
    bottleneck: Bottleneck,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Bottleneck:
    """Change a bottleneck (reopening one clears its clearing date)."""
    current = _editable_row(actor, Bottleneck, bottleneck.pk)
    apply_fields(current, data, BOTTLENECK_FIELDS)
    if current.status == BottleneckStatus.OPEN:
        current.cleared_on = None
    return save_object(current, actor=actor, expected_version=expected_version)


@transaction.atomic
def clear_bottleneck(
    *,
    actor: User,
    bottleneck: Bottleneck,
    cleared_on: Any = None,
    expected_version: int | None = None,
) -> Bottleneck:
    """Record a bottleneck as cleared (today unless a date is given)."""
    current = _editable_row(actor, Bottleneck, bottleneck.pk)
    if current.status == BottleneckStatus.CLEARED:
        raise ValidationError(_("This bottleneck is already cleared."), code="cleared")
    current.status = BottleneckStatus.CLEARED
    current.cleared_on = cleared_on or timezone.localdate()
    return save_object(current, actor=actor, expected_version=expected_version)


@transaction.atomic
def delete_bottleneck(
    *, actor: User, bottleneck: Bottleneck, expected_version: int | None = None
) -> None:
    """Remove a bottleneck recorded by mistake (clear it instead when it was real)."""
    current = _editable_row(actor, Bottleneck, bottleneck.pk)
    delete_object(current, actor=actor, expected_version=expected_version)
