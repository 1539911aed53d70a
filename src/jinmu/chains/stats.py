"""Derived node statistics (`NodeStats`): computed here, kept fresh by the writes that change them.

The gap analysis needs, per node, how many enterprises serve it in each role, how many of them
are operating in the chain's region, and the sum of those firms' latest industrial output. That
aggregate runs over every link of a chain (100,000+ on a big chain), too slow for each page view,
so it is stored per node and refreshed, in the same transaction, by every write that changes an
input:

- a link created, changed or deleted (`jinmu.chains.services`);
- a node created (its row of zeros; deleting a node deletes its row by cascade);
- an enterprise's status or place changed, its figures saved or imported
  (`jinmu.enterprises.services`, `jinmu.enterprises.imports`, which tell the register's
  extensions; `jinmu.chains.on_enterprises` refreshes the stats);
- the demo build and `jinmu refresh_chain_stats` (bulk loads outside the services).

Any other change to an enterprise moves only its `updated_at`, which the stats keep as the
nodes' "last updated" time: `bump_enterprises_updated` raises it without re-aggregating.

These writes are derived data, not edits: they are not audited and carry no version.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, DecimalField, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from jinmu.chains.choices import ChainRole
from jinmu.chains.models import ChainNode, EnterpriseNode, NodeStats
from jinmu.core.models import Region
from jinmu.enterprises.choices import EnterpriseStatus
from jinmu.enterprises.models import AnnualFigures

CHUNK = 500  # keeps `IN (…)` lists well below every database's parameter limit
STAT_FIELDS: tuple[str, ...] = (
    "region",
    "leaders",
    "backbone",
    "supporting",
    "total",
    "operating",
    "output",
    "links_updated",
    "enterprises_updated",
    "computed_at",
)


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def latest_output() -> Subquery:
    """The enterprise's industrial output of its most recent year that has one recorded."""
    latest = (
        AnnualFigures.objects.filter(
            enterprise_id=OuterRef("enterprise_id"), industrial_output__isnull=False
        )
        .order_by("-year")
        .values("industrial_output")[:1]
    )
    return Subquery(latest, output_field=DecimalField(max_digits=18, decimal_places=2))


def local_condition(chain_region_ids: Iterable[str]) -> Q:
    """Links whose enterprise lies in its chain's region (chains may sit in different regions)."""
    by_prefix: dict[str, set[str]] = defaultdict(set)
    for code in chain_region_ids:
        by_prefix[Region(code=code).scope_prefix].add(code)
    condition: Q | None = None
    for prefix, codes in sorted(by_prefix.items()):
        step = Q(node__chain__region__in=sorted(codes), enterprise__region__code__startswith=prefix)
        condition = step if condition is None else condition | step
    assert condition is not None, "local_condition needs at least one chain region"
    return condition


def _aggregate(node_ids: Sequence[int], chain_region_ids: Iterable[str]) -> dict[int, Any]:
    """Counts, local output and last-change times of the nodes' links (one query)."""
    operating_local = Q(enterprise__status=EnterpriseStatus.OPERATING) & local_condition(
        chain_region_ids
    )
    rows = (
        EnterpriseNode.objects.filter(node_id__in=node_ids)
        .values("node_id")
        .annotate(
            leaders=Count("pk", filter=Q(role=ChainRole.LEADER)),
            backbone=Count("pk", filter=Q(role=ChainRole.BACKBONE)),
            supporting=Count("pk", filter=Q(role=ChainRole.SUPPORTING)),
            total=Count("pk"),
            operating=Count("pk", filter=operating_local),
            output=Sum(latest_output(), filter=operating_local),
            links_updated=Max("updated_at"),
            enterprises_updated=Max("enterprise__updated_at"),
        )
        .order_by()
    )
    return {row["node_id"]: row for row in rows}


@transaction.atomic
def compute_node_stats(node_ids: Iterable[int]) -> dict[int, NodeStats]:
    """Recompute and store the stats of the given nodes; return them by node id.

    Nodes without links get a row of zeros; ids of nodes that no longer exist are skipped.
    """
    wanted = sorted(set(node_ids))
    if not wanted:
        return {}
    nodes: list[tuple[int, str, str]] = []
    for chunk in _chunks(wanted):
        nodes += ChainNode.objects.filter(pk__in=chunk).values_list(
            "pk", "region_id", "chain__region_id"
        )
    if not nodes:
        return {}
    nodes.sort()
    now = timezone.now()
    # Take the rows (creating missing ones) before aggregating: a concurrent refresh of the same
    # node then waits for this transaction and aggregates after it, seeing its writes, so the
    # last one to store its figures has seen every committed input (PostgreSQL, read committed).
    NodeStats.objects.bulk_create(
        [NodeStats(node_id=pk, region_id=region_id, computed_at=now) for pk, region_id, _ in nodes],
        update_conflicts=True,
        unique_fields=["node"],
        update_fields=["computed_at"],
    )
    links = _aggregate([pk for pk, _, _ in nodes], {chain_region for _, _, chain_region in nodes})
    stats: dict[int, NodeStats] = {}
    for pk, region_id, _ in nodes:
        row = links.get(pk, {})
        stats[pk] = NodeStats(
            node_id=pk,
            region_id=region_id,
            leaders=row.get("leaders", 0),
            backbone=row.get("backbone", 0),
            supporting=row.get("supporting", 0),
            total=row.get("total", 0),
            operating=row.get("operating", 0),
            output=row.get("output"),
            links_updated=row.get("links_updated"),
            enterprises_updated=row.get("enterprises_updated"),
            computed_at=now,
        )
    NodeStats.objects.bulk_create(
        list(stats.values()),
        update_conflicts=True,
        unique_fields=["node"],
        update_fields=list(STAT_FIELDS),
    )
    return stats


def refresh_node_stats(node_ids: Iterable[int]) -> None:
    """Recompute and store the stats of the given nodes (one aggregate query for all of them)."""
    compute_node_stats(node_ids)


def _nodes_of_enterprises(enterprise_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(enterprise_ids))
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(
            EnterpriseNode.objects.filter(enterprise_id__in=chunk)
            .values_list("node_id", flat=True)
            .distinct()
            .order_by()
        )
    return found


def refresh_for_enterprises(enterprise_ids: Iterable[int]) -> None:
    """Refresh the stats of every node the given enterprises are linked to."""
    refresh_node_stats(_nodes_of_enterprises(enterprise_ids))


def refresh_chain(chain_id: int) -> int:
    """Refresh the stats of every node of a chain; return the number of nodes."""
    node_ids = list(ChainNode.objects.filter(chain_id=chain_id).values_list("pk", flat=True))
    refresh_node_stats(node_ids)
    return len(node_ids)


def bump_enterprises_updated(enterprise_ids: Iterable[int], updated_at: dt.datetime) -> None:
    """Record that the enterprises changed at `updated_at`, in the stats of their nodes.

    For an edit that leaves status, place and figures alone only the nodes' last-updated time
    moves; it is the latest `updated_at` of their enterprises, which only ever grows, so raising
    it is exact and saves re-aggregating nodes with tens of thousands of links.
    """
    nodes = sorted(_nodes_of_enterprises(enterprise_ids))
    for chunk in _chunks(nodes):
        NodeStats.objects.filter(node_id__in=chunk).filter(
            Q(enterprises_updated__lt=updated_at) | Q(enterprises_updated__isnull=True)
        ).update(enterprises_updated=updated_at)
