"""Reading pages of the chains app: chain list and page with its map, gap list, node page and the
chain office's home. The editors' forms are in `jinmu.chains.views_edit`.

Every page starts from `for_user(request.user)`, so anything out of scope is a 404; roles that
cannot use chains at all get 403 on the list pages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from jinmu.chains import queries, tables
from jinmu.chains.forms import EnterpriseLinkForm, GapFilterForm
from jinmu.chains.models import Chain, ChainNode
from jinmu.chains.page import chain_overview
from jinmu.core.scoping import ScopeKind, can_edit_chains, scope_for
from jinmu.core.types import AuthedRequest

READER_SCOPES = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)


def _require_reader(request: AuthedRequest) -> None:
    """Roles that do not work with chains (enterprise, bank, judge, auditor) get 403."""
    if scope_for(request.user).kind not in READER_SCOPES:
        raise PermissionDenied


# --------------------------------------------------------------------------- reading pages


@login_required
def chain_list(request: AuthedRequest) -> HttpResponse:
    """Chains in the user's scope with their gap counts (no pagination: a county has a few)."""
    _require_reader(request)
    summaries = queries.chain_summaries(request.user)
    scope = scope_for(request.user)
    return render(
        request,
        "chains/chain_list.html",
        {
            "summaries": summaries,
            "table": tables.CHAINS.of(summaries),
            "can_create": can_edit_chains(request.user) and scope.kind is ScopeKind.REGION,
        },
    )


@login_required
def chain_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A chain's page: its map, node table and lists (链主, backbone, gaps, partners)."""
    chain = get_object_or_404(
        Chain.objects.for_user(request.user).select_related("office", "chief"), pk=pk
    )
    # The counts, the map and the node table come drawn with the analysis (`page`).
    overview = chain_overview(chain)
    lists = queries.chain_lists(chain, user=request.user, gaps=overview.gaps)
    return render(
        request,
        "chains/chain_detail.html",
        {
            "chain": chain,
            "gaps": overview.gaps,
            "overview": overview.html,
            "lists": lists,
            "counts": overview.counts,
            "map_data": overview.map_data,
            "can_edit": can_edit_chains(request.user),
        },
    )


@login_required
def map_data(request: AuthedRequest, pk: int) -> JsonResponse:
    """The chain map as ECharts tree data."""
    chain = get_object_or_404(Chain.objects.for_user(request.user), pk=pk)
    return JsonResponse(queries.chain_map(chain))


@login_required
def gap_list(request: AuthedRequest) -> HttpResponse:
    """Gaps of every chain in scope, by chain and flag: the input of chain investment attraction.

    Computed from the chains' nodes, which a county counts in hundreds, so it is not paged.
    """
    _require_reader(request)
    chains = Chain.objects.for_user(request.user)
    form = GapFilterForm(request.GET or None, chains=chains)
    chain: Chain | None = None
    state: str | None = None
    if form.is_bound and form.is_valid():
        chain = form.cleaned_data.get("chain")
        state = form.cleaned_data.get("state") or None
    rows = queries.gap_list(request.user, chain=chain, state=state)
    return render(
        request,
        "chains/gap_list.html",
        {
            "form": form,
            "rows": rows,
            "table": tables.GAPS.of(rows),
            "counts": queries.gap_counts(row.gap for row in rows),
        },
    )


@login_required
def node_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A node: its state, its enterprises (those the user may see), bottlenecks, sub-nodes."""
    node = get_object_or_404(
        ChainNode.objects.for_user(request.user).select_related("chain", "parent"), pk=pk
    )
    chain = node.chain
    gaps = queries.node_gaps(chain)
    gap = next(g for g in gaps if g.node.pk == node.pk)
    children = [g for g in gaps if g.node.parent_id == node.pk]
    listing = queries.node_enterprises(request.user, node)
    bottlenecks = queries.node_bottlenecks(node)
    can_edit = can_edit_chains(request.user)
    link_form = (
        EnterpriseLinkForm(enterprises=queries.linkable_enterprises(request.user))
        if can_edit and not gap.is_group
        else None
    )
    return render(
        request,
        "chains/node_detail.html",
        {
            "chain": chain,
            "node": node,
            "gap": gap,
            "children": children,
            "rows": listing.rows,
            "listing": listing,
            "enterprises_table": tables.node_enterprises_table(can_edit=can_edit).of(listing.rows),
            "hidden_count": max(gap.enterprise_count - (listing.total or 0), 0),
            "bottlenecks": bottlenecks,
            "bottlenecks_table": tables.bottlenecks_table(can_edit=can_edit).of(bottlenecks),
            "can_edit": can_edit,
            "link_form": link_form,
        },
    )


@login_required
def office_home(request: AuthedRequest) -> HttpResponse:
    """The chain office's home page; other users start from the county home."""
    if scope_for(request.user).kind is not ScopeKind.CHAIN:
        return redirect("home")
    home = queries.office_home(request.user)
    return render(
        request,
        "chains/office_home.html",
        {"home": home, "table": tables.OFFICE_CHAINS.of(home.summaries)},
    )
