"""The tables of the chain pages (the chain list and the chain office's chains, the gap list, a
chain's nodes, a node's enterprises and bottlenecks), drawn by `tables/table.html`
(`jinmu.core.tables`).

Tables with an editors' column of buttons are built by a function of `can_edit`; the others
are declared once. The cards of enterprises, gaps and partners on the chain page are lists,
not tables, and stay in their templates.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, gettext_lazy

from jinmu.chains.choices import GapState
from jinmu.chains.gaps import STATE_BADGES, NodeGap
from jinmu.chains.models import Chain
from jinmu.core.markup import format_html
from jinmu.core.money import wan_text
from jinmu.core.tables import Column, Table, money_column

DASH = "—"
CELLS = "chains/cells/"
UPDATED = "Y-m-d H:i"


@dataclass(frozen=True)
class GapCount:
    """A chain's count of one kind of gap, as its cell links it to the gap list."""

    chain: Chain
    state: str
    count: int
    zero_plain: bool  # a zero is shown unlinked


_GAP_COUNT_LABELS = {
    GapState.MISSING: gettext_lazy("Missing links"),
    GapState.BLOCKED: gettext_lazy("Bottlenecks"),
    GapState.WEAK: gettext_lazy("Weak"),
}


def _gap_count_columns(*, zero_plain: bool) -> tuple[Column, ...]:
    """The chain summary's counts of missing links, bottlenecks and weak nodes."""

    def counter(state: str) -> Callable[[Any], GapCount]:
        return lambda summary: GapCount(
            summary.chain, str(state), summary.counts[state], zero_plain=zero_plain
        )

    return tuple(
        Column(label, counter(state), template=CELLS + "gap_count.html", align="num")
        for state, label in _GAP_COUNT_LABELS.items()
    )


_NODE_COUNT = Column(gettext_lazy("Nodes"), "node_count", align="num")
_SUMMARY_UPDATED = Column(
    gettext_lazy("Last updated"),
    "last_updated",
    date=UPDATED,
    default=DASH,
    css="text-nowrap small",
)

# The chain's name linked to its page (rows with a `chain`: ChainSummary, GapRow).
_CHAIN_LINK = Column(
    gettext_lazy("Chain"),
    "chain.name",
    link=lambda row: row.chain.get_absolute_url(),
    css="text-nowrap",
)

# The chains in the user's scope (rows: ChainSummary).
CHAINS = Table(
    columns=(
        Column(gettext_lazy("Chain"), template=CELLS + "chain.html", css="text-nowrap"),
        Column(gettext_lazy("Chain office"), "chain.office", default=DASH),
        Column(gettext_lazy("Chain chief"), "chain.chief", default=DASH),
        _NODE_COUNT,
        *_gap_count_columns(zero_plain=True),
        _SUMMARY_UPDATED,
    ),
    empty=gettext_lazy("No chains yet."),
)

# The chain office's chains on its home page (rows: ChainSummary).
OFFICE_CHAINS = Table(
    columns=(
        _CHAIN_LINK,
        _NODE_COUNT,
        *_gap_count_columns(zero_plain=False),
        replace(_SUMMARY_UPDATED, css="small text-nowrap"),
    ),
    empty=gettext_lazy("No chain is assigned to your office yet."),
    title=gettext_lazy("Our chains"),
    card_css="card mb-3",
)


# The cells of the node and gap tables are drawn in Python (the gap badges also on the
# chain's and the node's pages, `chain_lists.flag_badges`): a template per cell cost the chain
# page (three per node) about a third of its time (issue 11).
def flag_badges(gap: NodeGap) -> SafeString:
    """The node's gap flags as badges, or its single state when it has none."""
    return _badges(tuple(gap.flags), gap.state, get_language())


@functools.lru_cache(maxsize=256)
def _badges(flags: tuple[str, ...], state: str, language: str | None) -> SafeString:
    """The badges of a set of flags (or of the single state), drawn once per language: a
    county's nodes carry a handful of combinations."""
    if flags:
        return format_html_join(
            "",
            '<span class="badge {} me-1">{}</span>',
            ((STATE_BADGES[flag], GapState(flag).label) for flag in flags),
        )
    return format_html(
        '<span class="badge {}">{}</span>', STATE_BADGES[state], GapState(state).label
    )


def share_text(gap: NodeGap) -> SafeString:
    """The node's share of the local demand in per cent; a dash for a group, "unknown" when
    no demand is recorded."""
    if gap.is_group:
        return format_html('<span class="text-secondary">{}</span>', DASH)
    if gap.share_known:
        return format_html("{}%", localize(gap.share_percent))
    return _share_unknown(get_language())


@functools.lru_cache(maxsize=16)
def _share_unknown(language: str | None) -> SafeString:
    return format_html(
        '<span class="text-secondary" title="{}">{}</span>',
        gettext("No local demand recorded, so the share is unknown."),
        gettext("unknown"),
    )


