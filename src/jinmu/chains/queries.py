"""Read aggregates of the chains app: gap analysis, the chain map, the chain's lists, home pages.

Every function takes the user (and scopes through `for_user`) or an already scoped object, and
runs a fixed number of queries whatever the number of chains, nodes or enterprises.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.chains.choices import (
    BottleneckStatus,
    ChainRole,
    GapState,
    NodeKind,
    PartnerKind,
    Segment,
)
from jinmu.chains.models import (
    Bottleneck,
    Chain,
    ChainNode,
    ChainPartner,
    EnterpriseNode,
    NodeStats,
)
from jinmu.chains.stats import compute_node_stats, latest_output
from jinmu.core.models import AuditLog, Region, Unit
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.enterprises.choices import EnterpriseScale, EnterpriseStatus
from jinmu.enterprises.models import (
    EXPIRY_WARNING_DAYS,
    Enterprise,
    Qualification,
)

T = TypeVar("T")

TEN_THOUSAND = Decimal(10_000)

# Colours of the gap states on the map and in badges (Tabler's palette, so pages match).
STATE_COLOURS: dict[str, str] = {
    GapState.MISSING: "#d63939",
    GapState.BLOCKED: "#f76707",
    GapState.WEAK: "#f59f00",
    GapState.COVERED: "#2fb344",
    GapState.GROUP: "#9ba3af",
}
# Badge classes of the same states (Tabler).
STATE_BADGES: dict[str, str] = {
    GapState.MISSING: "bg-red-lt",
    GapState.BLOCKED: "bg-orange-lt",
    GapState.WEAK: "bg-yellow-lt",
    GapState.COVERED: "bg-green-lt",
    GapState.GROUP: "bg-secondary-lt",
}
# Severity order: the single state of a node is the first of its flags in this order.
STATE_ORDER: tuple[str, ...] = (
    GapState.MISSING,
    GapState.BLOCKED,
    GapState.WEAK,
    GapState.COVERED,
    GapState.GROUP,
)
# The flags a node can carry at once (a gap is a node with at least one).
GAP_FLAGS: tuple[str, ...] = (GapState.MISSING, GapState.BLOCKED, GapState.WEAK)
SEGMENT_ORDER: tuple[str, ...] = tuple(Segment.values)
ROOT_COLOUR = "#206bc4"
SEGMENT_COLOUR = "#4299e1"
RECENT_CHANGES = 15


def region_prefix(code: str) -> str:
    """Code prefix of a region and everything inside it (as `Region.scope_prefix`, no query)."""
    return Region(code=code).scope_prefix


def _later(*stamps: dt.datetime | None) -> dt.datetime | None:
    """The latest of some optional timestamps."""
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


# --------------------------------------------------------------------------- gap analysis


@dataclass
class NodeGap:
    """The gap analysis of one node: who serves it, how much of the demand, what blocks it."""

    node: ChainNode
    threshold: Decimal
    depth: int = 0
    leader_count: int = 0
    backbone_count: int = 0
    supporting_count: int = 0
    # Every linked enterprise, whatever its status or place.
    enterprise_count: int = 0
    # Operating enterprises in the chain's region: the ones that make a node covered.
    operating_count: int = 0
    # Sum of the latest recorded industrial output of those operating local enterprises (yuan).
    local_output: Decimal = Decimal(0)
    # local_output / local_demand; None when the node has no (positive) local demand.
    share: Decimal | None = None
    is_missing: bool = False
    is_weak: bool = False
    is_blocked: bool = False
    open_bottlenecks: list[Bottleneck] = field(default_factory=list)
    state: str = GapState.COVERED
    last_updated: dt.datetime | None = None

    @property
    def is_group(self) -> bool:
        """A group node only structures the chain."""
        return bool(self.node.kind == NodeKind.GROUP)

    @property
    def is_gap(self) -> bool:
        """At least one of 断点, 堵点 or weak."""
        return self.is_missing or self.is_weak or self.is_blocked

    @property
    def share_known(self) -> bool:
        """False when no local demand is recorded, so coverage cannot be judged."""
        return self.share is not None

    @property
    def share_percent(self) -> Decimal | None:
        """The share in per cent, one decimal."""
        if self.share is None:
            return None
        return (self.share * 100).quantize(Decimal("0.1"))

    @property
    def threshold_percent(self) -> Decimal:
        """The chain's weak-node threshold in per cent."""
        return (self.threshold * 100).quantize(Decimal("0.1"))

    @property
    def flags(self) -> list[str]:
        """All gap flags of the node, most severe first."""
        found: dict[str, bool] = {
            GapState.MISSING: self.is_missing,
            GapState.BLOCKED: self.is_blocked,
            GapState.WEAK: self.is_weak,
        }
        return [state for state in GAP_FLAGS if found[state]]

    @property
    def flag_labels(self) -> list[tuple[str, str, str]]:
        """(state, label, badge class) of each flag, for templates."""
        return [(s, str(GapState(s).label), STATE_BADGES[s]) for s in self.flags]

    @property
    def state_label(self) -> str:
        """Translated name of the single state."""
        return str(GapState(self.state).label)

    @property
    def colour(self) -> str:
        """Colour of the single state."""
        return STATE_COLOURS[self.state]

    @property
    def badge(self) -> str:
        """Badge class of the single state."""
        return STATE_BADGES[self.state]

    @property
    def url(self) -> str:
        """The node's page."""
        return reverse("chains:node", args=[self.node.pk])


