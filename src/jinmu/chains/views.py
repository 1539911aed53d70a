"""Pages of the chains app: chain list and page with its map, gap list, node page, office home,
and the editors' forms for chains, nodes, enterprise links, partners and bottlenecks.

Every page starts from `for_user(request.user)`, so anything out of scope is a 404; roles that
cannot use chains at all get 403 on the list pages. Writes go through `jinmu.chains.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinmu.chains import queries, services
from jinmu.chains.forms import (
    BottleneckForm,
    ChainForm,
    ChainNodeForm,
    ChainPartnerForm,
    EnterpriseLinkEditForm,
    EnterpriseLinkForm,
    GapFilterForm,
    VersionForm,
)
from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner, EnterpriseNode
from jinmu.core.forms import add_service_errors, run_write
from jinmu.core.scoping import ScopeKind, can_edit_chains, scope_for

READER_SCOPES = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)

# Model field → form field, where the form enters a value in other units.
FIELD_ALIASES = {"local_demand": "local_demand_wan", "weak_share_threshold": "threshold_percent"}


def _require_reader(request: HttpRequest) -> None:
    """Roles that do not work with chains (enterprise, bank, judge, auditor) get 403."""
    if scope_for(request.user).kind not in READER_SCOPES:
        raise PermissionDenied


def _require_editor(request: HttpRequest) -> None:
    """Only chain editors reach the forms (the object itself is scoped by the caller)."""
    if not can_edit_chains(request.user):
        raise PermissionDenied


def _add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's validation error on the form, field by field where possible."""
    add_service_errors(form, error, FIELD_ALIASES)


def _version(form: forms.BaseForm) -> int | None:
    value = form.cleaned_data.get("version")
    return int(value) if value else None


def _write(
    request: HttpRequest, form: forms.BaseForm, write: Callable[[], Any], success: str
) -> tuple[bool, int]:
    """Run a service write; on a validation or stale error put it on the form.

    Returns (saved, HTTP status to render the form with when not saved).
    """
    return run_write(request, form, write, success, FIELD_ALIASES)


def _form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    back_url: str,
    chain: Chain,
    delete_url: str | None = None,
    version: int | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "chains/form.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "chain": chain,
            "delete_url": delete_url,
            "version": version,
        },
        status=status,
    )


def _post_version(request: HttpRequest) -> int | None:
    form = VersionForm(request.POST)
    if not form.is_valid():
        return None
    return _version(form)


def _stale_or_invalid(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --------------------------------------------------------------------------- reading pages


@login_required
def chain_list(request: HttpRequest) -> HttpResponse:
    """Chains in the user's scope with their gap counts (no pagination: a county has a few)."""
    _require_reader(request)
    summaries = queries.chain_summaries(request.user)
    scope = scope_for(request.user)
    return render(
        request,
        "chains/chain_list.html",
        {
            "summaries": summaries,
            "can_create": can_edit_chains(request.user) and scope.kind is ScopeKind.REGION,
        },
    )


@login_required
def chain_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A chain's page: its map, node table and lists (链主, backbone, gaps, partners)."""
    chain = get_object_or_404(
        Chain.objects.for_user(request.user).select_related("office", "chief"), pk=pk
    )
    gaps = queries.node_gaps(chain)
    lists = queries.chain_lists(chain, user=request.user, gaps=gaps)
    return render(
        request,
        "chains/chain_detail.html",
        {
            "chain": chain,
            "gaps": gaps,
            "lists": lists,
            "counts": queries.gap_counts(gaps),
            "map_data": queries.chain_map(chain, gaps),
            "can_edit": can_edit_chains(request.user),
        },
    )


@login_required
def map_data(request: HttpRequest, pk: int) -> JsonResponse:
    """The chain map as ECharts tree data."""
    chain = get_object_or_404(Chain.objects.for_user(request.user), pk=pk)
    return JsonResponse(queries.chain_map(chain))


@login_required
def gap_list(request: HttpRequest) -> HttpResponse:
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
        {"form": form, "rows": rows, "counts": queries.gap_counts(row.gap for row in rows)},
    )


