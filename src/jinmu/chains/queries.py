"""Read aggregates of the chains app: the chain's lists, chain summaries, the node page, the chain
office's home and the county home.

Every function takes the user (and scopes through `for_user`) or an already scoped object, and
runs a fixed number of queries whatever the number of chains, nodes or enterprises. The gap
analysis lives in `jinmu.chains.gaps` and the chain map in `jinmu.chains.chain_map`; both are
re-exported here, where the pages and tests read them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Case, CharField, Count, Max, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from jinmu.chains.chain_map import chain_map, output_colour, symbol_size
from jinmu.chains.choices import ChainRole, PartnerKind
from jinmu.chains.gaps import (
    GAP_FLAGS,
    STATE_BADGES,
    STATE_COLOURS,
    STATE_ORDER,
    GapRow,
    NodeGap,
    gap_counts,
    gap_list,
    gaps_for_chains,
    latest_of,
    node_gaps,
)
from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner, EnterpriseNode
from jinmu.chains.stats import latest_output
from jinmu.core.models import AuditLog, Region, Unit
from jinmu.core.scoping import Scope, ScopeKind, scope_for
from jinmu.core.types import User
from jinmu.enterprises.choices import EnterpriseScale, EnterpriseStatus
from jinmu.enterprises.models import EXPIRY_WARNING_DAYS, Enterprise, Qualification

__all__ = [
    "GAP_FLAGS",
    "STATE_BADGES",
    "STATE_COLOURS",
    "STATE_ORDER",
    "GapRow",
    "NodeGap",
    "chain_map",
    "gap_counts",
    "gap_list",
    "gaps_for_chains",
    "node_gaps",
    "output_colour",
    "symbol_size",
]

T = TypeVar("T")

RECENT_CHANGES = 15


def region_prefix(code: str) -> str:
    """Code prefix of a region and everything inside it (as `Region.scope_prefix`, no query)."""
    return Region(code=code).scope_prefix


# --------------------------------------------------------------------------- the chain's lists


# Enterprise lists on chain and node pages show this many rows, then link to the filtered
# enterprise register: a big chain has thousands of backbone and supporting firms.
LIST_LIMIT = 50
# The chain page is an overview: its 链主 and backbone lists show fewer rows.
CHAIN_LIST_LIMIT = 20
# Those lists are cached under the chain's generation; the timeout only bounds what no service
# announces (rows changed by hand in the database).
LISTS_CACHE_SECONDS = 600


@dataclass
class Listing(Generic[T]):
    """Rows of a list with the time its data last changed (so stale maps show as stale)."""

    rows: list[T]
    last_updated: dt.datetime | None
    total: int | None = None

    @property
    def is_truncated(self) -> bool:
        """True when more rows exist than are shown."""
        return self.total is not None and self.total > len(self.rows)


@dataclass
class ChainEnterpriseRow:
    """An enterprise on a chain in a role, with the nodes it serves in that role."""

    enterprise: Enterprise
    role: str
    nodes: list[ChainNode]
    last_updated: dt.datetime | None

    @property
    def role_label(self) -> str:
        """Translated role."""
        return str(ChainRole(self.role).label)


@dataclass
class ChainLists:
    """The lists of a chain's page: 链主, backbone firms, gaps and partners."""

    leaders: Listing[ChainEnterpriseRow]
    backbone: Listing[ChainEnterpriseRow]
    gaps: Listing[NodeGap]
    partners: Listing[ChainPartner]
    # True when the enterprise lists were cut to the user's own area (towns and parks).
    is_partial: bool = False


