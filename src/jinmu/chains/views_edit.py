"""The editors' pages of the chains app: create, edit and delete chains' nodes, enterprise links,
partners and bottlenecks.

The pages differ only in the row they work on, so each verb has one view function, and a small
spec per kind of row says how to find the row (scoped by `for_user`: out of scope is a 404), which
form and service to use, and where to go next. Only chain editors reach them (403 otherwise,
after the 404 of a row out of scope). Writes go through `jinmu.chains.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jinmu.chains import queries, services
from jinmu.chains.forms import (
    BottleneckForm,
    ChainForm,
    ChainNodeForm,
    ChainPartnerForm,
    EnterpriseLinkEditForm,
    EnterpriseLinkForm,
    VersionForm,
)
from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner, EnterpriseNode
from jinmu.core.forms import run_write
from jinmu.core.scoping import ScopeKind, can_edit_chains, scope_for
from jinmu.core.types import AuthedRequest, User

View = Callable[..., HttpResponse]
Rows = Callable[[User], QuerySet[Any]]

# Model field → form field, where the form enters a value in other units.
FIELD_ALIASES = {"local_demand": "local_demand_wan", "weak_share_threshold": "threshold_percent"}


def _require_editor(request: AuthedRequest) -> None:
    """Only chain editors reach the forms (the object itself is scoped by the caller)."""
    if not can_edit_chains(request.user):
        raise PermissionDenied


def _version(form: forms.BaseForm) -> int | None:
    value = form.cleaned_data.get("version")
    return int(value) if value else None


def _post_version(request: AuthedRequest) -> int | None:
    form = VersionForm(request.POST)
    if not form.is_valid():
        return None
    return _version(form)


def _form_page(
    request: AuthedRequest,
    form: forms.BaseForm,
    *,
    title: str,
    back_url: str,
    chain: Chain | None = None,
    delete_url: str | None = None,
    version: int | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "title": title, "back_url": back_url}
    if chain is not None:
        context.update({"chain": chain, "delete_url": delete_url, "version": version})
    return render(request, "chains/form.html", context, status=status)


# --------------------------------------------------------------------------- kinds of row


@dataclass(frozen=True)
class Kind:
    """A kind of row: where it lives (scoped), the keyword services take it under, the page that
    shows it, its chain, and where its form's back button goes (its page unless said)."""

    rows: Rows
    noun: str
    page: Callable[[Any], str]
    chain: Callable[[Any], Chain]
    back: Callable[[Any], str] | None = None

    def back_url(self, row: Any) -> str:
        return (self.back or self.page)(row)


def _node_page(node_id: int) -> str:
    return reverse("chains:node", args=[node_id])


CHAIN = Kind(
    rows=lambda user: Chain.objects.for_user(user),
    noun="chain",
    page=lambda chain: chain.get_absolute_url(),
    chain=lambda chain: chain,
)
NODE = Kind(
    rows=lambda user: ChainNode.objects.for_user(user).select_related("chain"),
    noun="node",
    page=lambda node: _node_page(node.pk),
    chain=lambda node: node.chain,
)
LINK = Kind(
    rows=lambda user: EnterpriseNode.objects.for_user(user).select_related(
        "node", "node__chain", "enterprise"
    ),
    noun="link",
    page=lambda link: _node_page(link.node_id),
    chain=lambda link: link.node.chain,
)
PARTNER = Kind(
    rows=lambda user: ChainPartner.objects.for_user(user).select_related("chain"),
    noun="partner",
    page=lambda partner: reverse("chains:detail", args=[partner.chain_id]) + "#partners",
    chain=lambda partner: partner.chain,
    back=lambda partner: partner.chain.get_absolute_url(),
)
BOTTLENECK = Kind(
    rows=lambda user: Bottleneck.objects.for_user(user).select_related("node", "node__chain"),
    noun="bottleneck",
    page=lambda bottleneck: _node_page(bottleneck.node_id),
    chain=lambda bottleneck: bottleneck.node.chain,
)


# --------------------------------------------------------------------------- create


@dataclass(frozen=True)
class CreateSpec:
    """A row of `kind` created from its parent's page (a `parent` row): the form goes back to the
    parent's page, the saved row's page follows."""

    parent: Kind
    kind: Kind
    form: Callable[[AuthedRequest, Any], forms.BaseForm]
    create: Callable[[User, Any, forms.BaseForm], Any]  # (actor, parent, valid form) → row
    title: Callable[[Any], str]
    saved: str | Promise
    doc: str


