"""Weekly report pages: the phone form (周调度 in under a minute), the scoped photo files and
the list of missing and late reports for a week.

Every page starts from `Project.objects.for_user` (or the photo's scoped queryset), so anything
out of scope is a 404. Writes go through `jinmu.projects.reporting.submit_report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import zip_longest
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.audit import record_access
from jinmu.core.choices import AuditAction
from jinmu.core.money import from_wan
from jinmu.core.scoping import working_region_code
from jinmu.core.types import AuthedRequest, User
from jinmu.problems import services as problem_services
from jinmu.problems.choices import ProblemCategory
from jinmu.projects import photos, reporting, weeks
from jinmu.projects.forms.reports import ReportForm
from jinmu.projects.models import LedgerSettings, Project, WeeklyReport, settings_for
from jinmu.projects.permissions import can_report
from jinmu.projects.tables import LATE_REPORTS, MISSING_REPORTS
from jinmu.projects.views.common import require_scope

# Service error keys → the form field that shows them.
FIELD_ALIASES = {
    "invested_this_week": "invested_wan",
    "cumulative_invested": "invested_wan",
}
_EXTRA_FIELDS = ("photos", "problems", "week")


def _problem_rows(request: HttpRequest) -> list[dict[str, str]]:
    """The problem rows the form posted (rows left entirely blank are dropped)."""
    columns = [
        request.POST.getlist(f"problem_{name}")
        for name in ("title", "category", "owner_unit", "due_on")
    ]
    rows = []
    for title, category, owner_unit, due_on in zip_longest(*columns, fillvalue=""):
        if not any(value.strip() for value in (title, owner_unit, due_on)):
            continue
        rows.append(
            {
                "title": title.strip(),
                "category": category or ProblemCategory.OTHER,
                "owner_unit": owner_unit,
                "due_on": due_on,
            }
        )
    return rows


def _add_errors(form: ReportForm, extra: dict[str, list[str]], error: ValidationError) -> None:
    """Show a service's refusal field by field; photos, problems and week get their own spot."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        field = FIELD_ALIASES.get(name, name)
        if field in _EXTRA_FIELDS:
            extra.setdefault(field, []).extend(errors)
        elif field in form.fields:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


def _week_label_or_none(week: dt.date, latest: dt.date) -> str | None:
    """The ISO label of `week`, or None when it is after `latest` (no link to the future)."""
    return weeks.iso_label(week) if week <= latest else None


def _requested_week(request: HttpRequest, today: dt.date) -> tuple[dt.date, str | None]:
    """The week asked for with `?week=` (default this week) and an error for bad text."""
    text = request.GET.get("week", "").strip()
    if not text:
        return reporting.current_week(today), None
    try:
        return weeks.parse_iso_week(text), None
    except ValidationError as error:
        return reporting.current_week(today), error.messages[0]


def _posted_week(request: HttpRequest, monday: dt.date) -> tuple[dt.date, list[str]]:
    """The week a report was posted for, or (the week shown, the errors) when the posted week
    is unreadable: never another week, the report would land where it was not meant."""
    try:
        return reporting.to_week(request.POST.get("week", "")), []
    except ValidationError as error:
        return monday, error.messages


def _missing_due(project: Project, monday: dt.date, due_week: dt.date) -> bool:
    """Whether the report of the week last due (not the week shown) is still missing."""
    return (
        due_week != monday
        and reporting.is_monitored(project)
        and not project.reports.filter(week=due_week).exists()
        and (project.last_report_week is None or project.last_report_week < due_week)
    )


def _saved_messages(request: HttpRequest, report: WeeklyReport, conf: LedgerSettings) -> None:
    messages.success(request, _("The report for %(week)s was saved.") % {"week": report.iso_week})
    if report.is_late:
        deadline = weeks.week_deadline(report.week, conf.report_due_weekday)
        messages.warning(
            request,
            _("It came after the deadline of %(day)s and is marked late.")
            % {"day": deadline.isoformat()},
        )
    for warning in reporting.photo_warnings(report):
        messages.warning(request, warning)


def _submit(
    request: AuthedRequest,
    project: Project,
    form: ReportForm,
    *,
    monday: dt.date,
    problem_rows: list[dict[str, str]],
    extra: dict[str, list[str]],
) -> WeeklyReport | None:
    """Submit a valid report; a refusal goes on the form (and `extra`), and gives None."""
    data = form.cleaned_data
    try:
        return reporting.submit_report(
            actor=request.user,
            project=project,
            week=monday,
            invested_this_week=from_wan(data["invested_wan"]),
            progress_text=data["progress_text"],
            percent_complete=data["percent_complete"],
            problems=problem_rows,
            photos=request.FILES.getlist("photos"),
            completed_milestones=list(data["completed_milestones"]),
        )
    except ValidationError as error:
        _add_errors(form, extra, error)
        return None


def _report_context(
    request: AuthedRequest,
    project: Project,
    *,
    monday: dt.date,
    start: dict[str, Any],
    conf: LedgerSettings,
    today: dt.date,
) -> dict[str, Any]:
    """What the report page shows besides the form and its errors."""
    due_week = weeks.latest_due_week(today, conf.report_due_weekday)
    this_monday = reporting.current_week(today)
    return {
        "project": project,
        "start": start,
        "problem_categories": ProblemCategory.choices,
        "owner_units": list(problem_services.assignable_units(project.region_id)),
        "week_label": weeks.iso_label(monday),
        "deadline": weeks.week_deadline(monday, conf.report_due_weekday),
        "previous_week": weeks.iso_label(monday - dt.timedelta(days=7)),
        "next_week": _week_label_or_none(monday + dt.timedelta(days=7), this_monday),
        "missing_due": (
            weeks.iso_label(due_week) if _missing_due(project, monday, due_week) else None
        ),
        "is_monitored": reporting.is_monitored(project),
        "due_week_ids": [m.pk for m in start["milestones_due"]],
        "max_photos": reporting.MAX_PHOTOS,
    }