def _enterprise_rows(links: Iterable[EnterpriseNode]) -> dict[str, list[ChainEnterpriseRow]]:
    """Group role links by (role, enterprise), keeping each enterprise's nodes."""
    rows: dict[tuple[str, int], ChainEnterpriseRow] = {}
    for link in links:
        key = (link.role, link.enterprise_id)
        stamp = latest_of(link.updated_at, link.enterprise.updated_at)
        if key not in rows:
            rows[key] = ChainEnterpriseRow(
                enterprise=link.enterprise, role=link.role, nodes=[], last_updated=stamp
            )
        row = rows[key]
        row.nodes.append(link.node)
        row.last_updated = latest_of(row.last_updated, stamp)
    grouped: dict[str, list[ChainEnterpriseRow]] = defaultdict(list)
    for row in sorted(rows.values(), key=lambda r: (r.enterprise.name_pinyin, r.enterprise.pk)):
        grouped[row.role].append(row)
    return grouped


def _listing(rows: list[T], stamps: Iterable[dt.datetime | None]) -> Listing[T]:
    return Listing(rows=rows, last_updated=latest_of(*stamps))


def _lists_token(chain: Chain, gaps: Sequence[NodeGap], scope: Scope | None) -> str:
    """A cache key of the chain's enterprise lists that changes with their inputs (no query).

    Every write that changes a link, or an enterprise's name, place, status or figures, goes
    through the services, which refresh or bump the nodes' `NodeStats` (decision 0003): their
    stamps, read with the gaps, with the nodes' own (a renamed node), are the chain's
    generation. Writes past the services are bounded by the timeout.
    """
    stamps = sorted(
        (gap.node.pk, gap.node.version, gap.node.updated_at, gap.stats_stamps) for gap in gaps
    )
    digest = hashlib.sha256(repr(stamps).encode()).hexdigest()[:32]
    where = (
        "all"
        if scope is None
        else f"{scope.kind.value}:{scope.region_prefix}:{scope.region_code}:{scope.unit_id}"
    )
    return f"chains:enterprise-lists:{chain.pk}:{where}:{digest}"


def _role_summary(links: QuerySet[EnterpriseNode]) -> tuple[list[int], int, dt.datetime | None]:
    """The first CHAIN_LIST_LIMIT enterprise ids (by pinyin) of the links, how many enterprises
    they hold, and the last change of any of them (two queries over every link)."""
    # Start from the role's links (an index range per node) rather than from the enterprise
    # table, which would walk every firm of the region in pinyin order to find a handful.
    first = list(
        links.order_by("enterprise__name_pinyin", "enterprise_id")
        .values_list("enterprise_id", flat=True)
        .distinct()[:CHAIN_LIST_LIMIT]
    )
    summary = links.aggregate(
        total=Count("enterprise_id", distinct=True),
        links_updated=Max("updated_at"),
        enterprises_updated=Max("enterprise__updated_at"),
    )
    stamp = latest_of(summary["links_updated"], summary["enterprises_updated"])
    return first, summary["total"], stamp


# What the enterprise lists of a chain page show of each link: the firm's name, the node's name
# and (on the chain office's home) its chain, and when either last changed.
_ROW_FIELDS = (
    "role",
    "updated_at",
    "enterprise__name",
    "enterprise__name_pinyin",
    "enterprise__updated_at",
    "node__name",
    "node__chain_id",
)


def _role_listings(
    roles: Sequence[str], links: Callable[[str], QuerySet[EnterpriseNode]], token: str
) -> dict[str, Listing[ChainEnterpriseRow]]:
    """Per role, the first CHAIN_LIST_LIMIT enterprises (by pinyin) of its `links(role)` with
    their nodes, the total and the last change over all of them, cached under the chain's
    generation (`token`, see `_lists_token`): no query when nothing changed, and no queryset
    built either (building the scoped querysets cost a cached page half a millisecond)."""
    keys = {role: f"{token}:{role}" for role in roles}
    cached = cache.get_many(list(keys.values()))
    listings = {role: cached[key] for role, key in keys.items() if key in cached}
    missing = [role for role in roles if role not in listings]
    if missing:
        fresh = _read_listings({role: links(role) for role in missing})
        cache.set_many({keys[role]: fresh[role] for role in missing}, LISTS_CACHE_SECONDS)
        listings.update(fresh)
    return {role: listings[role] for role in roles}


