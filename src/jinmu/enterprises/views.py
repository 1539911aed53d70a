"""Pages of the enterprise register: the filtered list, the record, and its create/edit form."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jinmu.core.forms import add_service_errors
from jinmu.core.money import in_wan
from jinmu.core.scoping import Scope, ScopeKind, can_edit_enterprises, scope_for
from jinmu.core.types import AuthedRequest
from jinmu.enterprises import extensions
from jinmu.enterprises.filtersets import EnterpriseFilterSet
from jinmu.enterprises.forms import EnterpriseForm
from jinmu.enterprises.models import AnnualFigures, Enterprise, Qualification
from jinmu.enterprises.services import create_enterprise, update_enterprise
from jinmu.enterprises.tables import ENTERPRISES, figures_table

PAGE_SIZE = 25
LIST_ORDER = ("name_pinyin", "id")
# The columns the register's table shows (`jinmu.enterprises.tables.ENTERPRISES`) and its order:
# a page of whole rows (addresses, contacts, former names …) and of their units cost a third
# more to read.
LIST_FIELDS = (
    "name",
    "uscc",
    "scale",
    "status",
    "name_pinyin",
    "region__name",
    "park__name",
    "industry__code",
    "industry__name",
)
_WRITING_SCOPES = (ScopeKind.REGION, ScopeKind.TOWN, ScopeKind.PARK)
# Rows of the figures table: (field, label, kind); money is shown in 万元.
FIGURE_COLUMNS: tuple[tuple[str, Any, str], ...] = (
    ("operating_revenue", gettext_lazy("Operating revenue"), "money"),
    ("industrial_output", gettext_lazy("Industrial output value"), "money"),
    ("value_added", gettext_lazy("Value added"), "money"),
    ("total_profit", gettext_lazy("Total profit"), "money"),
    ("tax_paid", gettext_lazy("Tax paid"), "money"),
    ("rd_expense", gettext_lazy("R&D expense"), "money"),
    ("export_value", gettext_lazy("Export value"), "money"),
    ("assets", gettext_lazy("Total assets"), "money"),
    ("liabilities", gettext_lazy("Total liabilities"), "money"),
    ("employees", gettext_lazy("Employees"), "count"),
    ("st_staff", gettext_lazy("S&T staff"), "count"),
    ("land_area_mu", gettext_lazy("Land area (mu)"), "quantity"),
    ("energy_tce", gettext_lazy("Energy use (tce)"), "quantity"),
    ("emissions", gettext_lazy("Emissions (t)"), "quantity"),
)
# Series of the figures chart: (field, chart type), money in 万元.
CHART_SERIES: tuple[tuple[str, str], ...] = (
    ("operating_revenue", "bar"),
    ("industrial_output", "bar"),
    ("tax_paid", "line"),
    ("rd_expense", "line"),
)
_LABELS = {field: label for field, label, _kind in FIGURE_COLUMNS}


def _module_scope(request: AuthedRequest) -> Scope:
    """The user's scope; roles that have no enterprises to see (security admin, auditor, bank,
    judge, an enterprise user not linked to an enterprise) get 403 on every page."""
    scope = scope_for(request.user)
    if scope.kind is ScopeKind.NONE:
        raise PermissionDenied(_("Your role has no access to the enterprise register."))
    return scope


def _may_write(request: AuthedRequest, scope: Scope) -> bool:
    return can_edit_enterprises(request.user) and scope.kind in _WRITING_SCOPES


def _is_htmx_partial(request: AuthedRequest) -> bool:
    """An HTMX request for a fragment (a back-button history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _filters_on_screen(params: QueryDict) -> QueryDict:
    """`params` without the cursor and without empty values."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        if key != "cursor" and any(values):
            query.setlist(key, [v for v in values if v])
    return query


@login_required
@require_GET
def enterprise_list(request: AuthedRequest) -> HttpResponse:
    """The register, filtered, searched and paged by cursor; the table alone for HTMX."""
    scope = _module_scope(request)
    filterset = EnterpriseFilterSet(
        request.GET or None, queryset=Enterprise.objects.for_user(request.user), request=request
    )
    filtered = filterset.qs
    rows = (
        filtered.select_related("region", "park", "industry")
        .only(*LIST_FIELDS)
        .with_latest_revenue()
    )
    # The filters on screen, without the cursor or empty fields (the export link and page 1).
    query = _filters_on_screen(request.GET)
    # The total counts the plain filtered rows (no subqueries, no joins), capped.
    table = ENTERPRISES.page(
        request, rows, order=LIST_ORDER, page_size=PAGE_SIZE, count_from=filtered, first_query=query
    )
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "table": table,
        "page": table.page,
        "next_url": table.next_url,
        "query_string": query.urlencode(),
        "can_edit": _may_write(request, scope),
        "is_partial": _is_htmx_partial(request),
    }
    template = "enterprises/_table.html" if context["is_partial"] else "enterprises/list.html"
    return render(request, template, context)


def chart_data(figures: list[AnnualFigures]) -> dict[str, Any]:
    """Years and money series (万元) for the ECharts figures chart."""
    rows = sorted(figures, key=lambda row: row.year)

    def wan(value: Any) -> float | None:
        amount = in_wan(value)
        return None if amount is None else float(amount)

    return {
        "years": [str(row.year) for row in rows],
        "unit": _("10k yuan"),
        "series": [
            {
                "name": str(_LABELS[field]),
                "type": kind,
                "data": [wan(getattr(row, field)) for row in rows],
            }
            for field, kind in CHART_SERIES
        ],
    }


def _visible_enterprise(request: AuthedRequest, pk: int) -> Enterprise:
    """The enterprise if it is in the user's scope; 404 otherwise."""
    enterprise: Enterprise = get_object_or_404(
        Enterprise.objects.for_user(request.user).select_related("region", "park", "industry"),
        pk=pk,
    )
    return enterprise


@login_required
@require_GET
def enterprise_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """An enterprise's record: master data, chains, figures over the years, qualifications."""
    scope = _module_scope(request)
    enterprise = _visible_enterprise(request, pk)
    figures = list(
        AnnualFigures.objects.for_user(request.user).filter(enterprise=enterprise).order_by("-year")
    )
    qualifications = list(
        Qualification.objects.for_user(request.user)
        .filter(enterprise=enterprise)
        .select_related("kind")
        .order_by("kind__ladder_rank", "kind__name", "-granted_on")
    )
    context = {
        "enterprise": enterprise,
        "figures": figures,
        "figures_table": figures_table([row.year for row in figures]).of(
            [
                {"label": label, "kind": kind, "values": [getattr(row, field) for row in figures]}
                for field, label, kind in FIGURE_COLUMNS
            ]
            if figures
            else []
        ),
        "chart": chart_data(figures),
        "qualifications": [(q, q.expiry_state()) for q in qualifications],
        # Cards of the apps above the register (the chains the enterprise is on).
        "panels": extensions.panels(request, enterprise, scope),
        "can_edit": _may_write(request, scope),
    }
    return render(request, "enterprises/detail.html", context)


@login_required
@require_GET
def figures_chart_data(request: AuthedRequest, pk: int) -> JsonResponse:
    """The figures chart's data as JSON (same scope as the record)."""
    _module_scope(request)
    enterprise = _visible_enterprise(request, pk)
    figures = list(AnnualFigures.objects.for_user(request.user).filter(enterprise=enterprise))
    return JsonResponse(chart_data(figures))


def _enterprise_form(
    request: AuthedRequest,
    form: EnterpriseForm,
    enterprise: Enterprise | None,
    write: Callable[[], Enterprise],
    success: str,
) -> HttpResponse:
    """The enterprise form page, new (`enterprise` None) or edit: a valid post is written by
    `write` (a refusal goes on the form) and leads to the record, with `success` said."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = write()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success.format(name=saved))
            return redirect(saved)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request: AuthedRequest) -> HttpResponse:
    """Record a new enterprise (editors, inside their town, park or region)."""
    scope = _module_scope(request)
    if not _may_write(request, scope):
        raise PermissionDenied(_("You may not record enterprises."))
    form = EnterpriseForm(request.POST or None, scope=scope)
    return _enterprise_form(
        request,
        form,
        None,
        lambda: create_enterprise(actor=request.user, data=form.service_data()),
        _("Enterprise {name} recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit an enterprise's master data; a form opened on an older version is refused."""
    scope = _module_scope(request)
    enterprise = _visible_enterprise(request, pk)
    if not _may_write(request, scope):
        raise PermissionDenied(_("You may not change enterprise records."))
    # The form works on its own copy: a refused edit must not rename the page's heading.
    form = EnterpriseForm(request.POST or None, instance=copy.copy(enterprise), scope=scope)
    return _enterprise_form(
        request,
        form,
        enterprise,
        lambda: update_enterprise(
            actor=request.user,
            enterprise=enterprise,
            data=form.service_data(),
            expected_version=form.expected_version,
        ),
        _("Changes to {name} saved."),
    )
