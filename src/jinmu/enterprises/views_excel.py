"""Excel doors of the enterprise register: import templates, import with a dry run, export.

The import is two steps (`jinmu.core.views_excel`): the upload is checked and dry-run, and the
page shows every error by row and column or what would be created and changed; "Confirm" then
imports that very file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from jinmu.core.excel import PARK, TOWN, write_export
from jinmu.core.imports import ImportResult
from jinmu.core.models import BackgroundTask
from jinmu.core.places import parks_in_scope, towns_in_scope
from jinmu.core.scoping import Scope, ScopeKind, can_edit_enterprises, scope_for
from jinmu.core.types import AuthedRequest
from jinmu.core.views_excel import (
    SHOWN_ERRORS,
    SHOWN_ROWS,
    confirm_pending,
    export_filterset,
    export_response,
    import_page,
    render_import,
    xlsx_response,
)
from jinmu.enterprises import excel
from jinmu.enterprises.filtersets import EnterpriseFilterSet
from jinmu.enterprises.forms import KIND_LABELS, ImportForm
from jinmu.enterprises.tasks import IMPORTERS, start_import

LIST_ORDER = ("name_pinyin", "id")

TEMPLATE_NAMES = {excel.ENTERPRISES: "企业导入模板", excel.FIGURES: "年度数据导入模板"}
_WRITING_SCOPES = (ScopeKind.REGION, ScopeKind.TOWN, ScopeKind.PARK)


def _editor_scope(request: AuthedRequest) -> Scope:
    """The user's scope if they may import; 403 otherwise."""
    scope = scope_for(request.user)
    if not can_edit_enterprises(request.user) or scope.kind not in _WRITING_SCOPES:
        raise PermissionDenied(_("Your role may not import enterprise data."))
    return scope


# -- export --------------------------------------------------------------------------------------


@login_required
@require_GET
def export_enterprises(request: AuthedRequest) -> HttpResponse:
    """The current filtered list as an .xlsx (same filters as the list page)."""
    filterset = export_filterset(
        request,
        "enterprises.export_enterprise",
        EnterpriseFilterSet,
        no_access=_("Your role has no access to the enterprise register."),
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

    return export_response(
        request,
        rows(),
        lambda counted: write_export(
            counted, columns=excel.ENTERPRISE_COLUMNS, sheet_name=excel.ENTERPRISE_SHEET
        ),
        name="企业名录",
        fallback="enterprises",
    )


# -- templates -----------------------------------------------------------------------------------


@login_required
@require_GET
def download_template(request: AuthedRequest, kind: str) -> HttpResponse:
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
    request: AuthedRequest, *, form: ImportForm, result: ImportResult | None = None, **page: Any
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


@csrf_exempt  # checked by import_page, after the size guard is installed
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest) -> HttpResponse:
    """Upload → check every row (dry run) → errors or preview → confirm → import."""
    _editor_scope(request)

    def check(form: Any, upload: UploadedFile[bytes]) -> tuple[ImportResult, str]:
        kind = form.cleaned_data["kind"]
        return IMPORTERS[kind](actor=request.user, rows_or_file=upload, dry_run=True), kind

    return import_page(
        request,
        ImportForm,
        show=lambda form, **page: _render(request, form=form, **page),
        check=check,
        confirm=lambda token: _confirm_or_cancel(request, token),
        keep=("kind",),
    )


def _confirm_or_cancel(request: AuthedRequest, token: str) -> HttpResponse:
    def run(entry: dict[str, Any], path: Path) -> ImportResult:
        return IMPORTERS[entry["kind"]](actor=request.user, rows_or_file=path, dry_run=False)

    def in_background(entry: dict[str, Any], path: Path) -> BackgroundTask:
        return start_import(
            actor=request.user,
            kind=entry["kind"],
            path=path,
            file_name=str(entry.get("name", "")),
        )

    confirmed = confirm_pending(
        request, token, page="enterprises:import", run=run, background=in_background
    )
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
