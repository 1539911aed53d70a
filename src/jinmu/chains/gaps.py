"""The gap analysis of chain nodes: per node who serves it, how much of the local demand local
firms cover, what blocks it, and so its flags (断点 missing, 堵点 blocked, weak) and single state;
and the county-wide list of gaps.

Link counts and local output come from the stored node statistics (`jinmu.chains.stats`); the
analysis runs a fixed number of queries whatever the number of chains and nodes, and is cached
under a fingerprint of its inputs (one aggregate query).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import F

from jinmu.chains.choices import BottleneckStatus, GapState, NodeKind, Segment
from jinmu.chains.models import Bottleneck, Chain, ChainNode, NodeStats
from jinmu.chains.stats import STAT_FIELDS, compute_node_stats
from jinmu.core.models import Unit
from jinmu.core.types import User

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


def latest_of(*stamps: dt.datetime | None) -> dt.datetime | None:
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
    # The stored stats' stamps (computed, links and enterprises last updated): they change with
    # every write that the node's links or their enterprises see, so they version its lists.
    stats_stamps: tuple[dt.datetime | None, ...] = ()

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

    @cached_property
    def url(self) -> str:
        """The node's page (reversed once: the map, the table and the lists each ask)."""
        return self.node.get_absolute_url()


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


# The analysis of a set of chains is kept this long under its fingerprint (a new fingerprint
# replaces it as soon as an input changes; this only bounds the memory it takes).
GAPS_CACHE_SECONDS = 3600

# The stored stats of each node, read in the nodes' query (one LEFT JOIN) as plain values
# rather than as a NodeStats instance per node.
STAT_VALUES: tuple[str, ...] = tuple(name for name in STAT_FIELDS if name != "region")


class _Figures(NamedTuple):
    """A node's stored stats, as the gap analysis reads them."""

    leaders: int
    backbone: int
    supporting: int
    total: int
    operating: int
    output: Decimal | None
    links_updated: dt.datetime | None
    enterprises_updated: dt.datetime | None
    computed_at: dt.datetime | None


def _stored_figures(node: ChainNode) -> _Figures | None:
    """The stats read with the node, None when it has no row yet (`computed_at` is required)."""
    values = _Figures(*(getattr(node, f"stored_{name}") for name in STAT_VALUES))
    return None if values.computed_at is None else values


def _figures(stats: NodeStats) -> _Figures:
    return _Figures(*(getattr(stats, name) for name in STAT_VALUES))


def _fingerprint_sql(count: int) -> str:
    """The fingerprint's aggregate over `count` chains' nodes, their stored stats, their
    bottlenecks and the bottlenecks' owners. Written out: the ORM took a millisecond to
    compile its eleven aggregates over three joins, ten times what the database takes."""
    node, stats, bottleneck, unit = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (ChainNode, NodeStats, Bottleneck, Unit)
    )
    marks = ", ".join(["%s"] * count)
    return (
        "SELECT COUNT(DISTINCT n.id), MAX(n.updated_at), SUM(n.version),"
        " COUNT(DISTINCT s.node_id), MAX(s.computed_at), MAX(s.links_updated),"
        " MAX(s.enterprises_updated), COUNT(DISTINCT b.id), MAX(b.updated_at), SUM(b.version),"
        f" MAX(u.updated_at) FROM {node} n LEFT JOIN {stats} s ON s.node_id = n.id"
        f" LEFT JOIN {bottleneck} b ON b.node_id = n.id"
        f" LEFT JOIN {unit} u ON u.id = b.owner_unit_id WHERE n.chain_id IN ({marks})"
    )


def _fingerprint(chains: Sequence[Chain]) -> str:
    """A digest of everything the gap analysis of `chains` reads (one aggregate query).

    Every write to a node, a bottleneck or a unit owning one moves its `updated_at` and
    `version`, a deleted one its count; the stored stats move `computed_at` on each refresh
    (after bulk loads too: the demo and imports refresh them) and `enterprises_updated` on
    every other change of a linked enterprise; the chains' own settings come with `chains`.
    """
    ids = sorted(chain.pk for chain in chains)
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(len(ids)), ids)
        figures = cursor.fetchone()
    own = [
        (chain.pk, chain.version, chain.updated_at, chain.weak_share_threshold)
        for chain in sorted(chains, key=lambda chain: chain.pk)
    ]
    state = repr((own, figures))
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def gaps_key(chains: Sequence[Chain]) -> str:
    """The cache key of the gap analysis of `chains` in their current state (one query):
    what is drawn from the analysis alone may be cached under it too."""
    return f"chains:gaps:{_fingerprint(chains)}"


def gaps_for_chains(
    chains: Sequence[Chain],
    *,
    key: str | None = None,
    found: dict[int, list[NodeGap]] | None = None,
) -> dict[int, list[NodeGap]]:
    """The gap analysis of every node of the given chains, in tree order.

    Link counts and local output come from the stored `NodeStats` (kept fresh by the writes
    that change them); a node without its row yet gets it computed here, so the result never
    depends on a refresh job having run. The analysis is cached under a fingerprint of its
    inputs (`gaps_key`, one query); reading it anew takes three more. A caller that read the
    key (and what the cache holds under it, with its own entries in one round trip) passes
    them as `key` and `found`.
    """
    if not chains:
        return {}
    key = gaps_key(chains) if key is None else key
    result: dict[int, list[NodeGap]] | None = cache.get(key) if found is None else found
    if result is None:
        result = _compute_gaps(chains)
        # Cached without the chains (a chain carries its chief, a user; the page's own are put
        # back below, with what the page selected along) and the stats read with the nodes.
        for gaps in result.values():
            for gap in gaps:
                gap.node._state.fields_cache.pop("chain", None)
                for name in STAT_VALUES:
                    del gap.node.__dict__[f"stored_{name}"]
        cache.set(key, result, GAPS_CACHE_SECONDS)
    chain_by_id = {chain.pk: chain for chain in chains}
    for gaps in result.values():
        for gap in gaps:
            gap.node.chain = chain_by_id[gap.node.chain_id]
    return result


def _compute_gaps(chains: Sequence[Chain]) -> dict[int, list[NodeGap]]:
    """The gap analysis of `chains`, read from the database (three queries)."""
    result: dict[int, list[NodeGap]] = {chain.pk: [] for chain in chains}
    chain_by_id = {chain.pk: chain for chain in chains}
    chain_ids = list(chain_by_id)

    nodes = list(
        ChainNode.objects.filter(chain_id__in=chain_ids)
        .annotate(**{f"stored_{name}": F(f"stats__{name}") for name in STAT_VALUES})
        .order_by()
    )
    stats: dict[int, _Figures] = {}
    for node in nodes:
        figures = _stored_figures(node)
        if figures is not None:
            stats[node.pk] = figures
    missing = [node.pk for node in nodes if node.pk not in stats]
    if missing:
        stats.update((pk, _figures(row)) for pk, row in compute_node_stats(missing).items())
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
    stats: _Figures | None,
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
        gap.stats_stamps = (stats.computed_at, stats.links_updated, stats.enterprises_updated)
    gap.last_updated = latest_of(
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


# --------------------------------------------------------------------------- gap list


@dataclass(frozen=True)
class GapRow:
    """One gap of the county-wide gap list: the chain and its node's analysis."""

    chain: Chain
    gap: NodeGap


def gap_list(
    user: User, chain: Chain | int | None = None, state: str | None = None
) -> list[GapRow]:
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
