"""The organisation's file doors: the Excel import of units and users (with its templates) and
the import of an official list of divisions. Both are two steps (`jinmu.core.views_excel`):
check and preview, then confirm the very file checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from jinmu.core.choices import RegionLevel
from jinmu.core.imports import ImportResult
from jinmu.core.types import AuthedRequest
from jinmu.core.views_excel import (
    confirm_pending,
    import_page,
    render_import,
    xlsx_response,
)
from jinmu.organisation import imports
from jinmu.organisation.forms import ListFileForm, OrgImportForm
from jinmu.organisation.querysets import admin_prefix, regions_for, units_for
from jinmu.organisation.region_import import KIND as REGIONS
from jinmu.organisation.region_import import import_regions

TEMPLATE_NAMES = {imports.UNITS: "单位导入模板", imports.USERS: "用户导入模板"}


def _run(request: AuthedRequest, kind: str, source: Any, *, dry_run: bool) -> ImportResult:
    prefix = admin_prefix(request.user)
    if kind == REGIONS:
        content = Path(source).read_bytes() if isinstance(source, Path) else _read(source)
        return import_regions(actor=request.user, content=content, prefix=prefix, dry_run=dry_run)
    importer = imports.import_units if kind == imports.UNITS else imports.import_users
    return importer(actor=request.user, prefix=prefix, rows_or_file=source, dry_run=dry_run)


def _read(upload: UploadedFile[bytes]) -> bytes:
    upload.seek(0)
    return b"".join(upload.chunks())


# -- units and users -----------------------------------------------------------------------------


@login_required
@require_GET
def download_template(request: AuthedRequest, kind: str) -> HttpResponse:
    """The empty workbook of units or users, with dropdowns of the region's towns and units."""
    if kind not in imports.KINDS:
        raise Http404
    admin_prefix(request.user)
    towns = regions_for(request.user).filter(level=RegionLevel.TOWN).order_by("code")
    units = units_for(request.user).filter(is_active=True).order_by("name")
    content = imports.build_template(
        kind,
        towns=list(towns.values_list("name", flat=True)),
        units=list(units.values_list("name", flat=True)),
    )
    return xlsx_response(content, f"{TEMPLATE_NAMES[kind]}.xlsx", f"{kind}-template.xlsx")


def _render_org(request: AuthedRequest, form: OrgImportForm, **page: Any) -> HttpResponse:
    extra = {"kinds": [(imports.UNITS, _("Units template")), (imports.USERS, _("Users template"))]}
    return render_import(request, "organisation/import.html", form=form, extra=extra, **page)


@csrf_exempt  # checked by import_page, after the size guard is installed
@login_required
@require_http_methods(["GET", "POST"])
def org_import(request: AuthedRequest) -> HttpResponse:
    """Upload → check every row (dry run) → errors or preview → confirm → import."""
    admin_prefix(request.user)

    def check(form: Any, upload: UploadedFile[bytes]) -> tuple[ImportResult, str]:
        kind = form.cleaned_data["kind"]
        return _run(request, kind, upload, dry_run=True), kind

    return import_page(
        request,
        OrgImportForm,
        show=lambda form, **page: _render_org(request, form, **page),
        check=check,
        confirm=lambda token: _confirm(
            request, token, "organisation:import", accepted=imports.KINDS
        ),
        keep=("kind",),
    )


def _confirm(request: AuthedRequest, token: str, page: str, *, accepted: Any) -> HttpResponse:
    def run(entry: dict[str, Any], path: Path) -> ImportResult:
        return _run(request, entry["kind"], path, dry_run=False)

    confirmed = confirm_pending(
        request, token, page=page, run=run, accepts=lambda entry: entry.get("kind") in accepted
    )
    if isinstance(confirmed, HttpResponse):
        return confirmed
    entry, result = confirmed.entry, confirmed.result
    if not result.ok:  # the data changed since the preview
        name = str(entry.get("name", ""))
        if entry["kind"] == REGIONS:
            return _render_regions(
                request, ListFileForm(), result=result, file_name=name, status=422
            )
        form = OrgImportForm(initial={"kind": entry["kind"]})
        return _render_org(request, form, result=result, file_name=name, status=422)
    if entry["kind"] == REGIONS:
        return redirect("organisation:regions")
    return redirect(
        "organisation:users" if entry["kind"] == imports.USERS else "organisation:units"
    )


# -- the official list of divisions --------------------------------------------------------------


def _render_regions(request: AuthedRequest, form: ListFileForm, **page: Any) -> HttpResponse:
    result = page.get("result")
    extra = {"outside": getattr(result, "outside", 0)}
    return render_import(request, "organisation/region_import.html", form=form, extra=extra, **page)


@csrf_exempt  # checked by import_page, after the size guard is installed
@login_required
@require_http_methods(["GET", "POST"])
def region_import(request: AuthedRequest) -> HttpResponse:
    """Import a province's official list: only the divisions inside the region are kept."""
    admin_prefix(request.user)
    return import_page(
        request,
        ListFileForm,
        show=lambda form, **page: _render_regions(request, form, **page),
        check=lambda form, upload: (_run(request, REGIONS, upload, dry_run=True), REGIONS),
        confirm=lambda token: _confirm(
            request, token, "organisation:region_import", accepted=(REGIONS,)
        ),
    )