@login_required
def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A node: its state, its enterprises (those the user may see), bottlenecks, sub-nodes."""
    node = get_object_or_404(
        ChainNode.objects.for_user(request.user).select_related("chain", "parent"), pk=pk
    )
    chain = node.chain
    gaps = queries.node_gaps(chain)
    gap = next(g for g in gaps if g.node.pk == node.pk)
    children = [g for g in gaps if g.node.parent_id == node.pk]
    listing = queries.node_enterprises(request.user, node)
    bottlenecks = list(
        Bottleneck.objects.filter(node=node)
        .select_related("owner_unit")
        .order_by("status", "-since", "-pk")
    )
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
            "hidden_count": max(gap.enterprise_count - (listing.total or 0), 0),
            "bottlenecks": bottlenecks,
            "can_edit": can_edit,
            "link_form": link_form,
        },
    )


@login_required
def office_home(request: HttpRequest) -> HttpResponse:
    """The chain office's home page; other users start from the county home."""
    if scope_for(request.user).kind is not ScopeKind.CHAIN:
        return redirect("home")
    home = queries.office_home(request.user)
    return render(request, "chains/office_home.html", {"home": home})


# --------------------------------------------------------------------------- chains


@login_required
def chain_create(request: HttpRequest) -> HttpResponse:
    """A new chain (industry office)."""
    _require_editor(request)
    if scope_for(request.user).kind is not ScopeKind.REGION:
        raise PermissionDenied
    form = ChainForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        created: list[Chain] = []
        saved, status = _write(
            request,
            form,
            lambda: created.append(
                services.create_chain(actor=request.user, data=form.service_data())
            ),
            _("The chain was created."),
        )
        if saved:
            return redirect(created[0])
    return render(
        request,
        "chains/form.html",
        {"form": form, "title": _("New chain"), "back_url": reverse("chains:list")},
        status=status,
    )


@login_required
def chain_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A chain's settings: name, office, chief, weak-node threshold."""
    chain = get_object_or_404(Chain.objects.for_user(request.user), pk=pk)
    _require_editor(request)
    can_reassign = scope_for(request.user).kind is ScopeKind.REGION
    form = ChainForm(request.POST or None, instance=chain, can_reassign=can_reassign)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _write(
            request,
            form,
            lambda: services.update_chain(
                actor=request.user,
                chain=chain,
                data=form.service_data(),
                expected_version=_version(form),
            ),
            _("The chain was saved."),
        )
        if saved:
            return redirect(chain)
    return _form_page(
        request,
        form,
        title=_("Edit chain {name}").format(name=chain.name),
        back_url=chain.get_absolute_url(),
        chain=chain,
        status=status,
    )


# --------------------------------------------------------------------------- nodes


@login_required
def node_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new node on a chain (optionally below a given parent: `?parent=`)."""
    chain = get_object_or_404(Chain.objects.for_user(request.user), pk=pk)
    _require_editor(request)
    initial: dict[str, Any] = {}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        parent = ChainNode.objects.filter(chain=chain, pk=int(parent_id)).first()
        if parent is not None:
            initial = {"parent": parent, "segment": parent.segment}
    form = ChainNodeForm(request.POST or None, chain=chain, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        created: list[ChainNode] = []
        saved, status = _write(
            request,
            form,
            lambda: created.append(
                services.create_node(actor=request.user, chain=chain, data=form.service_data())
            ),
            _("The node was added."),
        )
        if saved:
            return redirect("chains:node", pk=created[0].pk)
    return _form_page(
        request,
        form,
        title=_("New node on {chain}").format(chain=chain.name),
        back_url=chain.get_absolute_url(),
        chain=chain,
        status=status,
    )


@login_required
def node_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a node."""
    node = get_object_or_404(
        ChainNode.objects.for_user(request.user).select_related("chain"), pk=pk
    )
    _require_editor(request)
    form = ChainNodeForm(request.POST or None, instance=node, chain=node.chain)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _write(
            request,
            form,
            lambda: services.update_node(
                actor=request.user,
                node=node,
                data=form.service_data(),
                expected_version=_version(form),
            ),
            _("The node was saved."),
        )
        if saved:
            return redirect("chains:node", pk=node.pk)
    return _form_page(
        request,
        form,
        title=_("Edit node {name}").format(name=node.name),
        back_url=reverse("chains:node", args=[node.pk]),
        chain=node.chain,
        delete_url=reverse("chains:node_delete", args=[node.pk]),
        version=node.version,
        status=status,
    )


