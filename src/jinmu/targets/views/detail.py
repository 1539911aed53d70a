"""Target pages (detail): a target's record with the items behind its number, its parts and
its history; the create/edit form, the decomposition page and a department's monthly value.

Reads start from `Target.objects.for_user`, so a target out of scope is a 404; writes go
through `jinmu.targets.services`, which check rights, versions, units and sums — a refused
write stores nothing and comes back on the form, field by field.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jinmu.core.forms import add_row_errors, expected_version, mark_invalid, try_write
from jinmu.core.models import Region
from jinmu.core.tables import BoundTable
from jinmu.core.types import AuthedRequest
from jinmu.targets import queries, services, tables
from jinmu.targets.choices import Bound, IndicatorSource
from jinmu.targets.forms.parts import MAX_PART_ROWS, PartFormSet, holder_choices
from jinmu.targets.forms.report import ReportValueForm
from jinmu.targets.forms.target import TargetForm, bounded_int
from jinmu.targets.freshness import Generation
from jinmu.targets.models import Indicator, ReportedValue, Target
from jinmu.targets.recent import recent_values
from jinmu.targets.rows import Item
from jinmu.targets.views.board import require_scope

_RELATIONS = ("indicator", "region", "responsible_unit", "chain", "chain__office")
# Items listed behind a number until the user asks for all of them (`?items=all`): a target
# of a large county counts over a thousand enterprises.
SHOWN_ITEMS = 50
# An id no page has, reversed once per kind of item and replaced by each item's id.
_ID_MARK = 918273645
# The service names a part's holder by kind; the page has one "held by" select.
_HOLDER_ALIASES = {"town": "holder", "unit": "holder", "chain": "holder"}


def _visible_target(request: AuthedRequest, pk: int) -> Target:
    """The target if it is in the user's scope; 404 otherwise (403 for a role without a
    scope)."""
    require_scope(request)
    target: Target = get_object_or_404(
        Target.objects.for_user(request.user).select_related(*_RELATIONS), pk=pk
    )
    return target


def _require_manager(request: AuthedRequest) -> None:
    """Refuse unless the user keeps targets."""
    if not services.can_manage_targets(request.user):
        raise PermissionDenied(_("Only the industry office can set targets."))


def _item_rows(items: Sequence[Item]) -> list[dict[str, Any]]:
    """The measured items with the link to each one's page (one `reverse()` per kind of
    item, not per item)."""
    patterns: dict[str, str] = {}
    rows = []
    for item in items:
        pattern = patterns.get(item.url_name)
        if pattern is None:
            pattern = patterns[item.url_name] = reverse(item.url_name, args=[_ID_MARK])
        rows.append({"item": item, "url": pattern.replace(str(_ID_MARK), str(item.id))})
    return rows


def _shown_count(request: AuthedRequest) -> int | None:
    """How many items the page lists: `SHOWN_ITEMS`, or all of them (None) when asked."""
    return None if request.GET.get("items") == "all" else SHOWN_ITEMS


def _target_form_page(
    request: AuthedRequest,
    form: TargetForm,
    target: Target | None,
    write: Callable[[], Target],
    done: str,
) -> HttpResponse:
    """The create or edit page: a valid post is written (`done` names the saved target in the
    message) and opens the target; otherwise the form shows again with its errors."""
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = try_write(request, form, write)
        if saved is not None:
            messages.success(request, done.format(name=saved.name))
            return redirect("targets:detail", pk=saved.pk)
    mark_invalid(form)
    context = {"form": form, "target": target}
    return render(request, "targets/target_form.html", context, status=status)


def _items_table(
    target: Target, items: Sequence[Item], shown: Sequence[Item], reported: Any
) -> BoundTable:
    """What the number is made of: the values a department reported, or the measured items
    (the shown ones; the amount column when any item has an amount)."""
    if target.indicator.source == IndicatorSource.REPORTED:
        return tables.REPORTED.of(reported)
    amounts = any(item.amount is not None for item in items)
    return tables.items_table(amounts=amounts).of(_item_rows(shown))


@login_required
@require_GET
def target_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A target: its goal, progress now, the items behind the number, its parts and history."""
    user = request.user
    require_scope(request)
    # The target and its parts in one read (404 for a target out of scope), both cached
    # under the generation of what they are read from (one query).
    generation = Generation.read()
    target, parts = queries.target_and_parts(user, pk, generation)
    if target is None:
        raise Http404
    # Only the listed items are named (a large county's target counts over a thousand).
    count = _shown_count(request)
    detail = queries.target_detail(user, target, timezone.localdate(), parts, generation, count)
    items = detail.progress.items
    shown = list(items[:count])
    parent = detail.parent
    can_manage = services.can_manage_targets(user)
    context = {
        "target": target,
        "tp": detail.progress,
        "today": detail.today,
        "items": items,
        "shown_items": len(shown),
        "reported": detail.reported,
        "items_table": _items_table(target, items, shown, detail.reported),
        "parts": detail.parts,
        "parts_summary": detail.parts_summary,
        "parts_add_up": detail.parts_add_up,
        "parts_table": tables.parts_table(
            target=target, summed=bool(detail.parts_summary), can_manage=can_manage
        ).of(detail.parts),
        "parent": parent,
        # The whole is named (and linked) only when the user may open it.
        "parent_url": reverse("targets:detail", args=[parent.pk]) if parent else None,
        "snapshots_table": tables.SNAPSHOTS.of(detail.snapshots),
        "chart": detail.chart,
        "can_manage": can_manage,
        "can_report": target.indicator.source == IndicatorSource.REPORTED
        and services.can_report_indicator(user, target.indicator),
    }
    return render(request, "targets/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request: AuthedRequest) -> HttpResponse:
    """Set a new target (the industry office)."""
    _require_manager(request)
    initial: dict[str, Any] = {"year": timezone.localdate().year}
    code = request.GET.get("indicator")
    if code:
        initial["indicator"] = code
    form = TargetForm(request.POST or None, user=request.user, initial=initial)
    return _target_form_page(
        request,
        form,
        None,
        lambda: services.create_target(actor=request.user, data=form.service_data()),
        _("Target {name} created."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a target; a form opened on an older version is refused."""
    target = _visible_target(request, pk)
    _require_manager(request)
    form = TargetForm(request.POST or None, user=request.user, instance=target)
    return _target_form_page(
        request,
        form,
        target,
        # The service works on a copy: a refused edit must not rename the page's heading.
        lambda: services.update_target(
            actor=request.user,
            target=copy.copy(target),
            data=form.service_data(),
            expected_version=expected_version(form),
        ),
        _("Changes to {name} saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_decompose(request: AuthedRequest, pk: int) -> HttpResponse:
    """Split a target into parts held by towns, parks, departments or chains; every row is
    stored, or none."""
    target = _visible_target(request, pk)
    _require_manager(request)
    holders = holder_choices(target, request.user)
    data: QueryDict | None = request.POST or None
    adding = data is not None and "more" in data
    if data is not None and adding:
        # "More rows": the same page with three more empty rows, the typed rows kept and
        # nothing stored yet (no script needed, so it works in any browser).
        data = data.copy()
        shown = bounded_int(data.get("parts-TOTAL_FORMS"), 0, MAX_PART_ROWS) or 0
        data["parts-TOTAL_FORMS"] = str(min(shown + 3, MAX_PART_ROWS))
    formset = PartFormSet(data, holders=holders, prefix="parts")
    page_errors: list[str] = []
    if request.method == "POST" and not adding and formset.is_valid():
        rows = formset.filled()
        try:
            created = services.decompose(
                actor=request.user, target=target, parts=[form.part() for _i, form in rows]
            )
        except ValidationError as error:
            page_errors += add_row_errors(
                error, "parts", [form for _index, form in rows], _HOLDER_ALIASES
            )
        else:
            messages.success(
                request,
                _("{count} parts of {name} saved.").format(count=len(created), name=target.name),
            )
            return redirect("targets:detail", pk=target.pk)
    for form in formset.forms:
        mark_invalid(form)
    parts = queries.decomposition(target)
    context = {
        "target": target,
        "formset": formset,
        "page_errors": page_errors + [str(e) for e in formset.non_form_errors()],
        "existing": parts.existing,
        "whole": parts.whole,
        "decomposed": parts.decomposed,
        "remaining": parts.remaining,
        "show_value_high": target.bound == Bound.RANGE,
        "can_add_rows": formset.total_form_count() < MAX_PART_ROWS,
    }
    return render(request, "targets/decompose_form.html", context)


def _value_to_correct(request: AuthedRequest, region: Region) -> ReportedValue | None:
    """The stored value a "correct" link (`?correct=<pk>`) opens, in the user's region."""
    pk = bounded_int(request.GET.get("correct"), 1, 2**63 - 1)
    if pk is None:
        return None
    row: ReportedValue | None = (
        ReportedValue.objects.for_user(request.user)
        .filter(pk=pk, region=region)
        .select_related("indicator")
        .first()
    )
    if row is not None and not services.can_report_indicator(request.user, row.indicator):
        return None
    return row


@login_required
@require_http_methods(["GET", "POST"])
def report_value(request: AuthedRequest) -> HttpResponse:
    """A department enters a reported indicator's value for a month, with its evidence."""
    user = request.user
    if not services.can_report_values(user):
        raise PermissionDenied(_("Only departments report indicator values."))
    region = services.actor_region(user)
    if region is None:
        raise PermissionDenied(_("You may only report values for your own region."))
    initial: dict[str, Any] = {}
    code = request.GET.get("indicator")
    if code and Indicator.objects.filter(code=code, source=IndicatorSource.REPORTED).exists():
        initial["indicator"] = code
    correcting = _value_to_correct(request, region)
    form = ReportValueForm(request.POST or None, initial=initial, user=user, correcting=correcting)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row, status = try_write(
            request,
            form,
            lambda: services.report_value(
                actor=user,
                indicator=data["indicator"],
                region_code=region.code,
                month=data["month"],
                value=data["value"],
                evidence=data["evidence"],
                expected_version=expected_version(form),
            ),
        )
        if row is not None:
            messages.success(
                request,
                _("{indicator} for {month} recorded.").format(
                    indicator=row.indicator.name, month=f"{row.month:%Y-%m}"
                ),
            )
            return redirect("targets:report_value")
    recent, correctable = recent_values(user, region)
    mark_invalid(form)
    context = {
        "form": form,
        "recent_table": tables.RECENT.of(recent),
        "correctable": correctable,
        "region": region,
        "correcting": correcting,
    }
    return render(request, "targets/report_value_form.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("new/", target_create, name="create"),
    path("report/", report_value, name="report_value"),
    path("<int:pk>/", target_detail, name="detail"),
    path("<int:pk>/edit/", target_edit, name="edit"),
    path("<int:pk>/decompose/", target_decompose, name="decompose"),
]
