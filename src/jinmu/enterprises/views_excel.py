"""Excel doors of the enterprise register: import templates, import with a dry run, export.

The import is two steps (`jinmu.core.views_excel`): the upload is checked and dry-run, and the
page shows every error by row and column or what would be created and changed; "Confirm" then
imports that very file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from jinmu.core.audit import RowCounter, record_access
from jinmu.core.excel import PARK, TOWN, write_export
from jinmu.core.imports import ImportResult
from jinmu.core.permissions import require_action
from jinmu.core.places import parks_in_scope, towns_in_scope
from jinmu.core.scoping import Scope, ScopeKind, can_edit_enterprises, scope_for
from jinmu.core.views_excel import (
    SHOWN_ERRORS,
    SHOWN_ROWS,
    confirm_pending,
    guard_upload_size,
    render_import,
    store_upload,
    upload_too_large,
    workbook_field,
    xlsx_response,
)
from jinmu.enterprises import excel
from jinmu.enterprises.imports import import_annual_figures, import_enterprises
from jinmu.enterprises.models import Enterprise

LIST_ORDER = ("name_pinyin", "id")

IMPORTERS = {excel.ENTERPRISES: import_enterprises, excel.FIGURES: import_annual_figures}
TEMPLATE_NAMES = {excel.ENTERPRISES: "企业导入模板", excel.FIGURES: "年度数据导入模板"}
_WRITING_SCOPES = (ScopeKind.REGION, ScopeKind.TOWN, ScopeKind.PARK)


KIND_LABELS = {
    excel.ENTERPRISES: gettext_lazy("Enterprises (register data)"),
    excel.FIGURES: gettext_lazy("Annual figures of enterprises"),
}


class ImportForm(forms.Form):
    """Choose what the workbook holds, and the workbook."""

    kind = forms.ChoiceField(
        label=gettext_lazy("The workbook holds"),
        choices=tuple(KIND_LABELS.items()),
        initial=excel.ENTERPRISES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    file = workbook_field()


def _editor_scope(request: HttpRequest) -> Scope:
    """The user's scope if they may import; 403 otherwise."""
    scope = scope_for(request.user)
    if not can_edit_enterprises(request.user) or scope.kind not in _WRITING_SCOPES:
        raise PermissionDenied(_("Your role may not import enterprise data."))
    return scope


# -- export --------------------------------------------------------------------------------------


@login_required
@require_GET
def export_enterprises(request: HttpRequest) -> HttpResponse:
    """The current filtered list as an .xlsx (same filters as the list page)."""
    from jinmu.enterprises.filtersets import EnterpriseFilterSet

    if scope_for(request.user).kind is ScopeKind.NONE:
        raise PermissionDenied(_("Your role has no access to the enterprise register."))
    require_action(request.user, "enterprises.export_enterprise", _("Your role may not export."))
    filterset = EnterpriseFilterSet(
        request.GET or None, queryset=Enterprise.objects.for_user(request.user), request=request
    )
    queryset = filterset.qs.select_related("region", "park").order_by(*LIST_ORDER)
    names: dict[str, dict[Any, str]] = {TOWN: {}, PARK: {}}

    def rows() -> Any:
        for enterprise in queryset.iterator(chunk_size=2000):
            region = enterprise.region
            if region.level == "town":
                names[TOWN][region.code] = region.name
            if enterprise.park is not None:
                names[PARK][enterprise.park.pk] = enterprise.park.name
            yield excel.enterprise_row(enterprise, names=names)

    counted = RowCounter(rows())
    content = write_export(
        counted, columns=excel.ENTERPRISE_COLUMNS, sheet_name=excel.ENTERPRISE_SHEET
    )
    record_access(request, fmt="xlsx", rows=counted.count)
    day = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(content, f"企业名录-{day}.xlsx", f"enterprises-{day}.xlsx")


# -- templates -----------------------------------------------------------------------------------


@login_required
@require_GET
def download_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The empty import workbook of a kind, with dropdowns of the user's towns and parks."""
    if kind not in excel.KINDS:
        raise Http404
    scope = _editor_scope(request)
    lists = excel.TemplateLists(
        towns=list(towns_in_scope(scope).order_by("code").values_list("name", flat=True)),
        parks=list(parks_in_scope(scope).order_by("name").values_list("name", flat=True)),
    )
    content = excel.build_template(kind, lists)
    return xlsx_response(content, f"{TEMPLATE_NAMES[kind]}.xlsx", f"{kind}-template.xlsx")


# -- import --------------------------------------------------------------------------------------


def _render(
    request: HttpRequest, *, form: ImportForm, result: ImportResult | None = None, **page: Any
) -> HttpResponse:
    extra: dict[str, Any] = {
        "kinds": [
            (excel.ENTERPRISES, _("Enterprises template")),
            (excel.FIGURES, _("Annual figures template")),
        ],
        "shown_rows": SHOWN_ROWS,
        "shown_errors": SHOWN_ERRORS,
    }
    if result is not None:
        extra["kind_label"] = KIND_LABELS.get(result.kind, result.kind)
    return render_import(
        request, "enterprises/import.html", form=form, result=result, extra=extra, **page
    )


@csrf_exempt  # checked by _import_upload, after the size guard is installed
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload → check every row (dry run) → errors or preview → confirm → import."""
    _editor_scope(request)
    guard_upload_size(request)
    return _import_upload(request)


@csrf_protect
def _import_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, form=ImportForm())
    posted = request.POST  # parsing the body runs the size guard first
    too_large = upload_too_large(request)
    if too_large:
        return _render(request, form=ImportForm(), upload_error=too_large, status=413)
    token = posted.get("token", "")
    if token:
        return _confirm_or_cancel(request, token)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form=form, status=422)
    kind = form.cleaned_data["kind"]
    upload: UploadedFile[bytes] = form.cleaned_data["file"]
    result = IMPORTERS[kind](actor=request.user, rows_or_file=upload, dry_run=True)
    if not result.ok:
        return _render(request, form=form, result=result, file_name=upload.name or "", status=422)
    if not result.has_changes:
        return _render(
            request,
            form=ImportForm(initial={"kind": kind}),
            result=result,
            file_name=upload.name or "",
        )
    token = store_upload(request, upload, kind)
    return _render(request, form=form, result=result, token=token, file_name=upload.name or "")


def _confirm_or_cancel(request: HttpRequest, token: str) -> HttpResponse:
    def run(entry: dict[str, Any], path: Path) -> ImportResult:
        return IMPORTERS[entry["kind"]](actor=request.user, rows_or_file=path, dry_run=False)

    confirmed = confirm_pending(request, token, page="enterprises:import", run=run)
    if isinstance(confirmed, HttpResponse):
        return confirmed
    entry, result = confirmed.entry, confirmed.result
    if not result.ok:
        # The data changed since the preview (or someone else imported meanwhile).
        return _render(
            request,
            form=ImportForm(initial={"kind": entry["kind"]}),
            result=result,
            file_name=str(entry.get("name", "")),
            status=422,
        )
    return redirect("enterprises:list")
