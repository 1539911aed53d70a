"""Excel doors of the project ledger: export of the filtered list, the import templates, and the
imports of the ledger and of a week's reports, each checked in a dry run before it is confirmed.

The two-step import is core's (`jinmu.core.views_excel`): the checked upload is kept under
MEDIA_ROOT/imports/ behind a random token held in the user's session (with the file's hash),
and "Confirm" imports that very file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from jinmu.core.audit import record_access
from jinmu.core.imports import ImportResult
from jinmu.core.models import BackgroundTask
from jinmu.core.types import AuthedRequest
from jinmu.core.views_excel import (
    confirm_pending,
    export_filterset,
    export_response,
    import_page,
    render_import,
    xlsx_response,
)
from jinmu.projects import excel, reporting
from jinmu.projects.filtersets import ProjectFilterSet
from jinmu.projects.forms.reports import ProjectImportForm, ReportImportForm
from jinmu.projects.imports import import_projects, import_reports
from jinmu.projects.models import Project, ProjectYearPlan
from jinmu.projects.permissions import can_create_projects
from jinmu.projects.queries.imports import import_choices, report_rows
from jinmu.projects.tasks import start_import
from jinmu.projects.weeks import iso_label, parse_iso_week


def _require_importer(request: AuthedRequest) -> None:
    if not can_create_projects(request.user):
        raise PermissionDenied(_("Your role may not import projects."))


# -- export --------------------------------------------------------------------------------------


@login_required
@require_GET
def export_projects(request: AuthedRequest) -> HttpResponse:
    """The ledger's current filtered list (same filters as the page) as an .xlsx."""
    filterset = export_filterset(
        request,
        "projects.export_project",
        ProjectFilterSet,
        no_access=_("Your role has no access to the project ledger."),
    )
    if filterset.is_bound and not filterset.form.is_valid():
        # Exporting another list than the one asked for would mislead; say what is wrong.
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items()
        )
        return HttpResponseBadRequest(
            _("The filter is not valid: {problems}").format(problems=problems)
        )
    year = timezone.localdate().year
    queryset: QuerySet[Project] = filterset.qs.select_related(
        "region", "park", "chain", "node", "enterprise", "responsible_unit"
    ).prefetch_related(
        "tags", Prefetch("year_plans", queryset=ProjectYearPlan.objects.filter(year=year))
    )
    return export_response(
        request,
        queryset.iterator(chunk_size=2000),
        lambda counted: excel.export_projects(counted, year=year),
        name="项目台账",
        fallback="projects",
    )


# -- templates -----------------------------------------------------------------------------------


@login_required
@require_GET
def project_template(request: AuthedRequest) -> HttpResponse:
    """The empty ledger workbook, with dropdowns of what the user may name."""
    _require_importer(request)
    choices = import_choices(request.user)
    content = excel.build_project_template(choices)
    return xlsx_response(content, "项目台账导入模板.xlsx", "projects-template.xlsx")


def _week_or_current(request: AuthedRequest) -> dt.date:
    text = request.GET.get("week", "").strip()
    return parse_iso_week(text) if text else reporting.current_week()


@login_required
@require_GET
def report_template(request: AuthedRequest) -> HttpResponse:
    """A week's report workbook, one row per project the user reports on, prefilled from the
    week before (or with the week's report when it is already in)."""
    _require_importer(request)
    try:
        monday = _week_or_current(request)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    rows = report_rows(request.user, monday)
    content = excel.build_report_template(rows, week=monday)
    label = iso_label(monday)
    record_access(request, fmt="xlsx", rows=len(rows), week=label)
    return xlsx_response(content, f"周报-{label}.xlsx", f"reports-{label}.xlsx")


# -- imports -------------------------------------------------------------------------------------