@login_required
def report_form(request: AuthedRequest, pk: int) -> HttpResponse:
    """The weekly report of one project, prefilled from last week: on a phone, in a minute."""
    project = get_object_or_404(
        Project.objects.for_user(request.user).select_related("responsible_unit"), pk=pk
    )
    if not can_report(request.user, project):
        raise PermissionDenied
    today = timezone.localdate()
    monday, week_error = _requested_week(request, today)
    if week_error:
        messages.error(request, week_error)
    week_errors: list[str] = []
    if request.method == "POST":
        monday, week_errors = _posted_week(request, monday)
    start = reporting.prefill(project, monday)
    conf = settings_for(project.region_id)
    extra: dict[str, list[str]] = {}
    problem_rows: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        posted = request.POST.copy()
        if week_errors:
            # The page shows its own week; a second submission goes to the week shown.
            posted["week"] = weeks.iso_label(monday)
        form = ReportForm(posted, milestones=start["milestones_open"])
        problem_rows = _problem_rows(request)
        valid = form.is_valid()  # the other fields' errors are shown as well
        if week_errors:
            extra["week"] = list(week_errors)
            status = 400
        elif valid:
            report = _submit(
                request, project, form, monday=monday, problem_rows=problem_rows, extra=extra
            )
            if report is not None:
                _saved_messages(request, report, conf)
                return redirect("projects:detail", pk=project.pk)
        if request.FILES.getlist("photos"):
            extra.setdefault("photos", []).append(
                _("Choose the photos again: a refused report does not keep them.")
            )
    else:
        form = ReportForm(
            initial={
                "week": weeks.iso_label(monday),
                "percent_complete": start["percent_complete"],
                "progress_text": start["progress_text"],
            },
            milestones=start["milestones_open"],
        )
    context = _report_context(request, project, monday=monday, start=start, conf=conf, today=today)
    context.update(form=form, extra_errors=extra, problem_rows=problem_rows)
    return render(request, "projects/report_form.html", context, status=status)


@login_required
def report_photo(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """A report photo (`?size=thumb` for a small preview), only for those who see its project."""
    photo = get_object_or_404(reporting.photos_for(request.user), pk=pk)
    thumb = request.GET.get("size") == "thumb"
    response = photos.photo_response(photo.image, thumb=thumb)
    if not thumb:  # the page's previews are not downloads; the photo itself is
        record_access(request, action=AuditAction.DOWNLOAD, obj=photo, fmt="image")
    return response


def _reportable_ids(user: User, rows: Sequence[Project]) -> set[int]:
    """Which listed (already visible) projects the user may report for: a hint for links,
    the form checks again with `can_report`."""
    if not rows:
        return set()
    reportable = Project.objects.for_user(user, "report").filter(pk__in=[p.pk for p in rows])
    return set(reportable.values_list("pk", flat=True))


def _status_week(request: HttpRequest, due_week: dt.date) -> dt.date:
    """`?week=`, else the week last due (bad text: a page message and the week last due)."""
    text = request.GET.get("week", "").strip()
    if not text:
        return due_week
    try:
        return weeks.parse_iso_week(text)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return due_week


@login_required
def report_status(request: AuthedRequest) -> HttpResponse:
    """Missing and late weekly reports of one week (`?week=`, default the week last due) for
    the projects in the user's scope."""
    require_scope(request)
    today = timezone.localdate()
    # The report due day of the region the user works for.
    region_code = working_region_code(request.user) or settings.JINMU_DEFAULT_REGION
    due_weekday = settings_for(region_code).report_due_weekday
    due_week = weeks.latest_due_week(today, due_weekday)
    monday = _status_week(request, due_week)
    projects = Project.objects.for_user(request.user)
    missing = reporting.missing_reports(projects, monday, due_weekday=due_weekday).select_related(
        "region", "responsible_unit", "enterprise"
    )
    week_label = weeks.iso_label(monday)
    missing_table = MISSING_REPORTS.page(
        request,
        missing,
        order=("region_id", "name", "id"),
        page_size=50,
        first_query=QueryDict(urlencode({"week": week_label})),
    )
    late = list(
        reporting.late_reports(projects, monday)
        .select_related("project", "project__region", "submitted_by")
        .order_by("project__region_id", "project__name")[:200]
    )
    this_monday = reporting.current_week(today)
    return render(
        request,
        "projects/report_status.html",
        {
            "week": monday,
            "week_label": week_label,
            "deadline": weeks.week_deadline(monday, due_weekday),
            "is_future": monday > this_monday,
            "counts": reporting.report_counts(projects, monday, due_weekday=due_weekday),
            "missing_table": missing_table,
            "page": missing_table.page,
            "late": late,
            "late_table": LATE_REPORTS.of(late),
            "reportable": _reportable_ids(request.user, missing_table.records),
            "previous_week": weeks.iso_label(monday - dt.timedelta(days=7)),
            "next_week": _week_label_or_none(monday + dt.timedelta(days=7), this_monday),
            "due_week": weeks.iso_label(due_week),
            "report_url": reverse("projects:report_status"),
        },
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/report/", report_form, name="report"),
    path("reports/status/", report_status, name="report_status"),
    path("report-photos/<int:pk>/", report_photo, name="report_photo"),
]