def _read_listings(
    links: dict[str, QuerySet[EnterpriseNode]],
) -> dict[str, Listing[ChainEnterpriseRow]]:
    """The listings of `_role_listings`, from the database (every role's rows in one query)."""
    summaries = {role: _role_summary(role_links) for role, role_links in links.items()}
    shown: QuerySet[EnterpriseNode] | None = None
    for role, (first, _total, _updated) in summaries.items():
        part = links[role].filter(enterprise_id__in=first)
        shown = part if shown is None else shown | part
    assert shown is not None, "_read_listings needs at least one role"
    # Each firm's nodes in the chain's order (the links' default ordering would join the
    # chain for the same order: every node here is on one chain).
    grouped = _enterprise_rows(
        shown.select_related("enterprise", "node")
        .only(*_ROW_FIELDS)
        .order_by("node__segment", "node__sort_order", "node__name")
    )
    return {
        role: Listing(rows=grouped.get(role, []), last_updated=updated, total=total)
        for role, (_first, total, updated) in summaries.items()
    }


def _partial_scope(user: User) -> bool:
    """Users who see chains but only part of the enterprises on them."""
    return scope_for(user).kind in (ScopeKind.TOWN, ScopeKind.PARK)


def chain_lists(
    chain: Chain, *, user: User | None = None, gaps: Sequence[NodeGap] | None = None
) -> ChainLists:
    """链主, backbone firms, gaps and partners of a chain, each with its last-updated time.

    With `user`, enterprises are limited to those the user may see (a town sees its own firms).
    """
    gaps = node_gaps(chain) if gaps is None else gaps
    is_partial = user is not None and _partial_scope(user)
    token = _lists_token(chain, gaps, scope_for(user) if is_partial and user is not None else None)

    def links(role: str) -> QuerySet[EnterpriseNode]:
        on_chain = EnterpriseNode.objects.filter(node__chain=chain, role=role)
        if is_partial:
            visible = Enterprise.objects.for_user(user).values("pk")
            on_chain = on_chain.filter(enterprise__in=visible)
        return on_chain

    role_lists = _role_listings((ChainRole.LEADER, ChainRole.BACKBONE), links, token)
    gap_rows = [gap for gap in gaps if gap.is_gap]
    partner_order = {kind: i for i, kind in enumerate(PartnerKind.values)}
    # Sorted here (by kind's order, then name): the model's ordering would join the chain.
    partners = sorted(
        ChainPartner.objects.filter(chain=chain).order_by(),
        key=lambda p: (partner_order.get(p.kind, 99), p.name),
    )
    return ChainLists(
        leaders=role_lists[ChainRole.LEADER],
        backbone=role_lists[ChainRole.BACKBONE],
        # Gaps change with any node, link or bottleneck, so the whole chain's stamps count.
        gaps=_listing(gap_rows, (gap.last_updated for gap in gaps)),
        partners=_listing(partners, (p.updated_at for p in partners)),
        is_partial=is_partial,
    )


# --------------------------------------------------------------------------- chain summaries


@dataclass
class ChainSummary:
    """A chain with its gap counts, for lists and home pages."""

    chain: Chain
    gaps: list[NodeGap]

    @property
    def counts(self) -> dict[str, int]:
        """Nodes per flag (missing, blocked, weak) and covered/group nodes."""
        return gap_counts(self.gaps)

    @property
    def node_count(self) -> int:
        """Nodes that stand for a link of the chain (group nodes excluded)."""
        return sum(1 for gap in self.gaps if not gap.is_group)

    @property
    def gap_count(self) -> int:
        """Nodes with at least one gap flag."""
        return sum(1 for gap in self.gaps if gap.is_gap)

    @property
    def open_bottleneck_count(self) -> int:
        """Open bottlenecks on the chain."""
        return sum(len(gap.open_bottlenecks) for gap in self.gaps)

    @property
    def last_updated(self) -> dt.datetime | None:
        """When the chain or anything on it last changed."""
        return latest_of(self.chain.updated_at, *(gap.last_updated for gap in self.gaps))