def _render(
    request: AuthedRequest, *, mode: str, form: ProjectImportForm | ReportImportForm, **page: Any
) -> HttpResponse:
    extra = {
        "mode": mode,
        "current_week": iso_label(reporting.current_week()),
        "columns": excel.COLUMNS[mode],
    }
    return render_import(request, "projects/excel_import.html", form=form, extra=extra, **page)


def _run_import(
    mode: str, request: AuthedRequest, source: Any, *, week: str, dry_run: bool
) -> ImportResult:
    if mode == excel.PROJECTS:
        return import_projects(actor=request.user, file=source, dry_run=dry_run)
    return import_reports(actor=request.user, file=source, dry_run=dry_run, week=week or None)


def _pending_kind(mode: str, week: str) -> str:
    # The week travels with the stored upload, so the confirmed import is the one previewed.
    return f"{mode}:{week}"


def _upload_view(mode: str, request: AuthedRequest) -> HttpResponse:
    _require_importer(request)

    def check(form: Any, upload: UploadedFile[bytes]) -> tuple[ImportResult, str]:
        week = str(form.cleaned_data.get("week") or "")
        result = _run_import(mode, request, upload, week=week, dry_run=True)
        return result, _pending_kind(mode, week)

    return import_page(
        request,
        ProjectImportForm if mode == excel.PROJECTS else ReportImportForm,
        show=lambda form, **page: _render(request, mode=mode, form=form, **page),
        check=check,
        confirm=lambda token: _confirm_or_cancel(request, mode, token),
        initial={"week": request.GET.get("week", "")} if mode == excel.REPORTS else {},
    )


def _confirm_or_cancel(request: AuthedRequest, mode: str, token: str) -> HttpResponse:
    page = f"projects:{'import' if mode == excel.PROJECTS else 'report_import'}"

    def week_of(entry: dict[str, Any]) -> str:
        return str(entry.get("kind", "")).partition(":")[2]

    def run(entry: dict[str, Any], stored: Path) -> ImportResult:
        return _run_import(mode, request, stored, week=week_of(entry), dry_run=False)

    def in_background(entry: dict[str, Any], stored: Path) -> BackgroundTask:
        return start_import(
            actor=request.user,
            mode=mode,
            path=stored,
            file_name=str(entry.get("name", "")),
            week=week_of(entry),
        )

    confirmed = confirm_pending(
        request,
        token,
        page=page,
        run=run,
        accepts=lambda entry: str(entry.get("kind", "")).startswith(f"{mode}:"),
        background=in_background,
    )
    if isinstance(confirmed, HttpResponse):
        return confirmed
    entry, result = confirmed.entry, confirmed.result
    if not result.ok:
        # The data changed since the preview (or someone else imported meanwhile).
        form_class = ProjectImportForm if mode == excel.PROJECTS else ReportImportForm
        return _render(
            request,
            mode=mode,
            form=form_class(),
            result=result,
            file_name=str(entry.get("name", "")),
            status=422,
        )
    if mode == excel.PROJECTS:
        return redirect("projects:list")
    week = week_of(entry)
    target = reverse("projects:report_status")
    return redirect(f"{target}?week={week}" if week else target)


@csrf_exempt  # checked by import_page, after the size guard is installed
@login_required
@require_http_methods(["GET", "POST"])
def project_import(request: AuthedRequest) -> HttpResponse:
    """Upload the ledger workbook → every row checked (dry run) → errors or preview → confirm."""
    return _upload_view(excel.PROJECTS, request)


@csrf_exempt  # checked by import_page, after the size guard is installed
@login_required
@require_http_methods(["GET", "POST"])
def report_import(request: AuthedRequest) -> HttpResponse:
    """Upload a week's report workbook → dry run → errors or preview → confirm."""
    return _upload_view(excel.REPORTS, request)


urlpatterns: list[URLPattern] = [
    path("export/", export_projects, name="export"),
    path("import/template/", project_template, name="template"),
    path("import/", project_import, name="import"),
    path("reports/import/template/", report_template, name="report_template"),
    path("reports/import/", report_import, name="report_import"),
]
