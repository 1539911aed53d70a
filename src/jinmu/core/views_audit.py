"""The audit log pages: the filtered list (row changes and events alike) and its Excel export.

Both read the same rows: the audit administrator and county leaders, scoped to their region,
through the same filters (`AuditFilterForm`). The export is itself audited.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinmu.core import tables
from jinmu.core.audit import record_event
from jinmu.core.choices import AuditAction
from jinmu.core.excel import TEXT, Column, write_export
from jinmu.core.forms_audit import AuditFilterForm
from jinmu.core.models import AuditLog
from jinmu.core.pagination import page_url
from jinmu.core.permissions import has_action
from jinmu.core.scoping import ScopeKind, can_read_audit, scope_for
from jinmu.core.types import AuthedRequest
from jinmu.core.views_excel import xlsx_response

# Rows read per database round trip while an export is written.
EXPORT_CHUNK = 2000

ENTRIES = tables.Table(
    columns=(
        tables.Column(gettext_lazy("Time"), "time", date="Y-m-d H:i:s", css="text-nowrap"),
        tables.Column(gettext_lazy("User"), "actor_name"),
        tables.Column(
            gettext_lazy("Action"),
            "get_action_display",
            css="text-nowrap",
            attrs=lambda entry: {"data-action": entry.action},
        ),
        tables.Column(gettext_lazy("Object"), template="core/_audit_object.html"),
        tables.Column(gettext_lazy("Changes"), template="core/_audit_changes.html", css="small"),
        tables.Column(gettext_lazy("Client address"), "remote_addr", css="small text-nowrap"),
        tables.Column(
            gettext_lazy("Request id"),
            lambda entry: Truncator(entry.request_id).chars(10),
            css="small text-secondary",
        ),
    ),
    empty=gettext_lazy("No entries."),
    total=gettext_lazy("%(n)s entries"),
)


def scoped_entries(request: AuthedRequest) -> QuerySet[AuditLog]:
    """The audit rows the user may read (403 for everyone else)."""
    if not can_read_audit(request.user):
        raise PermissionDenied
    scope = scope_for(request.user)
    entries = AuditLog.objects.select_related("content_type")
    # Rows of no region (a failed sign-in under an unknown name, a system load) belong to no
    # county's business data and are what an auditor must see: everyone who reads the log
    # sees them.
    unplaced = Q(region__isnull=True)
    if scope.kind is ScopeKind.REGION:
        return entries.filter(Q(region__code__startswith=scope.region_prefix) | unplaced)
    # An audit admin without a region-wide role reads their own region's log.
    region = getattr(request.user, "region", None)
    if region is not None:
        entries = entries.filter(Q(region__code__startswith=region.scope_prefix) | unplaced)
    return entries


@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    """The audit log, for the audit admin and county leaders, newest first."""
    form = AuditFilterForm(request.GET)
    table = ENTRIES.page(
        request, form.filter(scoped_entries(request)), order=("-time", "-id"), page_size=50
    )
    return render(
        request,
        "core/audit_log.html",
        {
            "table": table,
            "form": form,
            "export_url": (
                reverse("audit_export") + page_url(request.GET, None)
                if has_action(request.user, "core.export_auditlog")
                else ""
            ),
        },
        status=200 if form.is_valid() else 400,
    )


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _columns() -> tuple[Column, ...]:
    """The export's columns, headed in the active language."""
    return (
        Column(_("No."), "id", TEXT, "", width=10),
        Column(_("Time"), "time", TEXT, "", width=22),
        Column(_("User"), "actor_name", TEXT, "", width=16),
        Column(_("Action"), "action", TEXT, "", width=14),
        Column(_("Client address"), "remote_addr", TEXT, "", width=16),
        Column(_("Object type"), "content_type", TEXT, "", width=16),
        Column(_("Object id"), "object_id", TEXT, "", width=10),
        Column(_("Object"), "object_repr", TEXT, "", width=30),
        Column(_("Region"), "region_id", TEXT, "", width=12),
        Column(_("Detail"), "detail", TEXT, "", width=40),
        Column(_("Before"), "before", TEXT, "", width=40),
        Column(_("After"), "after", TEXT, "", width=40),
        Column(_("Request id"), "request_id", TEXT, "", width=16),
        Column(_("Previous hash"), "prev_hash", TEXT, "", width=20),
        Column(_("Hash"), "row_hash", TEXT, "", width=20),
    )


def _export_rows(entries: QuerySet[AuditLog], counted: list[int]) -> Iterator[list[Any]]:
    labels = dict(AuditAction.choices)
    for entry in entries.order_by("time", "id").iterator(chunk_size=EXPORT_CHUNK):
        counted[0] += 1
        yield [
            str(entry.pk),
            f"{timezone.localtime(entry.time):%Y-%m-%d %H:%M:%S}",
            entry.actor_name,
            str(labels.get(entry.action, entry.action)),
            entry.remote_addr or "",
            str(entry.content_type.name) if entry.content_type else "",
            entry.object_id,
            entry.object_repr,
            entry.region_id or "",
            _json(entry.detail),
            _json(entry.before),
            _json(entry.after),
            entry.request_id,
            entry.prev_hash,
            entry.row_hash,
        ]


@login_required
def audit_export(request: AuthedRequest) -> HttpResponse:
    """The log for a period (`from`, `to`; same scope and filters as the page) as Excel."""
    entries = scoped_entries(request)
    if not has_action(request.user, "core.export_auditlog"):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.error_text(), status=400, content_type="text/plain; charset=utf-8")
    entries = form.filter(entries)
    counted = [0]
    content = write_export(
        _export_rows(entries, counted), columns=_columns(), sheet_name=_("Audit log")
    )
    start, end = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    record_event(
        action=AuditAction.EXPORT,
        actor=request.user,
        request=request,
        detail={
            "path": request.path,
            "filters": request.GET.dict(),
            "rows": counted[0],
            "format": "xlsx",
        },
    )
    period = f"{start or 'begin'}_{end or 'now'}"
    return xlsx_response(content, f"审计日志_{period}.xlsx", f"audit-log_{period}.xlsx")
