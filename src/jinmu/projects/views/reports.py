"""Weekly report pages: the phone form (周调度 in under a minute), the scoped photo files and
the list of missing and late reports for a week.

Every page starts from `Project.objects.for_user` (or the photo's scoped queryset), so anything
out of scope is a 404. Writes go through `jinmu.projects.reporting.submit_report`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import zip_longest
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinmu.core.audit import record_access
from jinmu.core.choices import AuditAction
from jinmu.core.models import Unit
from jinmu.core.pagination import page_url, paginate
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.problems import services as problem_services
from jinmu.problems.choices import ProblemCategory
from jinmu.projects import photos, reporting, weeks
from jinmu.projects.models import WAN, Milestone, Project, settings_for
from jinmu.projects.permissions import can_report

# Service error keys → the form field that shows them.
FIELD_ALIASES = {
    "invested_this_week": "invested_wan",
    "cumulative_invested": "invested_wan",
}
_EXTRA_FIELDS = ("photos", "problems", "week")


class MilestoneChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """The project's unfinished milestones, each labelled with its planned end."""

    def label_from_instance(self, obj: Any) -> str:
        """'Main structure topped out (planned 2026-11-20)'."""
        return _("%(name)s (planned end %(end)s)") % {
            "name": obj.name,
            "end": obj.planned_end.isoformat(),
        }