def _tree_order(nodes: Sequence[ChainNode]) -> list[tuple[ChainNode, int]]:
    """Nodes of one chain depth-first (segment, order, name), each with its depth."""
    by_id = {node.pk: node for node in nodes}
    children: dict[int | None, list[ChainNode]] = defaultdict(list)
    for node in nodes:
        parent = node.parent_id if node.parent_id in by_id else None
        children[parent].append(node)

    def sort_key(node: ChainNode) -> tuple[int, int, str]:
        segment = SEGMENT_ORDER.index(node.segment) if node.segment in SEGMENT_ORDER else 99
        return (segment, node.sort_order, node.name)

    ordered: list[tuple[ChainNode, int]] = []
    seen: set[int] = set()

    def visit(node: ChainNode, depth: int) -> None:
        if node.pk in seen:
            return
        seen.add(node.pk)
        ordered.append((node, depth))
        for child in sorted(children.get(node.pk, []), key=sort_key):
            visit(child, depth + 1)

    for root in sorted(children.get(None, []), key=sort_key):
        visit(root, 0)
    # Nodes caught in a parent cycle (the services refuse one, but data may be imported).
    for node in sorted(nodes, key=sort_key):
        visit(node, 0)
    return ordered


def gaps_for_chains(chains: Sequence[Chain]) -> dict[int, list[NodeGap]]:
    """The gap analysis of every node of the given chains, in tree order (two queries).

    Link counts and local output come from the stored `NodeStats` (kept fresh by the writes
    that change them); a node without its row yet gets it computed here, so the result never
    depends on a refresh job having run.
    """
    result: dict[int, list[NodeGap]] = {chain.pk: [] for chain in chains}
    if not chains:
        return result
    chain_by_id = {chain.pk: chain for chain in chains}
    chain_ids = list(chain_by_id)

    nodes = list(
        ChainNode.objects.filter(chain_id__in=chain_ids).select_related("stats").order_by()
    )
    stats: dict[int, NodeStats] = {}
    for node in nodes:
        try:
            stats[node.pk] = node.stats
        except NodeStats.DoesNotExist:
            pass
    missing = [node.pk for node in nodes if node.pk not in stats]
    if missing:
        stats.update(compute_node_stats(missing))
    bottlenecks: dict[int, list[Bottleneck]] = defaultdict(list)
    for bottleneck in (
        Bottleneck.objects.filter(node__chain_id__in=chain_ids, status=BottleneckStatus.OPEN)
        .select_related("owner_unit")
        .order_by("since", "pk")
    ):
        bottlenecks[bottleneck.node_id].append(bottleneck)

    nodes_by_chain: dict[int, list[ChainNode]] = defaultdict(list)
    for node in nodes:
        node.chain = chain_by_id[node.chain_id]
        nodes_by_chain[node.chain_id].append(node)
    for chain_id, chain_nodes in nodes_by_chain.items():
        chain = chain_by_id[chain_id]
        for node, depth in _tree_order(chain_nodes):
            result[chain_id].append(
                _node_gap(node, depth, chain, stats.get(node.pk), bottlenecks.get(node.pk, []))
            )
    return result


