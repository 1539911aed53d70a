"""The chain map: ECharts tree data of a chain (chain → segments → nodes), each node sized by its
operating local firms and coloured by its gap state (covered nodes shaded by local output)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from jinmu.chains.choices import GapState, NodeKind, Segment
from jinmu.chains.gaps import STATE_COLOURS, STATE_ORDER, NodeGap, gap_counts, node_gaps
from jinmu.chains.models import Chain
from jinmu.core.money import wan_text

ROOT_COLOUR = "#206bc4"
SEGMENT_COLOUR = "#4299e1"


def symbol_size(enterprise_count: int) -> int:
    """Node size on the map: grows with the square root of the number of enterprises."""
    return round(min(40.0, 10 + 4 * math.sqrt(max(enterprise_count, 0))))


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


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Each choice's label in the current language (translated once per map, not per node)."""
    return {value: str(label) for value, label in choices.choices}


def _map_item(
    gap: NodeGap,
    children: list[dict[str, Any]],
    largest: Decimal | None = None,
    labels: tuple[dict[str, str], dict[str, str]] | None = None,
) -> dict[str, Any]:
    """One node of the ECharts tree: sized by operating firms, coloured by gap state, and for
    covered nodes shaded by local output (`labels`: of the gap states and the node kinds)."""
    node = gap.node
    states, kinds = labels or (_labels(GapState), _labels(NodeKind))
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
        "state_label": states[gap.state],
        "is_group": gap.is_group,
        "flags": [states[flag] for flag in gap.flags],
        "kind": kinds.get(node.kind, node.kind),
        "enterprise_count": gap.enterprise_count,
        "operating_count": gap.operating_count,
        "leader_count": gap.leader_count,
        "output_wan": wan_text(gap.local_output),
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
    labels = (_labels(GapState), _labels(NodeKind))

    def build(gap: NodeGap) -> dict[str, Any]:
        kids = [build(child) for child in children.get(gap.node.pk, [])]
        return _map_item(gap, kids, largest, labels)

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
        "labels": _tooltip_labels(),
    }


def _tooltip_labels() -> dict[str, str]:
    """The words of the map's tooltips, in the user's language."""
    return {
        "state": _("State"),
        "enterprises": _("Enterprises"),
        "operating": _("Operating local enterprises"),
        "output": _("Local output (10k yuan)"),
        "share": _("Share of local demand"),
        "share_unknown": _("unknown (no local demand recorded)"),
        "bottlenecks": _("Open bottlenecks"),
        "open_node": _("Click to open the node"),
    }