def chain_summaries(user: User) -> list[ChainSummary]:
    """Every chain in the user's scope with its gap analysis (four queries)."""
    chains = list(Chain.objects.for_user(user).select_related("office", "chief"))
    gaps = gaps_for_chains(chains)
    return [ChainSummary(chain=chain, gaps=gaps[chain.pk]) for chain in chains]


# --------------------------------------------------------------------------- node page


@dataclass
class NodeEnterpriseRow:
    """An enterprise on a node, as shown on the node page."""

    link: EnterpriseNode
    latest_output: Decimal | None
    is_local: bool

    @property
    def enterprise(self) -> Enterprise:
        """The linked enterprise."""
        return self.link.enterprise

    @property
    def counts_for_coverage(self) -> bool:
        """Operating and local: it keeps the node from being a 断点."""
        return self.is_local and self.enterprise.status == EnterpriseStatus.OPERATING


def node_enterprises(
    user: User, node: ChainNode, *, limit: int | None = None
) -> Listing[NodeEnterpriseRow]:
    """The node's first `limit` enterprises the user may see (leaders, then backbone, then
    supporting; by pinyin), with latest output and the total (two queries)."""
    prefix = region_prefix(node.chain.region_id)
    visible = EnterpriseNode.objects.filter(
        node=node, enterprise__in=Enterprise.objects.for_user(user).values("pk")
    )
    role_rank = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate(ChainRole.values)),
        default=Value(99),
    )
    links = (
        visible.select_related("enterprise", "enterprise__park")
        .annotate(latest_output=latest_output(), role_rank=role_rank)
        .order_by("role_rank", "enterprise__name_pinyin", "pk")[: limit or LIST_LIMIT]
    )
    rows = [
        NodeEnterpriseRow(
            link=link,
            latest_output=link.latest_output,
            is_local=link.enterprise.region_id.startswith(prefix),
        )
        for link in links
    ]
    summary = visible.aggregate(total=Count("pk"), updated=Max("updated_at"))
    return Listing(rows=rows, last_updated=summary["updated"], total=summary["total"])


def node_bottlenecks(node: ChainNode) -> list[Bottleneck]:
    """The node's bottlenecks for its page: open ones first, the latest first."""
    return list(
        Bottleneck.objects.filter(node=node)
        .select_related("owner_unit")
        .order_by("status", "-since", "-pk")
    )


def linkable_enterprises(user: User) -> QuerySet[Enterprise]:
    """Enterprises an editor may put on a node of a chain in scope.

    A chain office sees only the firms already on its chains, yet must be able to add new ones:
    editors may link any enterprise of their region.
    """
    scope = scope_for(user)
    enterprises: QuerySet[Enterprise] = (
        Enterprise.objects.in_region(scope.region_prefix)
        if scope.kind is ScopeKind.CHAIN
        else Enterprise.objects.for_user(user)
    )
    return enterprises


# --------------------------------------------------------------------------- chain-office home


@dataclass
class OfficeHome:
    """The chain office's home: its chains and gaps, open bottlenecks, 链主, recent changes."""

    office: Unit | None
    summaries: list[ChainSummary]
    open_bottlenecks: list[Bottleneck]
    leaders: list[ChainEnterpriseRow]
    leaders_updated: dt.datetime | None
    recent_changes: list[AuditLog]

    @property
    def totals(self) -> dict[str, int]:
        """Gap counts over all the office's chains."""
        return gap_counts(gap for summary in self.summaries for gap in summary.gaps)


