"""Target pages (detail): a target's record with the items behind its number, its parts and
its history; the create/edit form, the decomposition page and a department's monthly value.

Reads start from `Target.objects.for_user`, so a target out of scope is a 404; writes go
through `jinmu.targets.services`, which check rights, versions, units and sums — a refused
write stores nothing and comes back on the form, field by field.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jinmu.core.forms import add_row_errors, expected_version, mark_invalid, try_write
from jinmu.core.models import Region
from jinmu.core.scoping import scope_for
from jinmu.targets import services
from jinmu.targets.choices import Aggregation, Bound, IndicatorSource
from jinmu.targets.forms import (
    MAX_PART_ROWS,
    PartFormSet,
    ReportValueForm,
    TargetForm,
    bounded_int,
    holder_choices,
)
from jinmu.targets.measures import Item
from jinmu.targets.models import Indicator, ReportedValue, Target, TargetSnapshot
from jinmu.targets.progress import TargetProgress, evaluate_many
from jinmu.targets.views.board import require_scope

# The whole of a part is not joined: a town must not read the county's target through its part.
_RELATIONS = ("indicator", "region", "responsible_unit", "chain", "chain__office")
_PART_RELATIONS = ("indicator", "region", "responsible_unit", "chain", "chain__office")
# Service error keys naming the holder of a decomposition row.
# The service names a part's holder by kind; the page has one "held by" select.
_HOLDER_ALIASES = {"town": "holder", "unit": "holder", "chain": "holder"}
# Recent reported values listed under the report form.
RECENT_VALUES = 30


def _visible_target(request: HttpRequest, pk: int) -> Target:
    """The target if it is in the user's scope; 404 otherwise (403 for a role without a
    scope)."""
    require_scope(request)
    target: Target = get_object_or_404(
        Target.objects.for_user(request.user).select_related(*_RELATIONS), pk=pk
    )
    return target


def _require_manager(request: HttpRequest) -> None:
    """Refuse unless the user keeps targets."""
    if not services.can_manage_targets(request.user):
        raise PermissionDenied(_("Only the industry office can set targets."))


def _sees_whole_region(user: Any, target: Target) -> bool:
    """Whether the user is region-wide for the target's region (and so sees all its parts)."""
    scope = scope_for(user)
    return scope.is_region_wide and target.region_id.startswith(scope.region_prefix)


def _parts_add_up(target: Target) -> bool:
    """Whether a sum of the parts means anything: additive, and not a rate."""
    return bool(target.additive) and target.indicator.aggregation != Aggregation.RATE


def _percent(share: Decimal | None) -> float | None:
    """A share as a percentage with one decimal, for the chart."""
    if share is None:
        return None
    return float((share * 100).quantize(Decimal("0.1")))


def _item_rows(items: Sequence[Item]) -> list[dict[str, Any]]:
    """The measured items with the link to each one's page."""
    return [{"item": item, "url": reverse(item.url_name, args=[item.id])} for item in items]


def _history(
    snapshots: Sequence[TargetSnapshot], tp: TargetProgress, today: dt.date
) -> dict[str, Any]:
    """Chart data: progress and 序时 by month's end, plus today's point."""
    labels = [f"{s.month:%Y-%m}" for s in snapshots]
    progress = [_percent(s.progress) for s in snapshots]
    expected = [_percent(s.expected) for s in snapshots]
    if today >= tp.target.starts_on and (not snapshots or snapshots[-1].month < today):
        labels.append(f"{today:%Y-%m-%d}")
        progress.append(_percent(tp.progress))
        expected.append(_percent(tp.expected))
    return {
        "labels": labels,
        "progress": progress,
        "expected": expected,
        "names": {"progress": _("Share reached"), "expected": _("序时 (expected)")},
    }


def _parts_summary(
    user: Any, target: Target, parts: Sequence[Target], progress: dict[int, TargetProgress]
) -> dict[str, Any] | None:
    """The parts' sum against the whole, in target values and in what was measured; None when
    the parts do not add up (not additive, or a rate) or the user does not see them all."""
    if not parts or not _parts_add_up(target) or not _sees_whole_region(user, target):
        return None
    whole = services.whole_of(target)
    # A region-wide user sees every part, so the list on the page is all of them.
    total = sum((Decimal(p.value) for p in parts), Decimal(0))
    measured = [progress[p.pk].measured for p in parts]
    known = [m for m in measured if m is not None]
    return {
        "whole": whole,
        "total": total,
        "remaining": whole - total,
        "exceeds": target.additive and total > whole,
        "measured_total": sum(known, Decimal(0)) if known else None,
        "share": total / whole if whole else None,
    }