@login_required
@require_POST
def node_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a node with its sub-nodes, links and bottlenecks."""
    node = get_object_or_404(
        ChainNode.objects.for_user(request.user).select_related("chain"), pk=pk
    )
    _require_editor(request)
    try:
        services.delete_node(actor=request.user, node=node, expected_version=_post_version(request))
    except ValidationError as error:
        _stale_or_invalid(request, error)
        return redirect("chains:node_edit", pk=node.pk)
    messages.success(request, _("The node was deleted."))
    return redirect(node.chain)


# --------------------------------------------------------------------------- enterprise links


@login_required
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Put an enterprise on a node."""
    node = get_object_or_404(
        ChainNode.objects.for_user(request.user).select_related("chain"), pk=pk
    )
    _require_editor(request)
    form = EnterpriseLinkForm(
        request.POST or None, enterprises=queries.linkable_enterprises(request.user)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _write(
            request,
            form,
            lambda: services.link_enterprise(
                actor=request.user,
                node=node,
                enterprise=form.cleaned_data["enterprise"],
                role=form.cleaned_data["role"],
                note=form.cleaned_data["note"],
            ),
            _("The enterprise was put on the node."),
        )
        if saved:
            return redirect("chains:node", pk=node.pk)
    return _form_page(
        request,
        form,
        title=_("Add an enterprise to {name}").format(name=node.name),
        back_url=reverse("chains:node", args=[node.pk]),
        chain=node.chain,
        status=status,
    )


def _scoped_link(request: HttpRequest, pk: int) -> EnterpriseNode:
    link: EnterpriseNode = get_object_or_404(
        EnterpriseNode.objects.for_user(request.user).select_related(
            "node", "node__chain", "enterprise"
        ),
        pk=pk,
    )
    return link


@login_required
def link_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an enterprise's role on a node."""
    link = _scoped_link(request, pk)
    _require_editor(request)
    form = EnterpriseLinkEditForm(request.POST or None, instance=link)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _write(
            request,
            form,
            lambda: services.update_link(
                actor=request.user,
                link=link,
                data=form.service_data(),
                expected_version=_version(form),
            ),
            _("The enterprise's role was saved."),
        )
        if saved:
            return redirect("chains:node", pk=link.node_id)
    return _form_page(
        request,
        form,
        title=_("{enterprise} on {node}").format(
            enterprise=link.enterprise.name, node=link.node.name
        ),
        back_url=reverse("chains:node", args=[link.node_id]),
        chain=link.node.chain,
        delete_url=reverse("chains:link_delete", args=[link.pk]),
        version=link.version,
        status=status,
    )


@login_required
@require_POST
def link_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an enterprise off a node."""
    link = _scoped_link(request, pk)
    _require_editor(request)
    try:
        services.unlink_enterprise(
            actor=request.user, link=link, expected_version=_post_version(request)
        )
    except ValidationError as error:
        _stale_or_invalid(request, error)
    else:
        messages.success(request, _("The enterprise was taken off the node."))
    return redirect("chains:node", pk=link.node_id)


# --------------------------------------------------------------------------- partners


@login_required
def partner_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a partner to a chain."""
    chain = get_object_or_404(Chain.objects.for_user(request.user), pk=pk)
    _require_editor(request)
    form = ChainPartnerForm(request.POST or None, chain=chain)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _write(
            request,
            form,
            lambda: services.create_partner(
                actor=request.user, chain=chain, data=form.service_data()
            ),
            _("The partner was added."),
        )
        if saved:
            return redirect(reverse("chains:detail", args=[chain.pk]) + "#partners")
    return _form_page(
        request,
        form,
        title=_("New partner of {chain}").format(chain=chain.name),
        back_url=chain.get_absolute_url(),
        chain=chain,
        status=status,
    )


def _scoped_partner(request: HttpRequest, pk: int) -> ChainPartner:
    partner: ChainPartner = get_object_or_404(
        ChainPartner.objects.for_user(request.user).select_related("chain"), pk=pk
    )
    return partner


@login_required
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a partner."""
    partner = _scoped_partner(request, pk)
    _require_editor(request)
    form = ChainPartnerForm(request.POST or None, instance=partner, chain=partner.chain)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _write(
            request,
            form,
            lambda: services.update_partner(
                actor=request.user,
                partner=partner,
                data=form.service_data(),
                expected_version=_version(form),
            ),
            _("The partner was saved."),
        )
        if saved:
            return redirect(reverse("chains:detail", args=[partner.chain_id]) + "#partners")
    return _form_page(
        request,
        form,
        title=_("Edit partner {name}").format(name=partner.name),
        back_url=partner.chain.get_absolute_url(),
        chain=partner.chain,
        delete_url=reverse("chains:partner_delete", args=[partner.pk]),
        version=partner.version,
        status=status,
    )


@login_required
@require_POST
def partner_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a partner."""
    partner = _scoped_partner(request, pk)
    _require_editor(request)
    try:
        services.delete_partner(
            actor=request.user, partner=partner, expected_version=_post_version(request)
        )
    except ValidationError as error:
        _stale_or_invalid(request, error)
        return redirect("chains:partner_edit", pk=partner.pk)
    messages.success(request, _("The partner was removed."))
    return redirect(reverse("chains:detail", args=[partner.chain_id]) + "#partners")


# --------------------------------------------------------------------------- bottlenecks


@login_required
def bottleneck_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a bottleneck on a node."""
    node = get_object_or_404(
        ChainNode.objects.for_user(request.user).select_related("chain"), pk=pk
    )
    _require_editor(request)
    form = BottleneckForm(request.POST or None, node=node)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _write(
            request,
            form,
            lambda: services.create_bottleneck(
                actor=request.user, node=node, data=form.service_data()
            ),
            _("The bottleneck was recorded."),
        )
        if saved:
            return redirect("chains:node", pk=node.pk)
    return _form_page(
        request,
        form,
        title=_("New bottleneck on {name}").format(name=node.name),
        back_url=reverse("chains:node", args=[node.pk]),
        chain=node.chain,
        status=status,
    )


def _scoped_bottleneck(request: HttpRequest, pk: int) -> Bottleneck:
    bottleneck: Bottleneck = get_object_or_404(
        Bottleneck.objects.for_user(request.user).select_related("node", "node__chain"), pk=pk
    )
    return bottleneck


@login_required
def bottleneck_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a bottleneck."""
    bottleneck = _scoped_bottleneck(request, pk)
    _require_editor(request)
    form = BottleneckForm(request.POST or None, instance=bottleneck, node=bottleneck.node)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _write(
            request,
            form,
            lambda: services.update_bottleneck(
                actor=request.user,
                bottleneck=bottleneck,
                data=form.service_data(),
                expected_version=_version(form),
            ),
            _("The bottleneck was saved."),
        )
        if saved:
            return redirect("chains:node", pk=bottleneck.node_id)
    return _form_page(
        request,
        form,
        title=_("Edit bottleneck"),
        back_url=reverse("chains:node", args=[bottleneck.node_id]),
        chain=bottleneck.node.chain,
        delete_url=reverse("chains:bottleneck_delete", args=[bottleneck.pk]),
        version=bottleneck.version,
        status=status,
    )


@login_required
@require_POST
def bottleneck_clear(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a bottleneck as cleared today."""
    bottleneck = _scoped_bottleneck(request, pk)
    _require_editor(request)
    try:
        services.clear_bottleneck(
            actor=request.user, bottleneck=bottleneck, expected_version=_post_version(request)
        )
    except ValidationError as error:
        _stale_or_invalid(request, error)
    else:
        messages.success(request, _("The bottleneck was recorded as cleared."))
    return redirect("chains:node", pk=bottleneck.node_id)


@login_required
@require_POST
def bottleneck_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a bottleneck recorded by mistake."""
    bottleneck = _scoped_bottleneck(request, pk)
    _require_editor(request)
    try:
        services.delete_bottleneck(
            actor=request.user, bottleneck=bottleneck, expected_version=_post_version(request)
        )
    except ValidationError as error:
        _stale_or_invalid(request, error)
        return redirect("chains:bottleneck_edit", pk=bottleneck.pk)
    messages.success(request, _("The bottleneck was removed."))
    return redirect("chains:node", pk=bottleneck.node_id)