class ReportForm(forms.Form):
    """The few figures a weekly report asks; amounts in 万元 (stored in yuan)."""

    week = forms.CharField(widget=forms.HiddenInput)
    invested_wan = forms.DecimalField(
        label=gettext_lazy("Investment completed this week (万元)"),
        max_digits=14,
        decimal_places=4,
        widget=forms.NumberInput(
            attrs={
                "inputmode": "decimal",
                "step": "any",
                "min": "0",
                "class": "form-control form-control-lg",
                "autocomplete": "off",
            }
        ),
    )
    percent_complete = forms.IntegerField(
        label=gettext_lazy("Percent complete (形象进度 %)"),
        widget=forms.NumberInput(
            attrs={
                "inputmode": "numeric",
                "min": "0",
                "max": "100",
                "class": "form-control form-control-lg",
            }
        ),
    )
    progress_text = forms.CharField(
        label=gettext_lazy("Progress this week"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    completed_milestones = MilestoneChoiceField(
        label=gettext_lazy("Milestones finished"),
        queryset=Milestone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, milestones: list[Milestone] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["completed_milestones"]
        assert isinstance(field, MilestoneChoiceField)
        ids = [m.pk for m in milestones or []]
        field.queryset = Milestone.objects.filter(pk__in=ids).order_by(
            "planned_end", "sort_order", "pk"
        )


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


def _owner_units(user: Any, project: Project) -> list[Unit]:
    """Units a problem can be given to: the county's working units (as raise_problem checks)."""
    return list(problem_services.assignable_units(project.region_id))


def _add_errors(form: forms.Form, extra: dict[str, list[str]], error: ValidationError) -> None:
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


def _wan_to_yuan(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return (value * WAN).quantize(Decimal("0.01"))


def _requested_week(request: HttpRequest, today: dt.date) -> tuple[dt.date, str | None]:
    """The week asked for with `?week=` (default this week) and an error for bad text."""
    text = request.GET.get("week", "").strip()
    if not text:
        return reporting.current_week(today), None
    try:
        return weeks.parse_iso_week(text), None
    except ValidationError as error:
        return reporting.current_week(today), error.messages[0]


@login_required
def report_form(request: HttpRequest, pk: int) -> HttpResponse:
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
    posted_week_errors: list[str] = []
    if request.method == "POST":
        try:
            monday = reporting.to_week(request.POST.get("week", ""))
        except ValidationError as error:
            # Never fall back to another week: the report would land where it was not meant.
            posted_week_errors = error.messages
    start = reporting.prefill(project, monday)
    conf = settings_for(project.region_id)
    due_week = weeks.latest_due_week(today, conf.report_due_weekday)
    missing_due = (
        due_week != monday
        and reporting.is_monitored(project)
        and not project.reports.filter(week=due_week).exists()
        and (project.last_report_week is None or project.last_report_week < due_week)
    )
    extra: dict[str, list[str]] = {}
    problem_rows: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        posted = request.POST.copy()
        if posted_week_errors:
            # The page shows its own week; a second submission goes to the week shown.
            posted["week"] = weeks.iso_label(monday)
        form = ReportForm(posted, milestones=start["milestones_open"])
        problem_rows = _problem_rows(request)
        valid = form.is_valid()  # the other fields' errors are shown as well
        if posted_week_errors:
            extra["week"] = list(posted_week_errors)
            status = 400
        elif valid:
            data = form.cleaned_data
            try:
                report = reporting.submit_report(
                    actor=request.user,
                    project=project,
                    week=monday,
                    invested_this_week=_wan_to_yuan(data["invested_wan"]),
                    progress_text=data["progress_text"],
                    percent_complete=data["percent_complete"],
                    problems=problem_rows,
                    photos=request.FILES.getlist("photos"),
                    completed_milestones=list(data["completed_milestones"]),
                )
            except ValidationError as error:
                _add_errors(form, extra, error)
            else:
                messages.success(
                    request,
                    _("The report for %(week)s was saved.") % {"week": report.iso_week},
                )
                if report.is_late:
                    messages.warning(
                        request,
                        _("It came after the deadline of %(day)s and is marked late.")
                        % {
                            "day": weeks.week_deadline(
                                report.week, conf.report_due_weekday
                            ).isoformat()
                        },
                    )
                for warning in reporting.photo_warnings(report):
                    messages.warning(request, warning)
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
    this_monday = reporting.current_week(today)
    previous_week = monday - dt.timedelta(days=7)
    next_week = monday + dt.timedelta(days=7)
    return render(
        request,
        "projects/report_form.html",
        {
            "project": project,
            "form": form,
            "start": start,
            "extra_errors": extra,
            "problem_rows": problem_rows,
            "problem_categories": ProblemCategory.choices,
            "owner_units": _owner_units(request.user, project),
            "week_label": weeks.iso_label(monday),
            "deadline": weeks.week_deadline(monday, conf.report_due_weekday),
            "previous_week": weeks.iso_label(previous_week),
            "next_week": weeks.iso_label(next_week) if next_week <= this_monday else None,
            "missing_due": weeks.iso_label(due_week) if missing_due else None,
            "is_monitored": reporting.is_monitored(project),
            "due_week_ids": [m.pk for m in start["milestones_due"]],
            "max_photos": reporting.MAX_PHOTOS,
        },
        status=status,
    )


@login_required
def report_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A report photo (`?size=thumb` for a small preview), only for those who see its project."""
    photo = get_object_or_404(reporting.photos_for(request.user), pk=pk)
    thumb = request.GET.get("size") == "thumb"
    response = photos.photo_response(photo.image, thumb=thumb)
    if not thumb:  # the page's previews are not downloads; the photo itself is
        record_access(request, action=AuditAction.DOWNLOAD, obj=photo, fmt="image")
    return response


def _user_region_code(user: Any) -> str:
    """The region whose settings (report due day) apply to the user."""
    from django.conf import settings

    scope = scope_for(user)
    if scope.kind is ScopeKind.TOWN:
        return scope.region_code
    region_id = getattr(user, "region_id", None)
    if region_id is None and getattr(user, "unit", None) is not None:
        region_id = user.unit.region_id
    return str(region_id or settings.JINMU_DEFAULT_REGION)


def _reportable_ids(user: Any, rows: list[Project]) -> set[int]:
    """Which listed (already visible) projects the user may report for: a hint for links,
    the form checks again with `can_report`."""
    if not rows:
        return set()
    reportable = Project.objects.for_user(user, "report").filter(pk__in=[p.pk for p in rows])
    return set(reportable.values_list("pk", flat=True))


@login_required
def report_status(request: HttpRequest) -> HttpResponse:
    """Missing and late weekly reports of one week (`?week=`, default the week last due) for
    the projects in the user's scope."""
    if scope_for(request.user).kind is ScopeKind.NONE:
        raise PermissionDenied
    today = timezone.localdate()
    conf = settings_for(_user_region_code(request.user))
    due_week = weeks.latest_due_week(today, conf.report_due_weekday)
    monday = due_week
    text = request.GET.get("week", "").strip()
    if text:
        try:
            monday = weeks.parse_iso_week(text)
        except ValidationError as error:
            messages.error(request, error.messages[0])
    projects = Project.objects.for_user(request.user)
    due_weekday = conf.report_due_weekday
    missing = reporting.missing_reports(projects, monday, due_weekday=due_weekday).select_related(
        "region", "responsible_unit", "enterprise"
    )
    page = paginate(
        missing,
        order=("region_id", "name", "id"),
        cursor=request.GET.get("cursor"),
        page_size=50,
    )
    late = list(
        reporting.late_reports(projects, monday)
        .select_related("project", "project__region", "submitted_by")
        .order_by("project__region_id", "project__name")[:200]
    )
    this_monday = reporting.current_week(today)
    next_week = monday + dt.timedelta(days=7)
    return render(
        request,
        "projects/report_status.html",
        {
            "week": monday,
            "week_label": weeks.iso_label(monday),
            "deadline": weeks.week_deadline(monday, due_weekday),
            "is_future": monday > this_monday,
            "counts": reporting.report_counts(projects, monday, due_weekday=due_weekday),
            "page": page,
            "next_url": page_url(request.GET, page.next_cursor) if page.next_cursor else None,
            "late": late,
            "reportable": _reportable_ids(request.user, page.rows),
            "previous_week": weeks.iso_label(monday - dt.timedelta(days=7)),
            "next_week": weeks.iso_label(next_week) if next_week <= this_monday else None,
            "due_week": weeks.iso_label(due_week),
            "report_url": reverse("projects:report_status"),
        },
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/report/", report_form, name="report"),
    path("reports/status/", report_status, name="report_status"),
    path("report-photos/<int:pk>/", report_photo, name="report_photo"),
]