def create_view(spec: CreateSpec) -> View:
    """The view that creates a row of `spec` under the parent the URL names."""

    @login_required
    def view(request: AuthedRequest, pk: int) -> HttpResponse:
        parent = get_object_or_404(spec.parent.rows(request.user), pk=pk)
        _require_editor(request)
        form = spec.form(request, parent)
        status = 200
        if request.method == "POST" and form.is_valid():
            created: list[Any] = []
            saved, status = run_write(
                request,
                form,
                lambda: created.append(spec.create(request.user, parent, form)),
                str(spec.saved),
                FIELD_ALIASES,
            )
            if saved:
                return redirect(spec.kind.page(created[0]))
        return _form_page(
            request,
            form,
            title=spec.title(parent),
            back_url=spec.parent.page(parent),
            chain=spec.parent.chain(parent),
            status=status,
        )

    view.__doc__ = spec.doc
    return view


def _node_form(request: AuthedRequest, chain: Chain) -> forms.BaseForm:
    """A node form, below the parent node named by `?parent=` if it is on the chain."""
    initial: dict[str, Any] = {}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        parent = ChainNode.objects.filter(chain=chain, pk=int(parent_id)).first()
        if parent is not None:
            initial = {"parent": parent, "segment": parent.segment}
    return ChainNodeForm(request.POST or None, chain=chain, initial=initial)


def _form_under(
    form_class: type[forms.BaseForm], parent: str
) -> Callable[[AuthedRequest, Any], forms.BaseForm]:
    """A new row's form, given the parent row under the keyword `parent`."""
    return lambda request, row: form_class(request.POST or None, **{parent: row})


def _form_of(
    form_class: type[forms.BaseModelForm[Any]], parent: str = ""
) -> Callable[[AuthedRequest, Any], forms.BaseForm]:
    """A row's form, given the row's `parent` (its attribute and the form's keyword)."""
    return lambda request, row: form_class(
        request.POST or None, instance=row, **({parent: getattr(row, parent)} if parent else {})
    )