def _node_gap(
    node: ChainNode,
    depth: int,
    chain: Chain,
    stats: NodeStats | None,
    open_bottlenecks: list[Bottleneck],
) -> NodeGap:
    """Combine a node's link counts and bottlenecks into its flags and single state."""
    gap = NodeGap(node=node, threshold=Decimal(chain.weak_share_threshold), depth=depth)
    gap.open_bottlenecks = open_bottlenecks
    if stats is not None:
        gap.leader_count = stats.leaders
        gap.backbone_count = stats.backbone
        gap.supporting_count = stats.supporting
        gap.enterprise_count = stats.total
        gap.operating_count = stats.operating
        gap.local_output = Decimal(stats.output or 0)
    gap.last_updated = _later(
        node.updated_at,
        stats.links_updated if stats else None,
        stats.enterprises_updated if stats else None,
        *(b.updated_at for b in open_bottlenecks),
    )
    if node.local_demand is not None and node.local_demand > 0:
        gap.share = gap.local_output / Decimal(node.local_demand)
    gap.is_blocked = bool(open_bottlenecks)
    if gap.is_group:
        gap.state = GapState.BLOCKED if gap.is_blocked else GapState.GROUP
        return gap
    gap.is_missing = gap.operating_count == 0
    # A missing link is absent rather than weak; with no demand recorded the share is unknown.
    gap.is_weak = not gap.is_missing and gap.share is not None and gap.share < gap.threshold
    gap.state = gap.flags[0] if gap.flags else GapState.COVERED
    return gap


def node_gaps(chain: Chain) -> list[NodeGap]:
    """The gap analysis of every node of one (already scoped) chain, in tree order."""
    return gaps_for_chains([chain])[chain.pk]


def gap_counts(gaps: Iterable[NodeGap]) -> dict[str, int]:
    """How many nodes carry each flag, plus covered and group nodes."""
    counts = dict.fromkeys(STATE_ORDER, 0)
    for gap in gaps:
        for flag in gap.flags:
            counts[flag] += 1
        if gap.state in (GapState.COVERED, GapState.GROUP):
            counts[gap.state] += 1
    return counts


# --------------------------------------------------------------------------- the chain map


def symbol_size(enterprise_count: int) -> int:
    """Node size on the map: grows with the square root of the number of enterprises."""
    return round(min(40.0, 10 + 4 * math.sqrt(max(enterprise_count, 0))))


def _wan(amount: Decimal | None) -> str:
    """Yuan as a 万元 string for tooltips."""
    if amount is None:
        return "—"
    return f"{amount / TEN_THOUSAND:,.2f}"


# Covered nodes run from light to dark green with their local output (gaps keep their colour).
_OUTPUT_LIGHT = (0xB2, 0xE8, 0xBE)
_OUTPUT_DARK = (0x1A, 0x7F, 0x32)