def _recent_changes(chain_ids: list[int], node_ids: list[int]) -> list[AuditLog]:
    """Latest audit entries of the chains and of every row on them (one query).

    Rows deleted since are no longer on a chain, so their entries show only in the audit log.
    """
    if not chain_ids:
        return []
    types = ContentType.objects.get_for_models(
        Chain, ChainNode, EnterpriseNode, ChainPartner, Bottleneck
    )

    def ids_of(queryset: QuerySet[Any]) -> Any:
        return queryset.annotate(key=Cast("pk", output_field=CharField())).values("key")

    condition = (
        Q(content_type=types[Chain], object_id__in=[str(pk) for pk in chain_ids])
        | Q(content_type=types[ChainNode], object_id__in=[str(pk) for pk in node_ids])
        | Q(
            content_type=types[EnterpriseNode],
            object_id__in=ids_of(EnterpriseNode.objects.filter(node__chain_id__in=chain_ids)),
        )
        | Q(
            content_type=types[ChainPartner],
            object_id__in=ids_of(ChainPartner.objects.filter(chain_id__in=chain_ids)),
        )
        | Q(
            content_type=types[Bottleneck],
            object_id__in=ids_of(Bottleneck.objects.filter(node__chain_id__in=chain_ids)),
        )
    )
    return list(
        AuditLog.objects.filter(condition)
        .select_related("content_type")
        .order_by("-time", "-id")[:RECENT_CHANGES]
    )


def office_home(user: User) -> OfficeHome:
    """What a chain office starts its day with (a fixed number of queries)."""
    summaries = chain_summaries(user)
    chain_ids = [summary.chain.pk for summary in summaries]
    node_ids = [gap.node.pk for summary in summaries for gap in summary.gaps]
    chain_by_id = {summary.chain.pk: summary.chain for summary in summaries}
    node_by_id = {gap.node.pk: gap.node for summary in summaries for gap in summary.gaps}
    open_bottlenecks = sorted(
        (b for summary in summaries for gap in summary.gaps for b in gap.open_bottlenecks),
        key=lambda b: (b.since, b.pk),
    )
    for bottleneck in open_bottlenecks:
        bottleneck.node = node_by_id[bottleneck.node_id]
    leader_links = list(
        EnterpriseNode.objects.filter(node__chain_id__in=chain_ids, role=ChainRole.LEADER)
        .select_related("enterprise", "node")
        .order_by()
    )
    for link in leader_links:
        link.node.chain = chain_by_id[link.node.chain_id]
    leaders = _enterprise_rows(leader_links).get(ChainRole.LEADER, [])
    unit = getattr(user, "unit", None)
    return OfficeHome(
        office=unit,
        summaries=summaries,
        open_bottlenecks=open_bottlenecks,
        leaders=leaders,
        leaders_updated=latest_of(*(row.last_updated for row in leaders)),
        recent_changes=_recent_changes(chain_ids, node_ids),
    )


# --------------------------------------------------------------------------- county home


@dataclass
class RegionOverview:
    """The numbers on the county home page, within the user's scope."""

    enterprise_count: int
    above_size_count: int
    chain_count: int
    node_count: int
    gap_counts: dict[str, int]
    open_bottleneck_count: int
    expiring_qualification_count: int
    # Nodes with at least one gap flag (a node can carry several).
    gap_node_count: int = 0
    expiry_days: int = EXPIRY_WARNING_DAYS


def region_overview(user: User) -> RegionOverview:
    """Counts for the county home: enterprises, 规上, chains, nodes, gaps, bottlenecks, expiring
    qualifications — six queries whatever the size of the county."""
    operating = Q(status=EnterpriseStatus.OPERATING)
    enterprise_numbers = Enterprise.objects.for_user(user).aggregate(
        total=Count("pk", filter=operating),
        above=Count("pk", filter=operating & Q(scale=EnterpriseScale.ABOVE)),
    )
    summaries = chain_summaries(user)
    all_gaps = [gap for summary in summaries for gap in summary.gaps]
    today = timezone.localdate()
    expiring = (
        Qualification.objects.for_user(user)
        .filter(
            valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
        )
        .count()
    )
    return RegionOverview(
        enterprise_count=enterprise_numbers["total"] or 0,
        above_size_count=enterprise_numbers["above"] or 0,
        chain_count=len(summaries),
        node_count=sum(summary.node_count for summary in summaries),
        gap_counts=gap_counts(all_gaps),
        open_bottleneck_count=sum(len(gap.open_bottlenecks) for gap in all_gaps),
        expiring_qualification_count=expiring,
        gap_node_count=sum(1 for gap in all_gaps if gap.is_gap),
    )