def _data(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = form.service_data()  # type: ignore[attr-defined]
    return data


node_create = create_view(
    CreateSpec(
        parent=CHAIN,
        kind=NODE,
        form=_node_form,
        create=lambda actor, chain, form: services.create_node(
            actor=actor, chain=chain, data=_data(form)
        ),
        title=lambda chain: _("New node on {chain}").format(chain=chain.name),
        saved=gettext_lazy("The node was added."),
        doc="A new node on a chain (optionally below a given parent: `?parent=`).",
    )
)
link_create = create_view(
    CreateSpec(
        parent=NODE,
        kind=LINK,
        form=lambda request, node: EnterpriseLinkForm(
            request.POST or None, enterprises=queries.linkable_enterprises(request.user)
        ),
        create=lambda actor, node, form: services.link_enterprise(
            actor=actor, node=node, **form.cleaned_data
        ),
        title=lambda node: _("Add an enterprise to {name}").format(name=node.name),
        saved=gettext_lazy("The enterprise was put on the node."),
        doc="Put an enterprise on a node.",
    )
)
partner_create = create_view(
    CreateSpec(
        parent=CHAIN,
        kind=PARTNER,
        form=_form_under(ChainPartnerForm, "chain"),
        create=lambda actor, chain, form: services.create_partner(
            actor=actor, chain=chain, data=_data(form)
        ),
        title=lambda chain: _("New partner of {chain}").format(chain=chain.name),
        saved=gettext_lazy("The partner was added."),
        doc="Add a partner to a chain.",
    )
)
bottleneck_create = create_view(
    CreateSpec(
        parent=NODE,
        kind=BOTTLENECK,
        form=_form_under(BottleneckForm, "node"),
        create=lambda actor, node, form: services.create_bottleneck(
            actor=actor, node=node, data=_data(form)
        ),
        title=lambda node: _("New bottleneck on {name}").format(name=node.name),
        saved=gettext_lazy("The bottleneck was recorded."),
        doc="Record a bottleneck on a node.",
    )
)


# --------------------------------------------------------------------------- edit


@dataclass(frozen=True)
class EditSpec:
    """A row of `kind` edited on its own form; the service takes it under the kind's noun."""

    kind: Kind
    form: Callable[[AuthedRequest, Any], forms.BaseForm]
    update: Callable[..., Any]
    title: Callable[[Any], str]
    saved: str | Promise
    doc: str
    # The URL name of the row's delete action (the form shows its button and the version).
    delete: str | None = None


def edit_view(spec: EditSpec) -> View:
    """The view that edits the row of `spec` the URL names."""

    @login_required
    def view(request: AuthedRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(spec.kind.rows(request.user), pk=pk)
        _require_editor(request)
        form = spec.form(request, row)
        status = 200
        if request.method == "POST" and form.is_valid():
            saved, status = run_write(
                request,
                form,
                lambda: spec.update(
                    actor=request.user,
                    **{spec.kind.noun: row},
                    data=_data(form),
                    expected_version=_version(form),
                ),
                str(spec.saved),
                FIELD_ALIASES,
            )
            if saved:
                return redirect(spec.kind.page(row))
        return _form_page(
            request,
            form,
            title=spec.title(row),
            back_url=spec.kind.back_url(row),
            chain=spec.kind.chain(row),
            delete_url=reverse(spec.delete, args=[row.pk]) if spec.delete else None,
            version=row.version if spec.delete else None,
            status=status,
        )

    view.__doc__ = spec.doc
    return view


chain_edit = edit_view(
    EditSpec(
        kind=CHAIN,
        form=lambda request, chain: ChainForm(
            request.POST or None,
            instance=chain,
            can_reassign=scope_for(request.user).kind is ScopeKind.REGION,
        ),
        update=services.update_chain,
        title=lambda chain: _("Edit chain {name}").format(name=chain.name),
        saved=gettext_lazy("The chain was saved."),
        doc="A chain's settings: name, office, chief, weak-node threshold.",
    )
)
node_edit = edit_view(
    EditSpec(
        kind=NODE,
        form=_form_of(ChainNodeForm, "chain"),
        update=services.update_node,
        title=lambda node: _("Edit node {name}").format(name=node.name),
        saved=gettext_lazy("The node was saved."),
        delete="chains:node_delete",
        doc="Edit a node.",
    )
)
link_edit = edit_view(
    EditSpec(
        kind=LINK,
        form=_form_of(EnterpriseLinkEditForm),
        update=services.update_link,
        title=lambda link: _("{enterprise} on {node}").format(
            enterprise=link.enterprise.name, node=link.node.name
        ),
        saved=gettext_lazy("The enterprise's role was saved."),
        delete="chains:link_delete",
        doc="Change an enterprise's role on a node.",
    )
)
partner_edit = edit_view(
    EditSpec(
        kind=PARTNER,
        form=_form_of(ChainPartnerForm, "chain"),
        update=services.update_partner,
        title=lambda partner: _("Edit partner {name}").format(name=partner.name),
        saved=gettext_lazy("The partner was saved."),
        delete="chains:partner_delete",
        doc="Edit a partner.",
    )
)
bottleneck_edit = edit_view(
    EditSpec(
        kind=BOTTLENECK,
        form=_form_of(BottleneckForm, "node"),
        update=services.update_bottleneck,
        title=lambda bottleneck: _("Edit bottleneck"),
        saved=gettext_lazy("The bottleneck was saved."),
        delete="chains:bottleneck_delete",
        doc="Edit a bottleneck.",
    )
)


# --------------------------------------------------------------------------- delete, clear


def action_view(
    kind: Kind,
    act: Callable[..., Any],
    done_message: str | Promise,
    *,
    doc: str,
    done: Callable[[Any], str] | None = None,
    refused: str | None = None,
) -> View:
    """The view of a POST action on a row of `kind` (delete, unlink, clear) with the version it
    was shown at. It goes on to `done` (the row's page unless said); a refused action goes back
    to the URL named `refused` (the row's form), or else to the row's page."""

    @login_required
    @require_POST
    def view(request: AuthedRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(kind.rows(request.user), pk=pk)
        _require_editor(request)
        try:
            act(actor=request.user, **{kind.noun: row}, expected_version=_post_version(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse(refused, args=[row.pk]) if refused else kind.page(row))
        messages.success(request, str(done_message))
        return redirect((done or kind.page)(row))

    view.__doc__ = doc
    return view


node_delete = action_view(
    NODE,
    services.delete_node,
    gettext_lazy("The node was deleted."),
    done=lambda node: node.chain.get_absolute_url(),
    refused="chains:node_edit",
    doc="Delete a node with its sub-nodes, links and bottlenecks.",
)
link_delete = action_view(
    LINK,
    services.unlink_enterprise,
    gettext_lazy("The enterprise was taken off the node."),
    doc="Take an enterprise off a node.",
)
partner_delete = action_view(
    PARTNER,
    services.delete_partner,
    gettext_lazy("The partner was removed."),
    refused="chains:partner_edit",
    doc="Remove a partner.",
)
bottleneck_clear = action_view(
    BOTTLENECK,
    services.clear_bottleneck,
    gettext_lazy("The bottleneck was recorded as cleared."),
    doc="Record a bottleneck as cleared today.",
)
bottleneck_delete = action_view(
    BOTTLENECK,
    services.delete_bottleneck,
    gettext_lazy("The bottleneck was removed."),
    refused="chains:bottleneck_edit",
    doc="Remove a bottleneck recorded by mistake.",
)


# --------------------------------------------------------------------------- a new chain


@login_required
def chain_create(request: AuthedRequest) -> HttpResponse:
    """A new chain (industry office)."""
    _require_editor(request)
    if scope_for(request.user).kind is not ScopeKind.REGION:
        raise PermissionDenied
    form = ChainForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        created: list[Chain] = []
        saved, status = run_write(
            request,
            form,
            lambda: created.append(services.create_chain(actor=request.user, data=_data(form))),
            _("The chain was created."),
            FIELD_ALIASES,
        )
        if saved:
            return redirect(created[0])
    return _form_page(
        request, form, title=_("New chain"), back_url=reverse("chains:list"), status=status
    )