def output_colour(output: Decimal | None, largest: Decimal | None) -> str:
    """Green shade for a covered node: darker the larger its share of the chain's top output."""
    if not output or not largest or largest <= 0:
        t = 0.0
    else:
        t = math.sqrt(max(0.0, min(1.0, float(output / largest))))
    rgb = (round(a + (b - a) * t) for a, b in zip(_OUTPUT_LIGHT, _OUTPUT_DARK, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _map_item(
    gap: NodeGap, children: list[dict[str, Any]], largest: Decimal | None = None
) -> dict[str, Any]:
    """One node of the ECharts tree: sized by operating firms, coloured by gap state, and for
    covered nodes shaded by local output."""
    node = gap.node
    colour = (
        output_colour(gap.local_output, largest) if gap.state == GapState.COVERED else gap.colour
    )
    return {
        "id": f"node-{node.pk}",
        "name": node.name,
        "value": gap.operating_count,
        "symbolSize": symbol_size(gap.operating_count),
        "itemStyle": {"color": colour, "borderColor": colour},
        "state": gap.state,
        "state_label": gap.state_label,
        "is_group": gap.is_group,
        "flags": [str(GapState(flag).label) for flag in gap.flags],
        "kind": str(NodeKind(node.kind).label) if node.kind in NodeKind.values else node.kind,
        "enterprise_count": gap.enterprise_count,
        "operating_count": gap.operating_count,
        "leader_count": gap.leader_count,
        "output_wan": _wan(gap.local_output),
        "share_percent": None if gap.share_percent is None else str(gap.share_percent),
        "bottleneck_count": len(gap.open_bottlenecks),
        "url": gap.url,
        "children": children,
    }


def chain_map(chain: Chain, gaps: Sequence[NodeGap] | None = None) -> dict[str, Any]:
    """ECharts tree data: chain → segments → nodes (by parent), sized and coloured by state."""
    gaps = node_gaps(chain) if gaps is None else gaps
    by_id = {gap.node.pk: gap for gap in gaps}
    children: dict[int | None, list[NodeGap]] = defaultdict(list)
    for gap in gaps:  # already in tree order, so children keep their order
        parent = gap.node.parent_id if gap.node.parent_id in by_id else None
        if gap.depth == 0:
            parent = None
        children[parent].append(gap)

    largest = max((gap.local_output or Decimal(0) for gap in gaps), default=None)

    def build(gap: NodeGap) -> dict[str, Any]:
        return _map_item(gap, [build(child) for child in children.get(gap.node.pk, [])], largest)

    segments = []
    for segment in Segment:
        roots = [gap for gap in children.get(None, []) if gap.node.segment == segment.value]
        segments.append(
            {
                "id": f"segment-{segment.value}",
                "name": str(segment.label),
                "symbolSize": 14,
                "itemStyle": {"color": SEGMENT_COLOUR, "borderColor": SEGMENT_COLOUR},
                "segment": segment.value,
                "children": [build(gap) for gap in roots],
            }
        )
    counts = gap_counts(gaps)
    leaves = sum(1 for gap in gaps if gap.node.pk not in children) + sum(
        1 for s in segments if not s["children"]
    )
    return {
        "chain": {"id": chain.pk, "name": chain.name, "url": chain.get_absolute_url()},
        "tree": {
            "id": f"chain-{chain.pk}",
            "name": chain.name,
            "symbolSize": 20,
            "itemStyle": {"color": ROOT_COLOUR, "borderColor": ROOT_COLOUR},
            "children": segments,
        },
        "legend": [
            {
                "state": state,
                "label": str(GapState(state).label),
                "color": STATE_COLOURS[state],
                "count": counts[state],
            }
            for state in STATE_ORDER
        ],
        "leaf_count": max(leaves, 1),
        "labels": {
            "state": _("State"),
            "enterprises": _("Enterprises"),
            "operating": _("Operating local enterprises"),
            "output": _("Local output (10k yuan)"),
            "share": _("Share of local demand"),
            "share_unknown": _("unknown (no local demand recorded)"),
            "bottlenecks": _("Open bottlenecks"),
            "open_node": _("Click to open the node"),
        },
    }


# --------------------------------------------------------------------------- gap list


@dataclass(frozen=True)
class GapRow:
    """One gap of the county-wide gap list: the chain and its node's analysis."""

    chain: Chain
    gap: NodeGap


def gap_list(user: Any, chain: Chain | int | None = None, state: str | None = None) -> list[GapRow]:
    """Nodes with a gap on the chains in the user's scope, optionally of one chain or flag."""
    chains_qs = Chain.objects.for_user(user).select_related("office")
    if chain is not None:
        chains_qs = chains_qs.filter(pk=chain.pk if isinstance(chain, Chain) else chain)
    chains = list(chains_qs)
    gaps = gaps_for_chains(chains)
    rows: list[GapRow] = []
    for item in chains:
        for gap in gaps[item.pk]:
            if not gap.is_gap:
                continue
            if state and state not in gap.flags:
                continue
            rows.append(GapRow(chain=item, gap=gap))
    return rows


# --------------------------------------------------------------------------- the chain's lists


# Enterprise lists on chain and node pages show this many rows, then link to the filtered
# enterprise register: a big chain has thousands of backbone and supporting firms.
LIST_LIMIT = 50
# The chain page is an overview: its 链主 and backbone lists show fewer rows.
CHAIN_LIST_LIMIT = 20


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
        stamp = _later(link.updated_at, link.enterprise.updated_at)
        if key not in rows:
            rows[key] = ChainEnterpriseRow(
                enterprise=link.enterprise, role=link.role, nodes=[], last_updated=stamp
            )
        row = rows[key]
        row.nodes.append(link.node)
        row.last_updated = _later(row.last_updated, stamp)
    grouped: dict[str, list[ChainEnterpriseRow]] = defaultdict(list)
    for row in sorted(rows.values(), key=lambda r: (r.enterprise.name_pinyin, r.enterprise.pk)):
        grouped[row.role].append(row)
    return grouped


def _listing(rows: list[T], stamps: Iterable[dt.datetime | None]) -> Listing[T]:
    return Listing(rows=rows, last_updated=_later(*stamps))


def _role_listing(links: QuerySet[EnterpriseNode], role: str) -> Listing[ChainEnterpriseRow]:
    """The first CHAIN_LIST_LIMIT enterprises (by pinyin) linked in `role`, with the total and the
    last change over all of them (three queries, whatever the number of links)."""
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
    rows = _enterprise_rows(
        links.filter(enterprise_id__in=first).select_related("enterprise", "node")
    ).get(role, [])
    return Listing(
        rows=rows,
        last_updated=_later(summary["links_updated"], summary["enterprises_updated"]),
        total=summary["total"],
    )


def _partial_scope(user: Any) -> bool:
    """Users who see chains but only part of the enterprises on them."""
    return scope_for(user).kind in (ScopeKind.TOWN, ScopeKind.PARK)


def chain_lists(
    chain: Chain, *, user: Any = None, gaps: Sequence[NodeGap] | None = None
) -> ChainLists:
    """链主, backbone firms, gaps and partners of a chain, each with its last-updated time.

    With `user`, enterprises are limited to those the user may see (a town sees its own firms).
    """
    gaps = node_gaps(chain) if gaps is None else gaps
    is_partial = user is not None and _partial_scope(user)
    role_lists: dict[str, Listing[ChainEnterpriseRow]] = {}
    for role in (ChainRole.LEADER, ChainRole.BACKBONE):
        links = EnterpriseNode.objects.filter(node__chain=chain, role=role)
        if is_partial:
            links = links.filter(enterprise__in=Enterprise.objects.for_user(user).values("pk"))
        role_lists[role] = _role_listing(links, role)
    gap_rows = [gap for gap in gaps if gap.is_gap]
    partner_order = {kind: i for i, kind in enumerate(PartnerKind.values)}
    partners = sorted(
        ChainPartner.objects.filter(chain=chain).select_related("unit"),
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
        return _later(self.chain.updated_at, *(gap.last_updated for gap in self.gaps))


def chain_summaries(user: Any) -> list[ChainSummary]:
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
    user: Any, node: ChainNode, *, limit: int | None = None
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


def linkable_enterprises(user: Any) -> QuerySet[Enterprise]:
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


def office_home(user: Any) -> OfficeHome:
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
        leaders_updated=_later(*(row.last_updated for row in leaders)),
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


def region_overview(user: Any) -> RegionOverview:
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
