"""Project pages: the weekly bulletin (周调度通报): pick a week, preview it, download it.

The bulletin covers what the user sees: county-wide roles their county, a town user their town,
a park or chain office the projects of its park or chains wherever they are sited (the bulletin
then names the county, with the park or office as its scope note). Roles without a government
scope (enterprise, bank, judge, the admins of security and audit) get 403, as on the chain pages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET

from jinmu.core.audit import record_access
from jinmu.core.models import Region
from jinmu.core.permissions import require_action
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.projects import weeks
from jinmu.projects.bulletin import (
    DOCX_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    WeeklyBulletin,
    check_week,
    headings,
    lights_note,
    summary_text,
    to_bytes,
    weekly_bulletin,
)

READER_SCOPES = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)
CONTENT_TYPES = {"docx": DOCX_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}


class WeekForm(forms.Form):
    """The week of the bulletin (ISO week; browsers with a week picker send 2026-W48)."""

    week = forms.CharField(
        label=gettext_lazy("Week"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "type": "week",
                "class": "form-control",
                "placeholder": "2026-W48",
                "pattern": r"\d{4}-?[Ww]\d{1,2}",
            }
        ),
    )

    def __init__(self, *args: Any, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_week(self) -> Any:
        """An ISO week that has begun; blank means the current week."""
        text = self.cleaned_data.get("week") or ""
        monday = weeks.parse_iso_week(text) if text.strip() else weeks.monday_of(self.today)
        check_week(monday, today=self.today)
        return monday


def _require_reader(request: HttpRequest) -> None:
    if scope_for(request.user).kind not in READER_SCOPES:
        raise PermissionDenied


def _region_of(user: Any) -> Region:
    """The region whose name heads the user's bulletin: their town, or the region they work
    for. A park's projects may lie outside the park's town, so a park (like a chain office)
    gets its county: its projects are scoped by `for_user`, not by region."""
    scope = scope_for(user)
    if scope.kind is ScopeKind.TOWN:
        return Region.objects.get(code=scope.region_code)
    unit = user.unit
    if user.region is not None:
        return user.region  # type: ignore[no-any-return]
    if unit is None:
        raise PermissionDenied
    return unit.region  # type: ignore[no-any-return]


def _bulletin(request: HttpRequest) -> tuple[WeekForm, WeeklyBulletin | None]:
    _require_reader(request)
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
def bulletin_page(request: HttpRequest) -> HttpResponse:
    """The week picker, the bulletin as a page, and its download buttons."""
    form, bulletin = _bulletin(request)
    week_text = weeks.iso_label(bulletin.week) if bulletin else request.GET.get("week", "")
    if bulletin is not None and not request.GET.get("week"):
        # Show the chosen week in the picker.
        form = WeekForm({"week": week_text}, today=timezone.localdate())
        form.is_valid()
    return _render(request, form, bulletin, week_text)


def _render(
    request: HttpRequest, form: WeekForm, bulletin: WeeklyBulletin | None, week_text: str
) -> HttpResponse:
    context = {
        "form": form,
        "bulletin": bulletin,
        "week_text": week_text,
        "heads": headings(bulletin),
        "lights_note": lights_note(bulletin) if bulletin is not None else "",
        "summary": summary_text(bulletin) if bulletin is not None else "",
    }
    return render(
        request,
        "projects/bulletin.html",
        context,
        status=200 if bulletin is not None else 400,
    )


def _download(request: HttpRequest, fmt: str) -> HttpResponse:
    require_action(request.user, "projects.export_project", gettext("Your role may not export."))
    form, bulletin = _bulletin(request)
    if bulletin is None:
        return _render(request, form, None, request.GET.get("week", ""))
    content = to_bytes(bulletin, fmt)
    record_access(request, fmt=fmt, week=bulletin.iso_label, region=bulletin.region_code)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    filename = f"{bulletin.filename_stem}.{fmt}"
    fallback = f"bulletin-{bulletin.region_code}-{bulletin.iso_label}.{fmt}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def bulletin_docx(request: HttpRequest) -> HttpResponse:
    """The bulletin as a Word document."""
    return _download(request, "docx")


@login_required
@require_GET
def bulletin_xlsx(request: HttpRequest) -> HttpResponse:
    """The bulletin as an Excel workbook."""
    return _download(request, "xlsx")


urlpatterns = [
    path("bulletin/", bulletin_page, name="bulletin"),
    path("bulletin/docx/", bulletin_docx, name="bulletin_docx"),
    path("bulletin/xlsx/", bulletin_xlsx, name="bulletin_xlsx"),
]
