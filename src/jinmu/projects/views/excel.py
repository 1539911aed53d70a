"""Excel doors of the project ledger: export of the filtered list, the import templates, and the
imports of the ledger and of a week's reports, each checked in a dry run before it is confirmed.

The two-step import is core's (`jinmu.core.views_excel`): the checked upload is kept under
MEDIA_ROOT/imports/ behind a random token held in the user's session (with the file's hash),
and "Confirm" imports that very file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from jinmu.chains.models import Chain
from jinmu.core.audit import RowCounter, record_access
from jinmu.core.imports import ImportResult
from jinmu.core.models import Unit
from jinmu.core.permissions import require_action
from jinmu.core.places import county_prefix, parks_in_scope, towns_in_scope
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.views_excel import (
    confirm_pending,
    guard_upload_size,
    render_import,
    store_upload,
    upload_too_large,
    workbook_field,
    xlsx_response,
)
from jinmu.projects import excel, reporting
from jinmu.projects.filtersets import ProjectFilterSet
from jinmu.projects.imports import import_projects, import_reports
from jinmu.projects.models import Project, ProjectTag, ProjectYearPlan, WeeklyReport
from jinmu.projects.permissions import can_create_projects, can_report
from jinmu.projects.weeks import iso_label, parse_iso_week


class ProjectImportForm(forms.Form):
    """The filled-in ledger workbook."""

    file = workbook_field()


class ReportImportForm(forms.Form):
    """The filled-in report workbook, and the week for rows that leave 周次 empty."""

    week = forms.CharField(
        label=gettext_lazy("Week"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("ISO week such as 2026-W47, for rows whose 周次 is empty."),
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "2026-W47"}),
    )
    file = workbook_field()

    def clean_week(self) -> str:
        """An ISO week, written the standard way."""
        text = str(self.cleaned_data.get("week") or "").strip()
        return iso_label(parse_iso_week(text)) if text else ""


def _require_importer(request: HttpRequest) -> None:
    if not can_create_projects(request.user):
        raise PermissionDenied(_("Your role may not import projects."))


def _today_stamp() -> str:
    return timezone.localdate().strftime("%Y%m%d")


# -- export --------------------------------------------------------------------------------------


@login_required
@require_GET
def export_projects(request: HttpRequest) -> HttpResponse:
    """The ledger's current filtered list (same filters as the page) as an .xlsx."""
    if scope_for(request.user).kind is ScopeKind.NONE:
        raise PermissionDenied(_("Your role has no access to the project ledger."))
    require_action(request.user, "projects.export_project", _("Your role may not export."))
    filterset = ProjectFilterSet(
        request.GET or None, queryset=Project.objects.for_user(request.user), request=request
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
    counted = RowCounter(queryset.iterator(chunk_size=2000))
    content = excel.export_projects(counted, year=year)
    record_access(request, fmt="xlsx", rows=counted.count)
    day = _today_stamp()
    return xlsx_response(content, f"项目台账-{day}.xlsx", f"projects-{day}.xlsx")


# -- templates -----------------------------------------------------------------------------------


@login_required
@require_GET
def project_template(request: HttpRequest) -> HttpResponse:
    """The empty ledger workbook, with dropdowns of what the user may name."""
    _require_importer(request)
    user = request.user
    scope = scope_for(user)
    county = county_prefix(scope)[:6]
    choices = excel.Choices(
        towns=list(towns_in_scope(scope).order_by("code").values_list("name", flat=True)),
        parks=list(parks_in_scope(scope).order_by("name").values_list("name", flat=True)),
        chains=list(Chain.objects.for_user(user).values_list("name", flat=True)),
        units=list(
            Unit.objects.for_user(user)
            .filter(is_active=True, region__code__startswith=county)
            .exclude(kind__in=("enterprise", "bank"))
            .order_by("kind", "name")
            .values_list("name", flat=True)
        ),
        tags=list(ProjectTag.objects.for_user(user).values_list("name", flat=True)),
    )
    content = excel.build_project_template(choices)
    return xlsx_response(content, "项目台账导入模板.xlsx", "projects-template.xlsx")


def _week_or_current(request: HttpRequest) -> Any:
    text = request.GET.get("week", "").strip()
    return parse_iso_week(text) if text else reporting.current_week()


@login_required
@require_GET
def report_template(request: HttpRequest) -> HttpResponse:
    """A week's report workbook, one row per project the user reports on, prefilled from the
    week before (or with the week's report when it is already in)."""
    _require_importer(request)
    try:
        monday = _week_or_current(request)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    user = request.user
    projects = (
        reporting.expected_projects(Project.objects.for_user(user), monday)
        .select_related("enterprise")
        .order_by("code", "name", "id")
    )
    rows = []
    for project in projects:
        if not can_report(user, project):
            continue
        start = reporting.prefill(project, monday)
        existing: WeeklyReport | None = start["existing"]
        rows.append(
            excel.report_row(
                project,
                week=monday,
                percent=existing.percent_complete if existing else start["percent_complete"],
                progress_text=existing.progress_text if existing else start["progress_text"],
                previous_cumulative=start["cumulative_before"],
                invested_this_week=existing.invested_this_week if existing else None,
            )
        )
    content = excel.build_report_template(rows, week=monday)
    label = iso_label(monday)
    record_access(request, fmt="xlsx", rows=len(rows), week=label)
    return xlsx_response(content, f"周报-{label}.xlsx", f"reports-{label}.xlsx")


# -- imports -------------------------------------------------------------------------------------


def _render(request: HttpRequest, *, mode: str, form: forms.Form, **page: Any) -> HttpResponse:
    extra = {
        "mode": mode,
        "current_week": iso_label(reporting.current_week()),
        "columns": excel.COLUMNS[mode],
    }
    return render_import(request, "projects/excel_import.html", form=form, extra=extra, **page)


def _run_import(
    mode: str, request: HttpRequest, source: Any, *, week: str, dry_run: bool
) -> ImportResult:
    if mode == excel.PROJECTS:
        return import_projects(actor=request.user, file=source, dry_run=dry_run)
    return import_reports(actor=request.user, file=source, dry_run=dry_run, week=week or None)


def _pending_kind(mode: str, week: str) -> str:
    # The week travels with the stored upload, so the confirmed import is the one previewed.
    return f"{mode}:{week}"


def _upload_view(mode: str, request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    guard_upload_size(request)  # before anything reads the body; CSRF is checked inside
    return _checked_upload(request, mode)


@csrf_protect
def _checked_upload(request: HttpRequest, mode: str) -> HttpResponse:
    form_class = ProjectImportForm if mode == excel.PROJECTS else ReportImportForm
    if request.method == "GET":
        initial = {"week": request.GET.get("week", "")} if mode == excel.REPORTS else {}
        return _render(request, mode=mode, form=form_class(initial=initial))
    posted = request.POST  # parsing the body runs the size guard first
    too_large = upload_too_large(request)
    if too_large:
        return _render(request, mode=mode, form=form_class(), upload_error=too_large, status=413)
    token = posted.get("token", "")
    if token:
        return _confirm_or_cancel(request, mode, token)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, mode=mode, form=form, status=422)
    upload: UploadedFile[bytes] = form.cleaned_data["file"]
    week = str(form.cleaned_data.get("week") or "")
    result = _run_import(mode, request, upload, week=week, dry_run=True)
    name = upload.name or ""
    if not result.ok:
        return _render(request, mode=mode, form=form, result=result, file_name=name, status=422)
    if not result.has_changes:
        return _render(request, mode=mode, form=form_class(), result=result, file_name=name)
    token = store_upload(request, upload, _pending_kind(mode, week))
    return _render(request, mode=mode, form=form, result=result, token=token, file_name=name)


def _confirm_or_cancel(request: HttpRequest, mode: str, token: str) -> HttpResponse:
    page = f"projects:{'import' if mode == excel.PROJECTS else 'report_import'}"

    def week_of(entry: dict[str, Any]) -> str:
        return str(entry.get("kind", "")).partition(":")[2]

    def run(entry: dict[str, Any], stored: Path) -> ImportResult:
        return _run_import(mode, request, stored, week=week_of(entry), dry_run=False)

    confirmed = confirm_pending(
        request,
        token,
        page=page,
        run=run,
        accepts=lambda entry: str(entry.get("kind", "")).startswith(f"{mode}:"),
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


@csrf_exempt  # checked by _checked_upload, after the size guard is installed
@login_required
@require_http_methods(["GET", "POST"])
def project_import(request: HttpRequest) -> HttpResponse:
    """Upload the ledger workbook → every row checked (dry run) → errors or preview → confirm."""
    return _upload_view(excel.PROJECTS, request)


@csrf_exempt  # checked by _checked_upload, after the size guard is installed
@login_required
@require_http_methods(["GET", "POST"])
def report_import(request: HttpRequest) -> HttpResponse:
    """Upload a week's report workbook → dry run → errors or preview → confirm."""
    return _upload_view(excel.REPORTS, request)


urlpatterns: list[URLPattern] = [
    path("export/", export_projects, name="export"),
    path("import/template/", project_template, name="template"),
    path("import/", project_import, name="import"),
    path("reports/import/template/", report_template, name="report_template"),
    path("reports/import/", report_import, name="report_import"),
]