@login_required
@require_GET
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A target: its goal, progress now, the items behind the number, its parts and history."""
    user = request.user
    target = _visible_target(request, pk)
    parts = list(
        Target.objects.for_user(user)
        .filter(parent=target)
        .select_related(*_PART_RELATIONS)
        .order_by("region_id", "id")
    )
    today = timezone.localdate()
    progress = evaluate_many([target, *parts], today)
    tp = progress[target.pk]
    reported: list[ReportedValue] = []
    if target.indicator.source == IndicatorSource.REPORTED:
        reported = list(
            ReportedValue.objects.for_user(user)
            .filter(
                indicator=target.indicator,
                region_id=target.region_id,
                month__range=(target.starts_on, target.ends_on),
            )
            .select_related("reporting_unit", "reported_by")
            .order_by("-month")
        )
    snapshots = list(TargetSnapshot.objects.filter(target=target).order_by("month"))
    # The whole is named (and linked) only when the user may open it.
    parent: Target | None = None
    parent_url = None
    if target.parent_id:
        parent = Target.objects.for_user(user).filter(pk=target.parent_id).first()
        if parent is not None:
            parent_url = reverse("targets:detail", args=[parent.pk])
    can_manage = services.can_manage_targets(user)
    items = _item_rows(tp.items)
    context = {
        "target": target,
        "tp": tp,
        "today": today,
        "items": items,
        "items_have_amounts": any(row["item"].amount is not None for row in items),
        "reported": reported,
        "parts": [(part, progress[part.pk]) for part in parts],
        "parts_summary": _parts_summary(user, target, parts, progress),
        "parts_add_up": _parts_add_up(target),
        "parent": parent,
        "parent_url": parent_url,
        "snapshots": snapshots,
        "chart": _history(snapshots, tp, today),
        "can_manage": can_manage,
        "can_report": target.indicator.source == IndicatorSource.REPORTED
        and services.can_report_indicator(user, target.indicator),
    }
    return render(request, "targets/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest) -> HttpResponse:
    """Set a new target (the industry office)."""
    _require_manager(request)
    initial: dict[str, Any] = {"year": timezone.localdate().year}
    code = request.GET.get("indicator")
    if code:
        initial["indicator"] = code
    form = TargetForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = try_write(
            request,
            form,
            lambda: services.create_target(actor=request.user, data=form.service_data()),
        )
        if saved is not None:
            messages.success(request, _("Target {name} created.").format(name=saved.name))
            return redirect("targets:detail", pk=saved.pk)
    mark_invalid(form)
    context = {"form": form, "target": None}
    return render(request, "targets/target_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a target; a form opened on an older version is refused."""
    target = _visible_target(request, pk)
    _require_manager(request)
    form = TargetForm(request.POST or None, user=request.user, instance=target)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = try_write(
            request,
            form,
            # The service works on a copy: a refused edit must not rename the page's heading.
            lambda: services.update_target(
                actor=request.user,
                target=copy.copy(target),
                data=form.service_data(),
                expected_version=expected_version(form),
            ),
        )
        if saved is not None:
            messages.success(request, _("Changes to {name} saved.").format(name=saved.name))
            return redirect("targets:detail", pk=saved.pk)
    mark_invalid(form)
    context = {"form": form, "target": target}
    return render(request, "targets/target_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def target_decompose(request: HttpRequest, pk: int) -> HttpResponse:
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
    existing = list(
        Target.objects.filter(parent=target)
        .select_related(*_PART_RELATIONS)
        .order_by("region_id", "id")
    )
    whole = services.whole_of(target)
    total = sum((Decimal(p.value) for p in existing), Decimal(0))
    context = {
        "target": target,
        "formset": formset,
        "page_errors": page_errors + [str(e) for e in formset.non_form_errors()],
        "existing": existing,
        "whole": whole,
        "decomposed": total,
        "remaining": whole - total,
        "show_value_high": target.bound == Bound.RANGE,
        "can_add_rows": formset.total_form_count() < MAX_PART_ROWS,
    }
    return render(request, "targets/decompose_form.html", context)


def _value_to_correct(request: HttpRequest, region: Region) -> ReportedValue | None:
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
def report_value(request: HttpRequest) -> HttpResponse:
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
    recent = list(
        ReportedValue.objects.for_user(user)
        .select_related("indicator", "reporting_unit", "reported_by")
        .order_by("-month", "-updated_at")[:RECENT_VALUES]
    )
    # The "Correct" link: only the user's region and the indicators the user may report.
    may_report: dict[int, bool] = {}
    for row_ in recent:
        if row_.indicator_id not in may_report:
            may_report[row_.indicator_id] = services.can_report_indicator(user, row_.indicator)
    correctable = {
        row_.pk
        for row_ in recent
        if row_.region_id == region.code and may_report[row_.indicator_id]
    }
    mark_invalid(form)
    context = {
        "form": form,
        "recent": recent,
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
