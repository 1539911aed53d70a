"""Project pages: the weekly bulletin (周调度通报): pick a week, preview it, download it.

The bulletin covers what the user sees: county-wide roles their county, a town user their town,
a park or chain office the projects of its park or chains wherever they are sited (the bulletin
then names the county, with the park or office as its scope note). Roles without a government
scope (enterprise, bank, judge, the admins of security and audit) get 403, as on the chain pages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from jinmu.core.audit import record_access
from jinmu.core.models import Region
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.types import AuthedRequest, User
from jinmu.core.views_excel import attachment, require_export
from jinmu.projects import weeks
from jinmu.projects.bulletin import (
    DOCX_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    WeeklyBulletin,
    headings,
    lights_note,
    summary_text,
    to_bytes,
    weekly_bulletin,
)
from jinmu.projects.bulletin.preview import bulletin_tables
from jinmu.projects.forms.reports import WeekForm
from jinmu.projects.views.common import STAFF_SCOPES, require_scope

CONTENT_TYPES = {"docx": DOCX_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}


def _region_of(user: User) -> Region:
    """The region whose name heads the user's bulletin: their town, or the region they work
    for. A park's projects may lie outside the park's town, so a park (like a chain office)
    gets its county: its projects are scoped by `for_user`, not by region."""
    scope = scope_for(user)
    if scope.kind is ScopeKind.TOWN:
        return Region.objects.get(code=scope.region_code)
    region: Region | None = user.region
    if region is None:
        if user.unit is None:
            raise PermissionDenied
        region = user.unit.region
    assert region is not None  # a unit always has a region
    return region


def _bulletin(request: AuthedRequest) -> tuple[WeekForm, WeeklyBulletin | None]:
    require_scope(request, *STAFF_SCOPES)
    today = timezone.localdate()
    form = WeekForm(request.GET or {"week": ""}, today=today)
    if not form.is_valid():
        return form, None
    region = _region_of(request.user)
    try:
        bulletin = weekly_bulletin(
            region_code=region.code,
            week=form.cleaned_data["week"],
            user=request.user,
            today=today,
        )
    except ValidationError as error:
        form.add_error("week", error)
        return form, None
    return form, bulletin


@login_required
@require_GET
def bulletin_page(request: AuthedRequest) -> HttpResponse:
    """The week picker, the bulletin as a page, and its download buttons."""
    form, bulletin = _bulletin(request)
    week_text = weeks.iso_label(bulletin.week) if bulletin else request.GET.get("week", "")
    if bulletin is not None and not request.GET.get("week"):
        # Show the chosen week in the picker.
        form = WeekForm({"week": week_text}, today=timezone.localdate())
        form.is_valid()
    return _render(request, form, bulletin, week_text)


def _render(
    request: AuthedRequest, form: WeekForm, bulletin: WeeklyBulletin | None, week_text: str
) -> HttpResponse:
    context = {
        "form": form,
        "bulletin": bulletin,
        "week_text": week_text,
        "heads": headings(bulletin),
        "lights_note": lights_note(bulletin) if bulletin is not None else "",
        "summary": summary_text(bulletin) if bulletin is not None else "",
        "tables": bulletin_tables(bulletin) if bulletin is not None else None,
    }
    return render(
        request,
        "projects/bulletin.html",
        context,
        status=200 if bulletin is not None else 400,
    )


def _download(request: AuthedRequest, fmt: str) -> HttpResponse:
    require_export(request, "projects.export_project")
    form, bulletin = _bulletin(request)
    if bulletin is None:
        return _render(request, form, None, request.GET.get("week", ""))
    content = to_bytes(bulletin, fmt)
    record_access(request, fmt=fmt, week=bulletin.iso_label, region=bulletin.region_code)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    filename = f"{bulletin.filename_stem}.{fmt}"
    fallback = f"bulletin-{bulletin.region_code}-{bulletin.iso_label}.{fmt}"
    response["Content-Disposition"] = attachment(filename, fallback)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def bulletin_docx(request: AuthedRequest) -> HttpResponse:
    """The bulletin as a Word document."""
    return _download(request, "docx")


@login_required
@require_GET
def bulletin_xlsx(request: AuthedRequest) -> HttpResponse:
    """The bulletin as an Excel workbook."""
    return _download(request, "xlsx")


urlpatterns = [
    path("bulletin/", bulletin_page, name="bulletin"),
    path("bulletin/docx/", bulletin_docx, name="bulletin_docx"),
    path("bulletin/xlsx/", bulletin_xlsx, name="bulletin_xlsx"),
]