def _node_link(gap: NodeGap) -> SafeString:
    """The node's name linked to its page, with its kind of facility."""
    link = format_html('<a href="{}">{}</a>', gap.url, gap.node.name)
    if not gap.node.facility_type:
        return link
    return format_html(
        '{}\n<span class="small text-secondary">· {}</span>',
        link,
        gap.node.get_facility_type_display(),
    )


def _gap_node(gap: NodeGap) -> SafeString:
    """The node's name linked to its page, its segment below."""
    return format_html(
        '<a href="{}">{}</a>\n<div class="small text-secondary">{}</div>',
        gap.url,
        gap.node.name,
        gap.node.get_segment_display(),
    )


# A node's share of the local demand and its gap flags (rows: NodeGap).
_SHARE = Column(gettext_lazy("Share of demand"), share_text, align="num")
_FLAGS = Column(accessor=flag_badges, css="text-nowrap")

# Every gap of the chains in scope (rows: GapRow).
GAPS = Table(
    columns=(
        _CHAIN_LINK,
        Column(gettext_lazy("Node"), lambda row: _gap_node(row.gap)),
        replace(_FLAGS, label=gettext_lazy("Gap"), accessor=lambda row: flag_badges(row.gap)),
        Column(
            gettext_lazy("Operating local"),
            lambda row: f"{row.gap.operating_count} / {row.gap.enterprise_count}",
            align="num",
        ),
        replace(_SHARE, accessor=lambda row: share_text(row.gap)),
        Column(
            gettext_lazy("Open bottlenecks"),
            "gap",
            template=CELLS + "open_bottlenecks.html",
            css="small",
        ),
        Column(
            gettext_lazy("Last updated"),
            "gap.last_updated",
            date=UPDATED,
            default=DASH,
            css="text-nowrap small",
        ),
    ),
    empty=gettext_lazy("No gaps found."),
)

# A chain's nodes in tree order (rows: NodeGap).
NODES = Table(
    columns=(
        Column(gettext_lazy("Node"), _node_link, attrs=lambda gap: {"data-indent": gap.depth}),
        Column(gettext_lazy("Segment"), "node.get_segment_display", css="text-nowrap"),
        Column(gettext_lazy("Chain leaders"), "leader_count", align="num"),
        Column(gettext_lazy("Enterprises"), "enterprise_count", align="num"),
        Column(gettext_lazy("Operating local"), "operating_count", align="num"),
        Column(
            gettext_lazy("Local output (10k yuan)"),
            lambda gap: DASH if gap.is_group else wan_text(gap.local_output),
            align="num",
        ),
        _SHARE,
        replace(_FLAGS, label=gettext_lazy("State")),
    ),
    empty=gettext_lazy("This chain has no nodes yet."),
    css="table table-vcenter card-table table-sm",
    title=gettext_lazy("Nodes"),
    card_css="card mb-3",
)

# The enterprises on a node (rows: NodeEnterpriseRow); the card's footers tell of enterprises
# not shown and hold the form that adds one.
_NODE_ENTERPRISES = Table(
    columns=(
        Column(gettext_lazy("Enterprise"), template=CELLS + "node_enterprise.html"),
        Column(gettext_lazy("Role"), "link.get_role_display", css="text-nowrap"),
        Column(gettext_lazy("Status"), "enterprise.get_status_display", css="text-nowrap"),
        Column(gettext_lazy("Scale"), "enterprise.get_scale_display", css="text-nowrap"),
        money_column(gettext_lazy("Latest output (10k yuan)"), "latest_output"),
    ),
    empty=gettext_lazy("No enterprise listed."),
    title=gettext_lazy("Enterprises on this node"),
    card_css="card mb-3",
    footer_template="chains/_node_enterprises_footer.html",
)

# A node's bottlenecks, open ones first (rows: Bottleneck).
_BOTTLENECKS = Table(
    columns=(
        Column(gettext_lazy("What is blocked"), template=CELLS + "bottleneck.html"),
        Column(gettext_lazy("Since"), "since", date="Y-m-d", css="text-nowrap"),
        Column(
            gettext_lazy("Owner"),
            lambda bottleneck: f"{bottleneck.owner_unit or ''} {bottleneck.owner_name}",
        ),
        Column(
            gettext_lazy("Status"), template=CELLS + "bottleneck_status.html", css="text-nowrap"
        ),
    ),
    empty=gettext_lazy("No bottleneck recorded."),
    title=gettext_lazy("Bottlenecks"),
    card_css="card mb-3",
)


def _with_actions(table: Table, template: str, *, can_edit: bool) -> Table:
    """`table`, with a last column of the editors' buttons (`template`) when `can_edit`."""
    return table.with_column(Column(template=CELLS + template, css="text-nowrap"), when=can_edit)


def node_enterprises_table(*, can_edit: bool) -> Table:
    """The node's enterprises; editors get "Edit" and "Remove" buttons on each."""
    return _with_actions(_NODE_ENTERPRISES, "link_actions.html", can_edit=can_edit)


def bottlenecks_table(*, can_edit: bool) -> Table:
    """The node's bottlenecks; editors get "Edit" (and "Cleared" on open ones)."""
    return _with_actions(_BOTTLENECKS, "bottleneck_actions.html", can_edit=can_edit)
